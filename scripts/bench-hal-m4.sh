#!/usr/bin/env bash
# Board layer on Cortex-M4 (issue 8), a benchmark rather than a test:
#   - guest instructions of a granted pw_gpio.write round trip from wasm against a native call of
#     the same mps2 driver function (hal-bench-m4 on QEMU mps2-an386, exact counts from the
#     qemu-insn-count plugin; target <= 80 instructions of overhead), and
#   - the flash the HAL layer (board/src/hal.cpp) adds at -Os, apart from the drivers and the
#     engine (from the linker map of hal-apps-m4; target <= 6 KiB).
# Builds BUILD_DIR (speed, -O2, shared with bench-cortex-m.sh) and BUILD_DIR-size (-Os).
# The plugin's source: PICOWASM_INSN_COUNT_DIR (default ../shared/tools/qemu-insn-count).
# Usage: scripts/bench-hal-m4.sh [BUILD_DIR]   (default build/cortex-m4)
# The last lines are exactly `hal_overhead_insns=X` and `hal_flash_bytes=N`.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

build_dir=${1:-build/cortex-m4}
plugin_dir=${PICOWASM_INSN_COUNT_DIR:-$root/../shared/tools/qemu-insn-count}
[[ -f "$plugin_dir/insn_count.c" ]] ||
  { echo "$0: no qemu-insn-count plugin source in $plugin_dir (set PICOWASM_INSN_COUNT_DIR)" >&2; exit 2; }
bash bench/cortex-m/cross-build.sh "$build_dir" speed hal-bench-m4
bash bench/cortex-m/cross-build.sh "$build_dir-size" size hal-apps-m4
plugin="$build_dir/libinsn_count.so"
sh "$plugin_dir/build.sh" "$plugin" >/dev/null
python3 bench/cortex-m/hal_overhead.py --plugin "$plugin" \
  --bench-elf "$build_dir/ports/cortex-m4/hal_apps/hal-bench-m4.elf" \
  --size-map "$build_dir-size/ports/cortex-m4/hal_apps/hal-apps-m4.map"
