#!/usr/bin/env bash
# Installs what Kiln needs on Debian/Ubuntu, if it is missing: the OpenCL loader and headers,
# PoCL (OpenCL on the CPU, so there is always a device), zlib headers, Fashion-MNIST, Open MPI
# (training across processes: `mpirun -np N kiln train`; openssh-client because Open MPI's
# launcher refuses to start without ssh even on one machine), with --test the oclgrind
# simulator the kernel checks run under, and with --bundle what scripts/gpu-bundle.sh packs
# beside kiln: CLBlast (the GPU GEMM the bundle measures Kiln's against) and xz. Swift itself
# must already be on the PATH (https://www.swift.org/install/linux/).
set -euo pipefail

packages=(ocl-icd-opencl-dev opencl-headers pocl-opencl-icd clinfo zlib1g-dev dataset-fashion-mnist
          libopenmpi-dev openmpi-bin openssh-client)
[[ "${1:-}" == "--test" ]] && packages+=(oclgrind)
[[ "${1:-}" == "--bundle" ]] && packages+=(libclblast1 xz-utils)

if ! command -v swift >/dev/null 2>&1; then
    echo "error: swift is not on the PATH; install Swift 6 from https://www.swift.org/install/linux/" >&2
    exit 1
fi

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
    echo "installing: ${missing[*]}"
    sudo=""
    [[ $(id -u) -ne 0 ]] && sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
