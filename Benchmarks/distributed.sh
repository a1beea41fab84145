#!/usr/bin/env bash
# Data-parallel throughput on this machine (Benchmarks/NOTES.md, "Data parallelism over MPI"):
# kiln train's images/s (second epoch, real Fashion-MNIST) for
#   1 process, PoCL with 2 threads   (the whole machine in one process)
#   1 process, PoCL with 1 thread
#   2 processes under mpirun, PoCL with 1 thread each
# and the gradient all-reduce alone (kiln bench --distributed) with 2 processes.
# Usage: Benchmarks/distributed.sh [MODEL] [LIMIT]   (defaults: simple-cnn 6400; batch 128)
# DATA=DIR reads Fashion-MNIST from DIR (e.g. one with a short test set, to skip most of the
# test-set evaluation, which is not timed anyway).
set -euo pipefail
cd "$(dirname "$0")/.."
kiln=${KILN:-.build/release/kiln}
model=${1:-simple-cnn}
limit=${2:-6400}
mpirun=(mpirun --oversubscribe)
[[ $(id -u) -eq 0 ]] && mpirun+=(--allow-run-as-root)
train=(train --device opencl --model "$model" --limit "$limit" --batch-size 128 --epochs 2 --seed 1)
[[ -n "${DATA:-}" ]] && train+=(--data "$DATA")

speed() {  # label, command...: prints the second epoch's images/s
    local label=$1; shift
    local line
    line=$("$@" | grep "^epoch 2/2")
    echo "$label: $(sed -E 's/.*  ([0-9]+) images\/s.*/\1/' <<<"$line") images/s   ($line)"
}

echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
speed "1 process,   2 PoCL threads" env POCL_MAX_PTHREAD_COUNT=2 "$kiln" "${train[@]}"
speed "1 process,   1 PoCL thread " env POCL_MAX_PTHREAD_COUNT=1 "$kiln" "${train[@]}"
speed "2 processes, 1 PoCL thread each" "${mpirun[@]}" -np 2 -x POCL_MAX_PTHREAD_COUNT=1 "$kiln" "${train[@]}"
"${mpirun[@]}" -np 2 "$kiln" bench --distributed --model "$model" | grep "all-reduce"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
