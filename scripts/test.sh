#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test: the CPU reference and layer
# gradient checks, the OpenCL backend on PoCL against the CPU reference, the end-to-end
# tests of the kiln binary (hostile files included), the kernels under oclgrind, a short
# libFuzzer run of the file readers, and a build of the Kiln library with OpenCL switched off.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
scripts/check-paths.sh
swift build --build-tests
swift test --skip-build
scripts/oclgrind-check.sh
# The file readers and the model-file parser under libFuzzer + ASan, 20 s per target,
# about a minute in all (Fuzz/README.md).
FUZZ_CI_SECONDS=20 scripts/fuzz.sh ci
KILN_NO_OPENCL=1 swift build --target Kiln --scratch-path .build-no-opencl
echo "all tests passed"
