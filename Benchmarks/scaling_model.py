#!/usr/bin/env python3
"""Scaling model of Kiln's data parallelism (Benchmarks/NOTES.md, "Data parallelism over MPI").

Weak scaling: every process trains `per_process_batch` samples per step, so the compute time of
a step, t_c, does not change with N; the step adds one ring all-reduce of the gradient arena
(S bytes) and the device<->host copies of it (t_copy, measured here):

    T_ring(N) = 2(N-1)·alpha + 2(N-1)/N · S/beta
    efficiency without overlap = t_c / (t_c + t_copy + T_ring)
    with overlap (gradient buckets, as DDP): the all-reduce runs during backward (about 2/3
    of t_c); only what sticks out costs:  t_c / (t_c + t_copy_last + max(0, T_ring - 2/3·t_c))

Inputs are the measured figures of this machine (arguments) and the stated link speeds.
Usage: scaling_model.py SIMPLE_CNN_IMG_S RESNET_SMALL_IMG_S LOOPBACK_ALPHA_US LOOPBACK_GB_S COPY_GB_S
"""
import sys

links = {  # name: (alpha seconds per message, beta bytes/s usable)
    "loopback": None,  # from the measurement
    "25 Gb/s Ethernet": (25e-6, 25e9 / 8 * 0.9),
    "200 Gb/s InfiniBand": (2e-6, 200e9 / 8 * 0.9),
}
# name: (gradient floats, img/s of one process on one device, label of that device)
def models(simple_cnn_rate, resnet_small_rate):
    return [
        ("simple-cnn", 225_034, simple_cnn_rate),
        ("resnet-small", 35_034, resnet_small_rate),
        # Modelled, not measured (written before resnet18-small joined the zoo): ResNet-18 for 32x32 inputs, 11.2 M parameters, ~0.56 GFLOP
        # forward per image, ~1.7 GFLOP per trained image; its rate is scaled from
        # resnet-small's (~0.04 GFLOP forward per 28x28 image) by the FLOP ratio.
        ("resnet18 (modelled)", 11_173_962, resnet_small_rate * 0.04 / 0.56),
    ]

def ring(n, size_bytes, alpha, beta):
    return 2 * (n - 1) * alpha + 2 * (n - 1) / n * size_bytes / beta

def main():
    simple, resnet, lo_alpha_us, lo_gbs, copy_gbs = map(float, sys.argv[1:6])
    links["loopback"] = (lo_alpha_us * 1e-6, lo_gbs * 1e9)
    batch = 128
    ns = [2, 4, 8, 16, 32, 64, 128, 256]
    for speedup, device in [(1, "this machine's device (PoCL, 1 thread)"), (100, "a device 100x faster (GPU class)")]:
        print(f"\n### {device}: per-process batch {batch}\n")
        print("| model | link | t_c ms | " + " | ".join(f"N={n}" for n in ns) + " | overlap needed from |")
        print("|---|---|---|" + "---|" * len(ns) + "---|")
        for name, floats, rate in models(simple, resnet):
            size = 4 * floats
            t_c = batch / (rate * speedup)
            t_copy = 2 * size / (copy_gbs * 1e9)
            for link, (alpha, beta) in links.items():
                cells, first = [], None
                for n in ns:
                    t = ring(n, size, alpha, beta)
                    plain = t_c / (t_c + t_copy + t)
                    hidden = t_c / (t_c + t_copy + max(0.0, t - 2 / 3 * t_c))
                    cells.append(f"{plain:.2f}" + (f" ({hidden:.2f})" if hidden - plain >= 0.05 else ""))
                    if first is None and plain < 0.9:
                        first = n
                print(f"| {name} | {link} | {t_c * 1e3:.1f} | " + " | ".join(cells) + f" | {first or '—'} |")

if __name__ == "__main__":
    main()
