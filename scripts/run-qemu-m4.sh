#!/usr/bin/env bash
# Runs a Cortex-M4 firmware ELF on QEMU mps2-an386 and exits with the firmware's exit code:
# scripts/run-qemu.sh cortex_m4, with the timeout in QEMU_M4_TIMEOUT (seconds, default 120).
#   scripts/run-qemu-m4.sh FIRMWARE.elf [extra qemu-system-arm args...]
set -euo pipefail
if [[ $# -lt 1 ]]; then
  echo "usage: $0 FIRMWARE.elf [extra qemu-system-arm args...]" >&2
  exit 2
fi
QEMU_TIMEOUT=${QEMU_M4_TIMEOUT:-120} exec bash "$(dirname "${BASH_SOURCE[0]}")/run-qemu.sh" \
  cortex_m4 "$@"
