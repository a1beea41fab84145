#!/usr/bin/env bash
# The main job: install what is missing, build in release, and train the reference CNN
# (simple-cnn) on Fashion-MNIST on the best device found — an OpenCL GPU, else PoCL on the
# CPU, else Kiln's CPU reference backend — saying which. Extra arguments go to `kiln train`
# (e.g. --device cpu, --epochs 5, --limit 10000).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build -c release --product kiln
mkdir -p runs
exec .build/release/kiln train --device auto --model simple-cnn --epochs 3 --batch-size 128 --validation-split 0.1 \
    --save runs/simple-cnn.safetensors --report runs/simple-cnn.json \
    --metrics runs/simple-cnn.csv --curve runs/simple-cnn.svg "$@"
