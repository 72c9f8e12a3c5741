#!/usr/bin/env bash
# CTest supervisor_qemu: builds supervisor-m4.elf in the cached Cortex-M4 cross build and checks
# its run on QEMU mps2-an386 (run_supervisor_m4.py).
#   supervisor_qemu.sh SOURCE_DIR CROSS_BUILD_DIR
set -euo pipefail
src=$1
build_dir=$2
bash "$src/bench/cortex-m/cross-build.sh" "$build_dir" speed supervisor-m4
exec python3 "$src/ports/cortex-m4/supervisor/run_supervisor_m4.py" \
  --firmware "$build_dir/ports/cortex-m4/supervisor/supervisor-m4.elf"
