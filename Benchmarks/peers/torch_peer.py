"""Peer measurement for the GPU bundle (scripts/gpu-bundle.sh): PyTorch training and inference
throughput of the same simple-cnn and resnet-small as Kiln's model zoo
(Sources/Kiln/Models/ModelZoo.swift), measured the way `kiln bench` measures them, on the
same GPU and batch sizes, so the Kiln/PyTorch ratio comes out of one run.

Training step (as `kiln bench`): upload a batch of synthetic standard-normal images and their
labels from the host, forward, softmax cross-entropy, backward, one Adam update (lr 1e-3).
Inference batch: upload, forward in eval mode, download the logits. Timed after warm-up
steps over at least --min-time seconds, ending with a device synchronisation; the best of
--repeats windows is kept.

Two precision modes, each FP32 storage:
  fp32-tf32-off  torch.backends.cuda.matmul.allow_tf32 = cudnn.allow_tf32 = False (Kiln's arithmetic)
  defaults       whatever this PyTorch does by default (cuDNN convolutions may use TF32)

    python3 torch_peer.py --batch-sizes 32,128,512,2048 --json torch.json
"""
import argparse
import json
import platform
import time

import torch
from torch import nn


def simple_cnn(classes=10):
    # Kiln: Conv2D(32, 3, relu), MaxPool2D(2), Conv2D(64, 3, relu), MaxPool2D(2), Flatten,
    # Dense(128, relu), Dropout(0.5), Dense(classes). 28 -> 26 -> 13 -> 11 -> 5.
    return nn.Sequential(
        nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(64 * 5 * 5, 128), nn.ReLU(), nn.Dropout(0.5),
        nn.Linear(128, classes))


def batch_norm(channels):
    # Kiln's BatchNorm: running-average decay 0.99 (PyTorch momentum 0.01), epsilon 1e-3.
    return nn.BatchNorm2d(channels, eps=1e-3, momentum=0.01)


class Residual(nn.Module):
    """y = relu(body(x) + shortcut(x)); the shortcut is a strided 1x1 convolution (with bias,
    as Kiln's projection) when the body changes the shape, else the identity."""

    def __init__(self, body, projection=None):
        super().__init__()
        self.body = body
        self.projection = projection

    def forward(self, x):
        shortcut = x if self.projection is None else self.projection(x)
        return torch.relu(self.body(x) + shortcut)


def resnet_small(classes=10):
    # Kiln's resnet-small: 3x3 convolutions without bias, 'same' padding (stride 2: Kiln pads
    # as Keras, 0 before and 1 after; PyTorch pads 1 on both sides: same output size and work).
    def conv(cin, cout, stride=1):
        return nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=False)

    return nn.Sequential(
        conv(1, 16), batch_norm(16), nn.ReLU(),
        Residual(nn.Sequential(conv(16, 16), batch_norm(16), nn.ReLU(), conv(16, 16), batch_norm(16))),
        Residual(nn.Sequential(conv(16, 32, 2), batch_norm(32), nn.ReLU(), conv(32, 32), batch_norm(32)),
                 projection=nn.Conv2d(16, 32, 1, stride=2)),
        nn.MaxPool2d(2), nn.Flatten(), nn.Dropout(0.3), nn.Linear(32 * 7 * 7, classes))


MODELS = {"simple-cnn": simple_cnn, "resnet-small": resnet_small}


# What this PyTorch does when nobody sets anything (read before set_mode changes it).
DEFAULT_TF32 = (torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32)


def set_mode(mode):
    off = mode == "fp32-tf32-off"
    torch.backends.cuda.matmul.allow_tf32 = False if off else DEFAULT_TF32[0]
    torch.backends.cudnn.allow_tf32 = False if off else DEFAULT_TF32[1]


def timed(step, device, min_time, repeats, warmup=3, chunk=5):
    """Seconds per step: after warm-up, the best of `repeats` windows of whole chunks of
    steps (each chunk ends with a device synchronisation) lasting at least min_time."""
    for _ in range(warmup):
        step()
    sync(device)
    best = float("inf")
    for _ in range(repeats):
        steps, start = 0, time.perf_counter()
        while True:
            for _ in range(chunk):
                step()
            steps += chunk
            sync(device)
            elapsed = time.perf_counter() - start
            if elapsed >= min_time:
                break
        best = min(best, elapsed / steps)
    return best


def sync(device):
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def measure(name, batch, device, min_time, repeats, seed):
    torch.manual_seed(seed)
    model = MODELS[name]().to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    images = torch.randn(batch, 1, 28, 28)
    labels = torch.randint(0, 10, (batch,))

    def train_step():
        x, y = images.to(device), labels.to(device)
        optimizer.zero_grad(set_to_none=True)
        loss_fn(model(x), y).backward()
        optimizer.step()

    def inference_step():
        with torch.no_grad():
            model(images.to(device)).cpu()

    model.train()
    train_seconds = timed(train_step, device, min_time, repeats)
    model.eval()
    infer_seconds = timed(inference_step, device, min_time, repeats)
    return {"model": name, "batch": batch,
            "train_images_per_second": batch / train_seconds, "train_ms_per_step": 1e3 * train_seconds,
            "inference_images_per_second": batch / infer_seconds}


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--batch-sizes", default="32,128,512,2048")
    p.add_argument("--models", default="simple-cnn,resnet-small")
    p.add_argument("--modes", default="fp32-tf32-off,defaults")
    p.add_argument("--min-time", type=float, default=0.5, help="seconds per timed window")
    p.add_argument("--repeats", type=int, default=2, help="timed windows per figure (the best is kept)")
    p.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--json", help="write every figure here")
    a = p.parse_args()
    device = torch.device(a.device)
    torch.backends.cudnn.benchmark = False  # PyTorch's default; Kiln does not search algorithms either
    report = {
        "torch": torch.__version__, "cuda": torch.version.cuda,
        "cudnn": torch.backends.cudnn.version() if device.type == "cuda" else None,
        "device": torch.cuda.get_device_name(device) if device.type == "cuda" else platform.processor(),
        "default_tf32": {"matmul": DEFAULT_TF32[0], "cudnn": DEFAULT_TF32[1]},
        "min_time": a.min_time, "repeats": a.repeats, "results": []}
    print(f"torch {report['torch']} cuda {report['cuda']} cudnn {report['cudnn']} on {report['device']}; "
          f"default TF32: matmul {DEFAULT_TF32[0]}, cudnn {DEFAULT_TF32[1]}", flush=True)
    for mode in a.modes.split(","):
        set_mode(mode)
        for name in a.models.split(","):
            for batch in (int(b) for b in a.batch_sizes.split(",")):
                r = measure(name, batch, device, a.min_time, a.repeats, a.seed)
                r["mode"] = mode
                report["results"].append(r)
                print(f"{mode:14} {name:13} batch {batch:5}: train {r['train_images_per_second']:9.0f} img/s "
                      f"({r['train_ms_per_step']:.2f} ms/step), inference {r['inference_images_per_second']:9.0f} img/s",
                      flush=True)
                if a.json:  # rewritten after every figure, so a timeout keeps what was measured
                    with open(a.json, "w") as f:
                        json.dump(report, f, indent=2)


if __name__ == "__main__":
    main()
