#!/usr/bin/env python3
"""Kiln against the CPU frameworks, side by side: runs `kiln bench` (a release build, JSON
output) and the peer scripts (keras_bench.py, torch_bench.py, from the venv setup.sh makes)
interleaved — one process at a time, every runner once per model and batch size in each round,
the runner order rotated from round to round — and prints per model and batch size each
runner's median training and inference images/s over the rounds, Kiln's ratio to the best
peer, and the peak resident memory (and Kiln's device memory) beside them.

    swift build -c release && Benchmarks/peers/setup.sh
    python3 Benchmarks/peers/compare.py                          # 3 rounds, the issue's sizes
    python3 Benchmarks/peers/compare.py --rounds 1 --min-time 0.5 --configs simple-cnn:32

Standard library only; runs under any python3. Each figure is one process's fastest of
`--repeats` windows of at least `--min-time` s (kiln bench's rule; the peers use the same).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
DEFAULT_VENV = Path(os.environ.get("KILN_PEERS_VENV",
                                   Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "kiln-peers" / "venv"))
PEERS = {
    "keras": ["keras_bench.py"],
    "torch": ["torch_bench.py"],
    "torch-channels-last": ["torch_bench.py", "--channels-last"],
}
MIB = 2 ** 20


def fail(message):
    print(f"compare.py: {message}", file=sys.stderr)
    sys.exit(1)


def parse_configs(text):
    """'simple-cnn:32,128,256 resnet-small:64' -> [('simple-cnn', 32), ...]."""
    configs = []
    for item in text.split():
        model, _, sizes = item.partition(":")
        try:
            batches = [int(s) for s in sizes.split(",")]
        except ValueError:
            batches = []
        if not model or not batches or min(batches) < 1:
            fail(f"--configs items are MODEL:B1,B2,... with positive batch sizes, got '{item}'")
        configs += [(model, b) for b in batches]
    return configs


def run_kiln(a, model, batch):
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "bench.json"
        cmd = [str(a.kiln), "bench", "--device", a.kiln_device, "--model", model, "--batch-sizes", str(batch),
               "--min-time", str(a.min_time), "--repeats", str(a.repeats), "--json", str(out)]
        run(cmd)
        report = json.loads(out.read_text())
    if report["machine"].get("buildConfiguration") != "release":
        fail(f"{a.kiln} is a {report['machine'].get('buildConfiguration')} build; measure a release build")
    row = report["throughput"][0]
    return {"framework": "kiln", "version": report["device"]["name"], "model": model, "batch": batch,
            "train_images_per_s": row["trainImagesPerSecond"], "infer_images_per_s": row["inferenceImagesPerSecond"],
            "peak_rss_bytes": row.get("peakResidentBytes"), "device_bytes": row.get("deviceBytes")}


def run_peer(a, name, model, batch):
    script, *extra = PEERS[name]
    cmd = [str(a.venv / "bin" / "python"), str(HERE / script), "--model", model, "--batch-size", str(batch),
           "--min-time", str(a.min_time), "--repeats", str(a.repeats)] + extra
    lines = [line for line in run(cmd).splitlines() if line.startswith("{")]
    if not lines:
        fail(f"{' '.join(cmd)} printed no result")
    return json.loads(lines[-1])


def run(cmd):
    p = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if p.returncode != 0:
        fail(f"{' '.join(cmd)} exited {p.returncode}:\n{p.stderr[-2000:]}")
    return p.stdout


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--configs", default="simple-cnn:32,128,256 resnet-small:64",
                   help="space-separated MODEL:BATCH,BATCH,... (default: %(default)s)")
    p.add_argument("--peers", default=",".join(PEERS), help=f"comma-separated, from {', '.join(PEERS)}")
    p.add_argument("--kiln", type=Path, default=ROOT / ".build" / "release" / "kiln", help="kiln binary (release build)")
    p.add_argument("--kiln-device", default="opencl")
    p.add_argument("--venv", type=Path, default=DEFAULT_VENV, help="the peers' venv (setup.sh; default %(default)s)")
    p.add_argument("--min-time", type=float, default=3.0, help="seconds per timed window (default 3)")
    p.add_argument("--repeats", type=int, default=1, help="timed windows per process; the fastest is kept")
    p.add_argument("--json", type=Path, help="also write every single result here")
    a = p.parse_args()
    peers = [s for s in a.peers.split(",") if s]
    unknown = [s for s in peers if s not in PEERS]
    if unknown or not peers:
        fail(f"unknown peer(s) {', '.join(unknown) or '(none given)'}; available: {', '.join(PEERS)}")
    if a.rounds < 1 or a.repeats < 1 or a.min_time <= 0:
        fail("--rounds and --repeats must be at least 1, --min-time positive")
    if not os.access(a.kiln, os.X_OK):
        fail(f"no kiln binary at {a.kiln} (swift build -c release, or pass --kiln)")
    if not (a.venv / "bin" / "python").exists():
        fail(f"no peer venv at {a.venv} (run Benchmarks/peers/setup.sh, or pass --venv)")
    configs = parse_configs(a.configs)
    runners = ["kiln"] + peers

    results = []
    started = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())
    print(f"{started}, load {os.getloadavg()[0]:.2f}; {a.rounds} round(s) of {len(configs) * len(runners)} runs", file=sys.stderr)
    for r in range(a.rounds):
        order = runners[r % len(runners):] + runners[:r % len(runners)]
        for model, batch in configs:
            for name in order:
                load = os.getloadavg()[0]
                row = run_kiln(a, model, batch) if name == "kiln" else run_peer(a, name, model, batch)
                row.update(round=r + 1, runner=name, load_before=load, load_after=os.getloadavg()[0])
                results.append(row)
                print(f"round {r + 1} {model} {batch:>4} {name:<20} train {row['train_images_per_s']:8.0f}  "
                      f"infer {row['infer_images_per_s']:8.0f} img/s  (load {load:.2f})", file=sys.stderr, flush=True)

    ended = time.strftime("%H:%M:%S UTC", time.gmtime())
    loads = [x["load_before"] for x in results] + [x["load_after"] for x in results]
    print(f"\n{started} – {ended}, {a.rounds} round(s), 1-minute load {min(loads):.2f}–{max(loads):.2f}; "
          f"medians over rounds (each: fastest of {a.repeats} window(s) of ≥ {a.min_time:g} s)")
    for model, batch in configs:
        rows = [x for x in results if x["model"] == model and x["batch"] == batch]
        print(f"\n{model}, batch {batch}")
        print(f"  {'runner':<22}{'version':<34}{'train img/s':>12}{'infer img/s':>12}{'peak RSS':>12}{'device mem':>12}")
        med = {}
        for name in runners:
            mine = [x for x in rows if x["runner"] == name]
            m = {k: statistics.median(x[k] for x in mine) for k in ("train_images_per_s", "infer_images_per_s")}
            rss = [x["peak_rss_bytes"] for x in mine if x.get("peak_rss_bytes")]
            dev = [x["device_bytes"] for x in mine if x.get("device_bytes")]
            med[name] = m
            print(f"  {name:<22}{mine[0]['version'][:33]:<34}{m['train_images_per_s']:12.0f}{m['infer_images_per_s']:12.0f}"
                  + (f"{statistics.median(rss) / MIB:9.1f} MiB" if rss else f"{'–':>12}")
                  + (f"{statistics.median(dev) / MIB:9.1f} MiB" if dev else f"{'–':>12}"))
        for key, label in (("train_images_per_s", "training"), ("infer_images_per_s", "inference")):
            best = max(peers, key=lambda n: med[n][key])
            print(f"  Kiln / best peer, {label}: {med['kiln'][key] / med[best][key]:.2f} (best: {best})")
    if a.json:
        a.json.write_text(json.dumps({"started": started, "ended": ended, "results": results}, indent=1))


if __name__ == "__main__":
    main()
