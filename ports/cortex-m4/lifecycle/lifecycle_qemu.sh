#!/usr/bin/env bash
# CTest lifecycle_qemu: builds lifecycle-m4.elf in the cached Cortex-M4 cross build, runs it on
# QEMU mps2-an386 with the inbox (make_packages.sh) preloaded at 0x21F00000, and compares the
# firmware's UART log with the hand-written expected.uart.
#   lifecycle_qemu.sh SOURCE_DIR CROSS_BUILD_DIR INBOX.bin
set -euo pipefail
src=$1 build_dir=$2 inbox=$3
here="$src/ports/cortex-m4/lifecycle"
bash "$src/bench/cortex-m/cross-build.sh" "$build_dir" speed lifecycle-m4
status=0
log=$(QEMU_M4_TIMEOUT=120 bash "$src/scripts/run-qemu-m4.sh" \
  "$build_dir/ports/cortex-m4/lifecycle/lifecycle-m4.elf" \
  -device "loader,file=$inbox,addr=0x21F00000,force-raw=on") || status=$?
if ! diff -u "$here/expected.uart" <(printf '%s\n' "$log" | tr -d '\r'); then
  echo "lifecycle_qemu: the UART log differs from expected.uart (above)" >&2
  exit 1
fi
[[ $status -eq 0 ]] || { echo "lifecycle_qemu: firmware exit status $status" >&2; exit 1; }
echo "lifecycle_qemu: $(wc -l <"$here/expected.uart") lines as expected"
