"""Peer measurement: PyTorch (CPU) training and running the same model as `kiln bench --model M`
(Kiln's ModelZoo: same layers, Adam with Kiln's defaults lr 1e-3, betas 0.9/0.999, eps 1e-7,
cross-entropy on logits), on one synthetic batch of standard-normal 28x28 images and random
labels, as kiln bench uses. The plain training loop (zero_grad, forward, loss, backward, step)
and inference under torch.inference_mode in eval mode. `--channels-last` runs model and input in
NHWC memory format (often faster for convolutions on CPUs). Prints one JSON line.

    ~/.cache/kiln-peers/venv/bin/python Benchmarks/peers/torch_bench.py --model simple-cnn --batch-size 128
(Benchmarks/peers/setup.sh makes that venv; compare.py runs this script for you.)
"""
import torch
from torch import nn

from peer_timing import best_rate, options, report


def simple_cnn(classes):
    return nn.Sequential(
        nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(64 * 5 * 5, 128), nn.ReLU(), nn.Dropout(0.5),
        nn.Linear(128, classes))


def conv_bn(cin, cout, stride=1):
    # Kiln's BatchNorm: running-average decay 0.99 (PyTorch momentum 0.01), eps 1e-3.
    return [nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=False), nn.BatchNorm2d(cout, eps=1e-3, momentum=0.01)]


class Residual(nn.Module):
    """relu(body(x) + shortcut(x)); shortcut: identity, or Kiln's 1x1 strided projection (with bias)."""

    def __init__(self, body, projection=None):
        super().__init__()
        self.body, self.projection = body, projection

    def forward(self, x):
        return torch.relu(self.body(x) + (x if self.projection is None else self.projection(x)))


def resnet_small(classes):
    return nn.Sequential(
        *conv_bn(1, 16), nn.ReLU(),
        Residual(nn.Sequential(*conv_bn(16, 16), nn.ReLU(), *conv_bn(16, 16))),
        Residual(nn.Sequential(*conv_bn(16, 32, 2), nn.ReLU(), *conv_bn(32, 32)), nn.Conv2d(16, 32, 1, stride=2)),
        nn.MaxPool2d(2), nn.Flatten(), nn.Dropout(0.3),
        nn.Linear(32 * 7 * 7, classes))


def main():
    args = options("PyTorch (CPU) peer of kiln bench", lambda p: p.add_argument(
        "--channels-last", action="store_true", help="model and input in NHWC memory format"))
    channels_last = args.channels_last
    classes = 10
    torch.manual_seed(args.seed)
    fmt = torch.channels_last if channels_last else torch.contiguous_format
    x = torch.randn(args.batch_size, 1, 28, 28).contiguous(memory_format=fmt)
    y = torch.randint(0, classes, (args.batch_size,))
    model = {"simple-cnn": simple_cnn, "resnet-small": resnet_small}[args.model](classes).to(memory_format=fmt)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-7)
    loss_fn = nn.CrossEntropyLoss()

    def train(count):
        model.train()
        for _ in range(count):
            optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(model(x), y)
            loss.backward()
            optimizer.step()
        loss.item()

    def infer(count):
        model.eval()
        with torch.inference_mode():
            for _ in range(count):
                model(x).numpy()

    t = best_rate(train, args.batch_size, args.min_time, args.repeats)
    i = best_rate(infer, args.batch_size, args.min_time, args.repeats)
    report("torch-channels-last" if channels_last else "torch", torch.__version__, args, t, i,
           note=f"{torch.get_num_threads()} threads")


if __name__ == "__main__":
    main()
