"""What the peer scripts (keras_bench.py, torch_bench.py) share: their options, the timing rule
of `kiln bench` (TimedLoop) and the one JSON line each run prints for compare.py.

Timing, as kiln bench does it: two warm-up runs (tracing, allocation), then `--repeats` timed
windows of at least `--min-time` seconds and 3 steps each, the fastest kept (on a shared machine
other work only ever slows a window). A framework supplies `run(count)`: `count` steps that end
with the results on the host, so a window holds all the work of the steps it counts. A window is
one call of `run` (one `fit` for Keras), so per-call overhead is spread over the whole window.
"""
import argparse
import json
import resource
import sys
import time

# The models compare.py knows, with Kiln's ModelZoo names.
MODELS = ("simple-cnn", "resnet-small")


def options(description, extra=None):
    """The shared options; `extra(parser)` adds a framework's own."""
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--model", choices=MODELS, default="simple-cnn")
    p.add_argument("--batch-size", type=int, default=128)
    p.add_argument("--min-time", type=float, default=3.0, help="seconds per timed window (default 3, as kiln bench)")
    p.add_argument("--repeats", type=int, default=1, help="timed windows per figure; the fastest is kept")
    p.add_argument("--seed", type=int, default=1)
    if extra:
        extra(p)
    a = p.parse_args()
    if a.batch_size < 1 or a.min_time <= 0 or a.repeats < 1:
        p.error("--batch-size and --repeats must be at least 1, --min-time positive")
    return a


def best_rate(run, batch, min_time, repeats):
    """Images/s of the fastest of `repeats` windows of run(count)."""
    for _ in range(2):
        run(2)
    count = 3
    while True:  # grow the window until one call lasts min_time
        seconds = timed(run, count)
        if seconds >= min_time:
            break
        count = max(count + 1, int(count * min_time / max(seconds, 1e-6) * 1.1) + 1)
    best = seconds
    for _ in range(repeats - 1):
        best = min(best, timed(run, count))
    return batch * count / best


def timed(run, count):
    start = time.perf_counter()
    run(count)
    return time.perf_counter() - start


def report(framework, version, args, train, infer, note=""):
    """One JSON line on stdout (what compare.py reads), a readable one on stderr."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux: KiB
    row = {"framework": framework, "version": version, "model": args.model, "batch": args.batch_size,
           "train_images_per_s": train, "infer_images_per_s": infer, "peak_rss_bytes": peak, "note": note}
    print(json.dumps(row), flush=True)
    print(f"{framework} {version} {args.model} batch {args.batch_size}{' ' + note if note else ''}: "
          f"train {train:.0f} img/s, inference {infer:.0f} img/s, peak RSS {peak / 2**20:.1f} MiB",
          file=sys.stderr)
