#!/usr/bin/env bash
# Runs the op check suite (`kiln check --small`, with each kernel family), the
# kernel-configuration checks and the backend's memory tests under oclgrind, the OpenCL
# simulator, so out-of-bounds accesses, data races and API misuse fail the script.
#
#   scripts/oclgrind-check.sh                  API + memory + data-race checks
#   scripts/oclgrind-check.sh --uninitialized  also oclgrind's uninitialized-value plugin
#
# oclgrind always checks memory bounds; it reports problems in its log rather than its exit
# status, so any log line is a failure. Scratch buffers are NaN-poisoned
# (`kiln check --poison-workspaces`; the tests' backends poison theirs) and every op output
# is NaN-poisoned by the suite, so reads of unwritten memory also show up as check failures.
#
# --uninitialized is optional because the plugin in oclgrind 21.10 (Debian 12) is unreliable
# with current LLVM: it aborts on `freeze` instructions, crashes at -O0, and flags buffers
# initialised by clEnqueueFillBuffer. Use it with a newer oclgrind.
set -euo pipefail
cd "$(dirname "$0")/.."

flags=(--check-api --data-races)
if [[ "${1:-}" == "--uninitialized" ]]; then
    flags+=(--uninitialized --build-options -cl-opt-disable)
fi

swift build --build-tests >/dev/null
bin="$(swift build --show-bin-path)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# A private cache directory: the binary cache's key does not see options oclgrind injects.
# Only what exists to cover kernels runs here: the whole-training and 2,000-step memory tests
# would drive thousands of simulated launches (minutes each under oclgrind) and add no kernel
# coverage; they run on PoCL in the main suite.
# oclgrind's device calls itself a GPU, so the packed (CPU) GEMM runs through the test that
# forces it on with the small __local blocks that fit oclgrind's 32 KiB.
# Tests run one at a time: oclgrind's runtime is not thread-safe (jrprice/Oclgrind#28):
# kernels launched from several threads at once corrupt each other's local memory there
# (the same tests pass in parallel on PoCL).
status=0
XDG_CACHE_HOME="$work/cache" oclgrind "${flags[@]}" --log "$work/oclgrind-check.log" \
    "$bin/kiln" check --device opencl --kernel-family cpu --small --poison-workspaces >"$work/check.log" 2>&1 || status=$?
tail -n 1 "$work/check.log"
# Each kernel family explicitly (oclgrind reports a GPU, so its default would be the GPU one).
XDG_CACHE_HOME="$work/cache" oclgrind "${flags[@]}" --log "$work/oclgrind-check-gpu.log" \
    "$bin/kiln" check --device opencl --kernel-family gpu --small --poison-workspaces >"$work/check-gpu.log" 2>&1 || status=$?
tail -n 1 "$work/check-gpu.log"
XDG_CACHE_HOME="$work/cache" oclgrind "${flags[@]}" --log "$work/oclgrind-tests.log" \
    "$bin/KilnPackageTests.xctest" --testing-library swift-testing --no-parallel \
    --filter 'CrossBackendTests.KernelConfigCheckTests|KilnOpenCLTests.BackendMemoryTests|KilnOpenCLTests.PackedGemmTests/smallLocalMemoryMatchesReference' \
    >"$work/tests.log" 2>&1 || status=$?
cat "$work"/oclgrind-*.log > "$work/oclgrind.log" 2>/dev/null || true

grep -E '✘|passed after|failed after' "$work/tests.log" | grep -v '^. Test ' || true
if [[ -s "$work/oclgrind.log" ]]; then
    echo "oclgrind reported problems:" >&2
    head -n 200 "$work/oclgrind.log" >&2
    exit 1
fi
if [[ $status -ne 0 ]]; then
    echo "checks or tests failed under oclgrind (exit $status):" >&2
    grep -hv " ok$" "$work/check.log" "$work/check-gpu.log" | tail -n 30 >&2
    tail -n 60 "$work/tests.log" >&2
    exit 1
fi
echo "oclgrind: no errors (${flags[*]})"
