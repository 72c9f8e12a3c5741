#!/usr/bin/env bash
# CTest xip_qemu: builds xip-m4.elf in the cached Cortex-M4 cross build and runs it on QEMU
# mps2-an386. The firmware translates every benchmark module into flash, runs it from there and
# exits non-zero if a result differs from native or a damaged image is not refused; this script
# also checks the refusal line. The RAM figure is checked against its target by scripts/xip-m4.sh,
# not here.
#   bench/cortex-m/xip_qemu.sh SOURCE_DIR CROSS_BUILD_DIR
set -euo pipefail
src=$1
build_dir=$2
bash "$src/bench/cortex-m/cross-build.sh" "$build_dir" speed xip-m4
out=$(QEMU_M4_TIMEOUT=${QEMU_M4_TIMEOUT:-120} bash "$src/scripts/run-qemu-m4.sh" \
  "$build_dir/bench/cortex-m/xip-m4.elf") || { echo "$out"; exit 1; }
echo "$out"
expected="xip refusals: truncated image_malformed, damaged image_malformed, another module image_foreign_module"
grep -qxF "$expected" <<<"$out" || { echo "missing: $expected" >&2; exit 1; }
