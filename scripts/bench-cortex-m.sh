#!/usr/bin/env bash
# Cortex-M4 benchmark (issue 3): every benchmark program natively and as wasm under picowasm on
# QEMU mps2-an386, counting guest instructions (-icount shift=0). Builds the cross build with
# arm-none-eabi-gcc -O2 (engine, native programs, board: bench/cortex-m/cross-build.sh "speed"),
# runs bench/cortex-m/bench-m4.elf and prints its table; fails if any wasm result differs from
# native. The last line is exactly `geomean_insn_ratio_vs_native=X.XX`.
# Usage: scripts/bench-cortex-m.sh [BUILD_DIR]   (default build/cortex-m4, shared with the
# cortex_m4_qemu_smoke test of a host build in build/)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

bash scripts/deps.sh
build_dir=${1:-build/cortex-m4}
bash bench/cortex-m/cross-build.sh "$build_dir" speed bench-m4

cache_value() { sed -n "s/^$1:[A-Z]*=//p" "$build_dir/CMakeCache.txt"; }
echo "== Cortex-M4 (QEMU mps2-an386), arm-none-eabi-gcc $(arm-none-eabi-gcc -dumpversion) =="
echo "flags: $(cache_value CMAKE_CXX_FLAGS) $(cache_value CMAKE_CXX_FLAGS_RELEASE)"
status=0
output=$(QEMU_M4_TIMEOUT=300 bash scripts/run-qemu-m4.sh "$build_dir/bench/cortex-m/bench-m4.elf") ||
  status=$?
# The geomean line goes last, after anything else the firmware printed.
grep -v '^geomean_insn_ratio_vs_native=' <<<"$output" || true
if [[ $status -ne 0 ]]; then
  echo "bench-m4 failed (exit status $status)" >&2
  exit "$status"
fi
grep '^geomean_insn_ratio_vs_native=' <<<"$output"
