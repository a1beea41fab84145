#!/usr/bin/env bash
# Kiln's GPU bundle (built by scripts/gpu-bundle.sh): checks every op on this machine's GPU
# and measures Kiln against CLBlast and PyTorch, with nothing installed here but a GPU driver.
#
#   ./run.sh OUTDIR
#
# Finds the vendor OpenCL driver (NVIDIA, AMD, Intel; PoCL on the CPU when there is none),
# writes an ICD vendors directory of its own for the bundled OpenCL loader, and runs kiln
# through the bundled dynamic loader and C/C++ runtime. Each step runs under `timeout`; the
# step limits add up to 8 minutes. OUTDIR gets one NAME.txt per step (output and errors),
# NAME.json where the step writes JSON, and summary.txt / summary.json (exit code, seconds
# and whether it timed out, per step; the driver found).
#
# Environment (for short local checks; the defaults are the full run):
#   BUNDLE_STEPS   steps to run, space-separated, in the order given (default: all, see below)
#   BUNDLE_QUICK=1 small shapes and short timings: proves the steps run, measures nothing
#   BUNDLE_SCALE   multiplies every step's time limit (default 1)
#   BUNDLE_DRIVER  path of the OpenCL driver library to use instead of searching
#   BUNDLE_PYTHON  python with torch for the PyTorch peer (default: python3 on the PATH,
#                  then /opt/conda/bin/python3, /usr/local/bin/python3)
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
[[ $# -eq 1 ]] || { echo "usage: $0 OUTDIR" >&2; exit 2; }
mkdir -p "$1" || exit 2
out=$(cd "$1" && pwd)
quick=${BUNDLE_QUICK:-0}
scale=${BUNDLE_SCALE:-1}
all_steps="machine devices check-gpu check-cpu check-clblast tune bench-gemm bench-kernels bench-kernels-resnet-small throughput-simple-cnn throughput-resnet-small throughput-zoo train torch"
steps=${BUNDLE_STEPS:-$all_steps}

work=$(mktemp -d "${TMPDIR:-/tmp}/kiln-bundle.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
log() { echo "[$(date -u +%H:%M:%S)] $*" | tee -a "$out/summary.txt"; }
: > "$out/summary.txt"
: > "$work/steps.tsv"
log "kiln bundle $(cut -c1-12 "$here/COMMIT" 2>/dev/null) on $(uname -srm), output in $out"

# --- The OpenCL driver -------------------------------------------------------------------
# Directories a driver may live in: the ones ldconfig knows, the usual ones for NVIDIA's
# container runtime, ROCm and the distributions, and the libraries named by the machine's
# own ICD files.
search_dirs() {
    local ldc
    for ldc in ldconfig /sbin/ldconfig /usr/sbin/ldconfig; do
        command -v "$ldc" >/dev/null 2>&1 || [[ -x "$ldc" ]] || continue
        "$ldc" -p 2>/dev/null | awk '/x86-64/ && $NF ~ /^\// { print $NF }' | xargs -r -n1 dirname 2>/dev/null
        break
    done
    printf '%s\n' /usr/local/nvidia/lib64 /usr/local/nvidia/lib /usr/local/cuda/compat /usr/local/cuda/lib64 \
        /usr/lib/x86_64-linux-gnu /usr/lib64 /usr/lib /lib/x86_64-linux-gnu /lib64 \
        /opt/rocm/lib /opt/rocm/opencl/lib /opt/amdgpu/lib64 /opt/amdgpu-pro/lib64 /opt/intel/opencl/lib64 \
        /usr/lib/x86_64-linux-gnu/intel-opencl /usr/lib/wsl/lib
    cat /etc/OpenCL/vendors/*.icd 2>/dev/null | grep '^/' | xargs -r -n1 dirname 2>/dev/null
}
find_library() {  # NAME: the first existing DIR/NAME
    local dir
    [[ -f "$work/dirs" ]] || search_dirs | awk '!seen[$0]++' > "$work/dirs"
    while read -r dir; do
        [[ -e "$dir/$1" ]] && { echo "$dir/$1"; return 0; }
    done < "$work/dirs"
    return 1
}

mkdir -p "$work/vendors"
drivers=()
if [[ -n "${BUNDLE_DRIVER:-}" ]]; then
    drivers=("$BUNDLE_DRIVER")
else
    for name in libnvidia-opencl.so.1 libamdocl64.so libamdocl-orca64.so libigdrcl.so; do
        path=$(find_library "$name") && drivers+=("$path")
    done
    if ((${#drivers[@]} == 0)); then
        log "no GPU OpenCL driver found; falling back to PoCL (OpenCL on the CPU)"
        path=$(find_library libpocl.so.2) && drivers+=("$path")
    fi
fi
libpath=$here/lib
for d in "${drivers[@]}"; do
    echo "$d" > "$work/vendors/$(basename "$d").icd"
    libpath+=":$(dirname "$d")"   # the driver's own dependencies (libcuda.so.1, ...) live beside it
    log "OpenCL driver: $d"
done
((${#drivers[@]})) || log "no OpenCL driver found at all: the OpenCL steps will fail"

# --- kiln, through the bundled loader ------------------------------------------------------
"$here/lib/ld-linux-x86-64.so.2" --library-path "$here/lib" "$here/bin/xz" -dc "$here/bin/kiln.xz" > "$work/kiln.bin" \
    || { log "error: cannot unpack bin/kiln.xz"; exit 1; }
mkdir -p "$work/cache"
# A script rather than a function, so that `timeout` can run it.
cat > "$work/kiln" <<KILN
#!/usr/bin/env bash
export OCL_ICD_VENDORS='$work/vendors' XDG_CACHE_HOME='$work/cache' HOME='${HOME:-$work}'
exec '$here/lib/ld-linux-x86-64.so.2' --library-path '$libpath' --argv0 kiln '$work/kiln.bin' "\$@"
KILN
chmod +x "$work/kiln"
kiln=$work/kiln

# --- Steps ---------------------------------------------------------------------------------
# run_step NAME LIMIT_SECONDS COMMAND...: output to OUTDIR/NAME.txt, one line in the summary.
run_step() {
    local name=$1 limit=$2 rc start end secs timed_out=false
    shift 2
    limit=$(awk -v l="$limit" -v s="$scale" 'BEGIN { printf "%d", l * s + 0.5 }')
    start=$(date +%s.%N)
    timeout -k 10 "$limit" "$@" > "$out/$name.txt" 2>&1
    rc=$?
    end=$(date +%s.%N)
    secs=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')
    [[ $rc -eq 124 || $rc -eq 137 ]] && timed_out=true
    printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$rc" "$secs" "$limit" "$timed_out" >> "$work/steps.tsv"
    log "$(printf '%-24s rc %-3s %6ss of %4ss%s' "$name" "$rc" "$secs" "$limit" "$($timed_out && echo '  TIMED OUT')")"
}
skip_step() {  # NAME REASON
    printf '%s\tskipped\t0\t0\tfalse\t%s\n' "$1" "$2" >> "$work/steps.tsv"
    echo "skipped: $2" > "$out/$1.txt"
    log "$(printf '%-24s skipped: %s' "$1" "$2")"
}

gemm_shapes=2048x2048x2048,32x86528x288,64x15488x288,4096x4096x4096,8192x8192x8192,32x9x401408,64x288x100352
sweep=32,128,512,2048
zoo_batches=128,512
kernels_batch=512
bench_time=(--min-time 1.5)
check_size=()
train_size=(--epochs 3)
tune_size=()
if [[ "$quick" == 1 ]]; then
    gemm_shapes=64x64x64,32x1000x288
    sweep=32,128
    zoo_batches=32
    kernels_batch=32
    bench_time=(--quick)
    check_size=(--small)
    train_size=(--epochs 1 --limit 2000)
    tune_size=(--limit 2 --runs 1)
fi

python_with_torch() {
    local py
    for py in ${BUNDLE_PYTHON:-} python3 /opt/conda/bin/python3 /usr/local/bin/python3; do
        command -v "$py" >/dev/null 2>&1 || continue
        timeout 60 "$py" -c 'import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)' >/dev/null 2>&1 \
            && { echo "$py"; return 0; }
    done
    return 1
}

machine_info() {  # run directly: `timeout` cannot run a function
    uname -a; echo
    cat /etc/os-release 2>/dev/null; echo
    grep -m1 'model name' /proc/cpuinfo; echo "cpus: $(grep -c ^processor /proc/cpuinfo)"; echo
    echo "OpenCL drivers used: ${drivers[*]:-none}"; echo
    command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi
    return 0
}

# One step: its time limit (seconds, before BUNDLE_SCALE) and command. The limits add up to
# 475 s, 8 minutes less the time the machine step and the unpacking take; an H200 needed
# under half of each (Benchmarks/NOTES.md, "GPU").
step() {
    case $1 in
    machine) machine_info > "$out/machine.txt" 2>&1 ;;
    devices) run_step devices 10 "$kiln" devices ;;
    check-gpu | check-cpu)
        # Every op with each kernel family forced (`--kernel-family`), whatever the device's own.
        local family=${1#check-} limit=30
        [[ $family == cpu ]] && limit=15
        run_step "$1" "$limit" "$kiln" check --device opencl --kernel-family "$family" "${check_size[@]}" ;;
    check-clblast)
        # CLBlast as the GEMM provider, cross-checked like Kiln's GEMM (small shapes: the
        # CPU reference dominates the time).
        run_step check-clblast 15 "$kiln" check --device opencl --gemm-provider clblast --only gemm,conv2d --small ;;
    bench-gemm)
        run_step bench-gemm 25 "$kiln" bench --device opencl --peak --gemm "$gemm_shapes" "${bench_time[@]}" \
            --json "$out/bench-gemm.json" ;;
    tune)
        # The tiled GEMM's tile (and CLBlast, where faster) on simple-cnn's step at the
        # kernels batch; stored in the bundle's cache, so the steps after it (GEMM bench,
        # throughput, training) run tuned. Each candidate is one program build.
        run_step tune 90 "$kiln" tune --device opencl --model simple-cnn --batch-size "$kernels_batch" "${tune_size[@]}" ;;
    bench-kernels | bench-kernels-resnet-small)
        local model=${1#bench-kernels-}
        [[ $model == bench-kernels ]] && model=simple-cnn
        run_step "$1" 20 "$kiln" bench --device opencl --model "$model" --kernels --kernels-batch "$kernels_batch" \
            "${bench_time[@]}" --json "$out/$1.json" ;;
    throughput-simple-cnn | throughput-resnet-small)
        local model=${1#throughput-} limit=40
        [[ $model == resnet-small ]] && limit=35
        run_step "$1" "$limit" "$kiln" bench --device opencl --model "$model" --batch-sizes "$sweep" "${bench_time[@]}" \
            --json "$out/$1.json" ;;
    throughput-zoo)
        # The rest of the zoo at its small-input variants (the ImageNet-sized ones take
        # minutes per model on a CPU device; these are the sizes NOTES.md's zoo table uses).
        run_step throughput-zoo 75 env KILN="$kiln" OUT="$out" BATCHES="$zoo_batches" TIME="${bench_time[*]}" bash -c '
            for m in lenet5 bn-cnn resnet20 resnet-fashion alexnet-small vgg16-small resnet18-small; do
                echo "== $m"
                "$KILN" bench --device opencl --model "$m" --batch-sizes "$BATCHES" $TIME --json "$OUT/zoo-$m.json" || exit
            done' ;;
    train)
        run_step train 40 "$kiln" train --device opencl --model simple-cnn --batch-size 128 "${train_size[@]}" \
            --data "$here/data/fashion-mnist" --report "$out/train.json" ;;
    torch)
        local py
        if py=$(python_with_torch); then
            local quick_args=()
            [[ "$quick" == 1 ]] && quick_args=(--min-time 0.05)
            run_step torch 60 "$py" "$here/peer/torch_peer.py" --batch-sizes "$sweep" "${quick_args[@]}" \
                --json "$out/torch.json"
        else
            skip_step torch "no python3 with torch and CUDA found"
        fi ;;
    *) skip_step "$1" "unknown step (known: $all_steps)" ;;
    esac
}

for s in $steps; do step "$s"; done

# --- Summary -------------------------------------------------------------------------------
{
    echo "{"
    printf '  "commit": "%s",\n' "$(cut -d' ' -f1 "$here/COMMIT" 2>/dev/null)"
    printf '  "drivers": [%s],\n' "$(printf '"%s",' "${drivers[@]}" | sed 's/,$//')"
    printf '  "quick": %s,\n' "$([[ $quick == 1 ]] && echo true || echo false)"
    echo '  "steps": ['
    awk -F'\t' '{ printf "%s    {\"name\": \"%s\", \"rc\": %s, \"seconds\": %s, \"limit\": %s, \"timed_out\": %s%s}",
                  (NR > 1 ? ",\n" : ""), $1, ($2 == "skipped" ? "null" : $2), $3, $4, $5,
                  (NF > 5 ? ", \"skipped\": \"" $6 "\"" : "") } END { print "" }' "$work/steps.tsv"
    echo '  ]'
    echo "}"
} > "$out/summary.json"
failed=$(awk -F'\t' '$2 != "0" && $2 != "skipped"' "$work/steps.tsv" | wc -l)
log "done: $(wc -l < "$work/steps.tsv") steps, $failed failed or timed out; summary in $out/summary.json"
[[ $failed -eq 0 ]]
