#!/usr/bin/env bash
# CTest wasi_qemu: builds the wasi-m4 firmware in the cached Cortex-M4 cross build (shared with
# hal_apps_qemu) and runs the WASI test programs on QEMU mps2-an386 (run_wasi_qemu.py).
#   wasi_qemu.sh SOURCE_DIR CROSS_BUILD_DIR HOST_WASM_DIR PICOWASM_CLI
set -euo pipefail
src=$1
build_dir=$2
host_wasm=$3
cli=$4

bash "$src/bench/cortex-m/cross-build.sh" "$build_dir" speed wasi-m4
exec python3 "$src/wasi/test/run_wasi_qemu.py" --cli "$cli" --host-wasm "$host_wasm" \
  --firmware "$build_dir/ports/cortex-m4/wasi/wasi-m4.elf" \
  --cross-wasm "$build_dir/ports/cortex-m4/wasi"
