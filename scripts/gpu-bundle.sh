#!/usr/bin/env bash
# Builds .gpu-bundle/: everything the first GPU machine needs to check and measure Kiln with
# nothing installed there (no Swift, no OpenCL loader, maybe an older Linux):
#
#   run.sh              the checks and benchmarks (scripts/gpu-bundle/run.sh; `run.sh OUTDIR`)
#   bin/kiln.xz         kiln, release, static Swift runtime, stripped, xz-compressed: the
#                       static Foundation carries ~34 MB of ICU data, which would not fit
#                       60 MiB beside the dataset uncompressed; run.sh unpacks it to a temp dir
#   bin/xz              the unpacker, so run.sh needs no xz on the machine
#   lib/                this machine's dynamic loader and C/C++ runtime, the OpenCL ICD loader,
#                       CLBlast: kiln runs through lib/ld-linux-x86-64.so.2 --library-path lib,
#                       so it needs nothing from the machine's own glibc or libstdc++
#   data/fashion-mnist/ the four Fashion-MNIST files
#   peer/torch_peer.py  simple-cnn and resnet-small in PyTorch (Benchmarks/peers/torch_peer.py)
#
# The whole bundle must stay under 60 MiB (checked at the end). Builds in .build-bundle so it
# does not disturb the debug and release builds.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
out=$repo/.gpu-bundle
scratch=$repo/.build-bundle
data=${KILN_FASHION_MNIST:-/usr/share/datasets/fashion-mnist}
limit_mib=60

scripts/setup.sh --bundle

swift build -c release --static-swift-stdlib --scratch-path "$scratch" --product kiln
kiln=$scratch/release/kiln

rm -rf "$out"
mkdir -p "$out/bin" "$out/lib" "$out/data/fashion-mnist" "$out/peer"

strip -o "$out/bin/kiln" "$kiln"
xz -T0 -9 -f "$out/bin/kiln"
cp -L "$(command -v xz)" "$out/bin/xz"

# The loader and every library kiln, xz and CLBlast link, where ldd finds them here; and
# glibc's small libraries beside libc.so.6: a vendor driver loaded later may ask for
# libdl/libpthread/librt, and those must come from the same glibc as the bundled libc.
ldcache=$(ldconfig -p 2>/dev/null || /sbin/ldconfig -p)
clblast=$(awk '$1 == "libclblast.so.1" && /x86-64/ && !found++ { print $NF }' <<< "$ldcache")
[[ -n "$clblast" ]] || echo "note: CLBlast (libclblast.so.1) not installed here, not bundled"
ldd "$kiln" "$(command -v xz)" ${clblast:+"$clblast"} \
    | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\/.*ld-linux/ { print $1 }' | sort -u > "$out/lib/.paths"
libc=$(grep '/libc\.so\.6$' "$out/lib/.paths")
for extra in libdl.so.2 libpthread.so.0 librt.so.1; do echo "$(dirname "$libc")/$extra"; done >> "$out/lib/.paths"
[[ -n "$clblast" ]] && echo "$clblast" >> "$out/lib/.paths"
while read -r path; do cp -L "$path" "$out/lib/$(basename "$path")"; done < "$out/lib/.paths"
rm "$out/lib/.paths"

cp "$data"/{train,t10k}-{images-idx3,labels-idx1}-ubyte.gz "$out/data/fashion-mnist/"
cp Benchmarks/peers/torch_peer.py "$out/peer/"
cp scripts/gpu-bundle/run.sh "$out/run.sh"
chmod +x "$out/run.sh"
git -C "$repo" log -1 --format='%H %cI %s' > "$out/COMMIT" 2>/dev/null || echo unknown > "$out/COMMIT"

bytes=$(du -sb "$out" | cut -f1)
mib=$(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1048576 }')
echo "bundle: $out, $mib MiB"
du -sb "$out"/* | awk '{ printf "  %6.1f MiB  %s\n", $1 / 1048576, $2 }'
if ((bytes > limit_mib * 1048576)); then
    echo "error: the bundle is $mib MiB, over the $limit_mib MiB limit" >&2
    exit 1
fi
