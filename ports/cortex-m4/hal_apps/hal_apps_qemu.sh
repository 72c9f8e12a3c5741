#!/usr/bin/env bash
# CTest hal_apps_qemu: builds hal-apps-m4.elf in the cached Cortex-M4 cross build and runs every
# example app (and the HAL check guest) on QEMU mps2-an386 with run_hal_apps.py, comparing each
# app's UART and log output with the hand-written expected/ files (and, given the CLI, the UART
# output with the virtual board's).
#   hal_apps_qemu.sh SOURCE_DIR CROSS_BUILD_DIR HOST_APPS_DIR [PICOWASM_CLI]
set -euo pipefail
src=$1
build_dir=$2
host_apps=$3
cli=${4:-}

bash "$src/bench/cortex-m/cross-build.sh" "$build_dir" speed hal-apps-m4
args=(--firmware "$build_dir/ports/cortex-m4/hal_apps/hal-apps-m4.elf"
      --host-apps "$host_apps" --cross-apps "$build_dir/examples/apps")
[[ -n "$cli" ]] && args+=(--cli "$cli")
exec python3 "$src/ports/cortex-m4/hal_apps/run_hal_apps.py" "${args[@]}"
