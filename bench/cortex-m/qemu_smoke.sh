#!/usr/bin/env bash
# CTest cortex_m4_qemu_smoke and qemu_smoke_<target>: builds bench-smoke-<suffix>.elf in a cached
# cross build and runs it on the target's QEMU machine (scripts/run-qemu.sh). The firmware runs
# every benchmark module under picowasm with a small parameter and exits non-zero if any load, trap
# or result differs from native and reference.
#   bench/cortex-m/qemu_smoke.sh SOURCE_DIR CROSS_BUILD_DIR [TARGET]   (TARGET: cortex_m4 default)
set -euo pipefail
src=$1
build_dir=$2
target=${3:-cortex_m4}
source "$src/scripts/targets.sh"
picowasm_target "$target" || exit 2
suffix=$target_suffix

PICOWASM_TARGET=$target bash "$src/bench/cortex-m/cross-build.sh" "$build_dir" speed \
  "bench-smoke-$suffix"
QEMU_TIMEOUT=${QEMU_TIMEOUT:-60} \
  bash "$src/scripts/run-qemu.sh" "$target" "$build_dir/bench/cortex-m/bench-smoke-$suffix.elf"
