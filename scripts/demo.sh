#!/usr/bin/env bash
# Quick look at picowasm: installs missing Debian packages (as root), builds the host CLI and the
# example modules into build/, inspects one example module and runs two others.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/deps.sh

# An existing build/ keeps its own settings (build type, options).
if [[ ! -f build/CMakeCache.txt ]]; then
  cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo
fi
cmake --build build -j"$(nproc)" --target picowasm_cli examples

picowasm=build/ports/host/picowasm
examples=build/examples

# Echoes a command, then runs it.
show() {
  echo
  echo "\$ $*"
  "$@"
}

# What a module needs and offers: blink imports its GPIO and delay functions from the firmware.
show "$picowasm" inspect "$examples/blink.wasm"
# The 20th Fibonacci number, computed by wasm code (expect i32:6765).
show "$picowasm" run "$examples/fib.wasm" --invoke fib 20
# CRC-32 of the 9 bytes "123456789" the module keeps in its memory: 0xCBF43926, printed as a
# signed i32 (expect i32:-873187034).
show "$picowasm" run "$examples/crc32.wasm" --invoke crc32 0 9

# The same apps on the Cortex-M4 board, where QEMU and the Arm toolchain are installed: firmware
# hal-apps-m4 on QEMU mps2-an386 runs each app on the board's real peripherals (its LEDs, the
# SBCon I2C bus with a TMP105 at 25.0 C, the UART); log records and reports come first, then the
# app's UART output (ports/cortex-m4/README.md).
if command -v qemu-system-arm >/dev/null && command -v arm-none-eabi-gcc >/dev/null; then
  bash bench/cortex-m/cross-build.sh build/cortex-m4 speed hal-apps-m4
  show python3 ports/cortex-m4/hal_apps/run_hal_apps.py --show \
    --firmware build/cortex-m4/ports/cortex-m4/hal_apps/hal-apps-m4.elf \
    blink thermostat bad_pin spin wild_pointer
else
  echo
  echo "(qemu-system-arm or arm-none-eabi-gcc missing: no Cortex-M4 run)"
fi
