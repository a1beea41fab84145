#!/usr/bin/env bash
# libFuzzer runs of Kiln's file readers and the model-file parser (see Fuzz/README.md).
#
#   scripts/fuzz.sh build [TARGET]   build .build/fuzz/<target> for every (or one) target
#   scripts/fuzz.sh run TARGET SECS  fuzz one target (corpus .build/fuzz/corpus/TARGET)
#   scripts/fuzz.sh ci               build, then every target for FUZZ_CI_SECONDS (default 20) each
#   scripts/fuzz.sh long [SECS]      every target for SECS (default 1800) each, one after the
#                                    other, at nice 19; logs in .build/fuzz/<target>.log
#
# A finding stops the run with a non-zero status and leaves crash-*/oom-*/timeout-* files
# in .build/fuzz/findings/.
set -euo pipefail
cd "$(dirname "$0")/.."
out=.build/fuzz
targets=(safetensors idx modelfile)

source_of() {
    case "$1" in
        safetensors) echo Fuzz/SafeTensorsTarget.swift ;;
        idx) echo Fuzz/IDXTarget.swift ;;
        modelfile) echo Fuzz/ModelFileTarget.swift ;;
    esac
}

build() {
    [[ $# -gt 0 ]] && targets=("$@")
    mkdir -p "$out/lib"
    local kiln_sources
    mapfile -t kiln_sources < <(find Sources/Kiln -name '*.swift' | sort)
    # Kiln once, as a static library with the fuzzer's coverage and ASan instrumentation and
    # -enable-testing (the entries use @testable import to reach the internal readers); -O
    # keeps the exec rate up, and the sanitizers still see every access.
    swiftc -sanitize=fuzzer,address -parse-as-library -O -wmo -enable-testing -module-name Kiln \
        -I Sources/CZlib -emit-module -emit-module-path "$out/lib/Kiln.swiftmodule" \
        -emit-library -static -o "$out/lib/libKiln.a" "${kiln_sources[@]}" 2> "$out/lib/build.log" || {
        grep -v "ld.gold: warning" "$out/lib/build.log" >&2; exit 1; }
    for t in "${targets[@]}"; do
        swiftc -sanitize=fuzzer,address -parse-as-library -O -I "$out/lib" -I Sources/CZlib \
            "$(source_of "$t")" -L "$out/lib" -lKiln -lz -o "$out/$t" 2> "$out/$t.build.log" || {
            grep -v "ld.gold: warning" "$out/$t.build.log" >&2; exit 1; }
    done
}

# Seeds: the hostile-file corpus (everything, whatever the target; libFuzzer keeps what
# adds coverage) and a few valid files.
seed() {
    local t=$1 dir="$out/corpus/$1"
    mkdir -p "$dir"
    if compgen -G "Tests/kilnToolTests/Hostile/*" > /dev/null; then cp -n Tests/kilnToolTests/Hostile/* "$dir"/ 2>/dev/null || true; fi
    case "$t" in
        idx)
            printf '\x00\x00\x08\x03\x00\x00\x00\x02\x00\x00\x00\x02\x00\x00\x00\x02\x01\x02\x03\x04\x05\x06\x07\x08' > "$dir/valid-images"
            printf '\x00\x00\x08\x01\x00\x00\x00\x03\x01\x02\x03' > "$dir/valid-labels"
            gzip -c "$dir/valid-images" > "$dir/valid-images.gz" ;;
        safetensors)
            local h='{"__metadata__":{"format":"kiln-checkpoint-1","model":"{\"input\":[1,2,2],\"output\":[2],\"layers\":[\"Dense(2)\"]}"},"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}'
            { printf "$(printf '\\x%02x' $(( ${#h} & 255 )) $(( ${#h} >> 8 )))\x00\x00\x00\x00\x00\x00"; printf '%s' "$h"; printf '\x00\x00\x80\x3f\x00\x00\x00\x40'; } > "$dir/valid.safetensors" ;;
        modelfile)
            # Every layer kind and setting spelling once, in two small valid models.
            cat > "$dir/valid-cnn.json" <<'JSON'
{"format": "kiln-model-1", "name": "seed", "input": [1, 8, 8], "classes": ["a", "b"], "layers": [
  {"type": "Conv2D", "filters": 2, "kernelSize": [3, 2], "strides": 1, "padding": "same", "activation": {"name": "leaky_relu", "alpha": 0.1},
   "useBias": false, "kernelInitializer": {"name": "normal", "mean": 0, "std": 0.1}, "biasInitializer": {"name": "constant", "value": 0.5}},
  {"type": "BatchNorm", "runningAverageDecay": 0.9, "epsilon": 0.001},
  {"type": "Residual", "activation": "relu", "shortcut": "projection", "layers": [
    {"type": "Conv2D", "filters": 3, "kernelSize": 1, "padding": [0, 1, 0, 1], "kernelInitializer": {"name": "uniform", "low": -1, "high": 1}}]},
  {"type": "Residual", "shortcut": [{"type": "Conv2D", "filters": 3, "kernelSize": 1, "strides": 2}], "layers": [
    {"type": "Conv2D", "filters": 3, "kernelSize": 3, "strides": 2, "padding": "same"}]},
  {"type": "MaxPool2D", "poolSize": 2, "padding": "same"}, {"type": "AvgPool2D", "poolSize": [1, 2], "strides": [1, 1]},
  {"type": "LocalResponseNorm", "size": 3, "alpha": 0.0001, "beta": 0.75, "k": 2},
  {"type": "Activation", "activation": "tanh"}, {"type": "Dropout", "rate": 0.5},
  {"type": "GlobalAvgPool2D"}, {"type": "Dense", "units": 2, "activation": "softmax", "kernelInitializer": "heNormal"}]}
JSON
            cat > "$dir/valid-mlp.json" <<'JSON'
{"input": [2, 3], "layers": [{"type": "Flatten"}, {"type": "Dense", "units": 4, "activation": "sigmoid"},
  {"type": "Residual", "layers": [{"type": "Dense", "units": 4}]}, {"type": "GlobalMaxPool2D"}, {"type": "Dense", "units": 3}]}
JSON
            ;;
    esac
}

run() {
    local t=$1 secs=$2
    seed "$t"
    mkdir -p "$out/findings"
    # -rss_limit_mb: a reader must refuse, not allocate, what a small input claims.
    # -timeout: generous, because a nice-19 run on a shared machine can be starved for
    # seconds (a 10 s limit reported such a stall once; the unit ran in 0.02 s alone);
    # slowest_unit_time_sec in the final stats shows the real worst case.
    local dict=()
    [[ -f Fuzz/$t.dict ]] && dict=(-dict="Fuzz/$t.dict")
    # SWIFT_BACKTRACE=enable=no: a Swift trap goes straight to libFuzzer's deadly-signal
    # handler, which writes the input and exits. Swift's own crash handler reads the crashed
    # process's memory, which ASan reports as an overflow of its own (Fuzz/README.md: a CI
    # run that met such a crash never ended). The outer timeout bounds the run whatever
    # happens inside it.
    local rc=0 limit=$(( secs + 600 ))
    SWIFT_BACKTRACE=enable=no timeout -k 30 "$limit" "$out/$t" "$out/corpus/$t" "${dict[@]}" \
        -max_total_time="$secs" -rss_limit_mb=2048 -timeout="${FUZZ_TIMEOUT:-120}" -max_len=8192 \
        -artifact_prefix="$out/findings/$t-" -print_final_stats=1 || rc=$?
    if (( rc == 124 || rc == 137 )); then
        echo "fuzz: $t did not stop within $limit s of its $secs; stopped it" >&2
    fi
    return "$rc"
}

case "${1:-}" in
    build) shift; build "$@" ;;
    run) run "$2" "${3:-60}" ;;
    ci)
        build
        for t in "${targets[@]}"; do run "$t" "${FUZZ_CI_SECONDS:-20}" 2>&1 | tail -n 15; done ;;
    long)
        build
        for t in "${targets[@]}"; do nice -n 19 "$0" run "$t" "${2:-1800}" > "$out/$t.log" 2>&1; done ;;
    *) sed -n '2,12p' "$0"; exit 64 ;;
esac
