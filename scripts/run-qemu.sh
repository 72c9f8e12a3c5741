#!/usr/bin/env bash
# Runs a firmware ELF of one of the bare-metal ports on its QEMU machine and exits with the
# firmware's exit code.
#   scripts/run-qemu.sh TARGET FIRMWARE.elf [extra qemu args...]
# TARGET: cortex_m4, cortex_m3, cortex_m33, cortex_m0 or riscv32 (scripts/targets.sh).
# The console UART goes to stdout; main's return value (or board_exit's argument) becomes the exit
# status (Arm: semihosting; RISC-V: the virt machine's test device). -icount shift=0 makes
# board_cycles() count guest instructions. Exit status 124: the run exceeded QEMU_TIMEOUT seconds
# (default 120).
set -euo pipefail

if [[ $# -lt 2 ]]; then
  echo "usage: $0 cortex_m4|cortex_m3|cortex_m33|cortex_m0|riscv32 FIRMWARE.elf [qemu args...]" >&2
  exit 2
fi
target=$1
elf=$2
shift 2
[[ -f "$elf" ]] || { echo "$0: no such file: $elf" >&2; exit 2; }

source "$(dirname "${BASH_SOURCE[0]}")/targets.sh"
picowasm_target "$target" || exit 2

# -monitor none: with -nographic the monitor would otherwise share stdio and eat Ctrl-A sequences.
exec timeout --foreground "${QEMU_TIMEOUT:-120}" \
  "${target_qemu[@]}" -nographic -monitor none -icount shift=0 -kernel "$elf" "$@"
