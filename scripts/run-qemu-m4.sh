#!/usr/bin/env bash
# Runs a Cortex-M4 firmware ELF on QEMU mps2-an386 and exits with the firmware's exit code.
#   scripts/run-qemu-m4.sh FIRMWARE.elf [extra qemu-system-arm args...]
# UART0 goes to stdout; main's return value (or board_exit's argument) becomes the exit status via
# semihosting. -icount shift=0 makes board_cycles() count guest instructions (see timer.c).
# Exit status 124 means the run exceeded QEMU_M4_TIMEOUT seconds (default 120).
set -euo pipefail

if [[ $# -lt 1 ]]; then
  echo "usage: $0 FIRMWARE.elf [extra qemu-system-arm args...]" >&2
  exit 2
fi
elf=$1
shift
[[ -f "$elf" ]] || { echo "$0: no such file: $elf" >&2; exit 2; }

# -monitor none: with -nographic the monitor would otherwise share stdio and eat Ctrl-A sequences.
exec timeout --foreground "${QEMU_M4_TIMEOUT:-120}" \
  qemu-system-arm -M mps2-an386 -nographic -monitor none \
  -semihosting-config enable=on,target=native -icount shift=0 \
  -kernel "$elf" "$@"
