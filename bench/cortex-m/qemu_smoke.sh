#!/usr/bin/env bash
# CTest cortex_m4_qemu_smoke: builds bench-smoke-m4.elf in a cached Cortex-M4 cross build and runs
# it on QEMU mps2-an386. The firmware runs every benchmark module under picowasm with a small
# parameter and exits non-zero if any load, trap or result differs from native and reference.
#   bench/cortex-m/qemu_smoke.sh SOURCE_DIR CROSS_BUILD_DIR
set -euo pipefail
src=$1
build_dir=$2

bash "$src/bench/cortex-m/cross-build.sh" "$build_dir" speed bench-smoke-m4
QEMU_M4_TIMEOUT=${QEMU_M4_TIMEOUT:-60} \
  bash "$src/scripts/run-qemu-m4.sh" "$build_dir/bench/cortex-m/bench-smoke-m4.elf"
