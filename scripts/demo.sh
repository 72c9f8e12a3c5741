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
