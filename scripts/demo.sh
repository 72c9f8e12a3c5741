#!/usr/bin/env bash
# Quick look at picowasm: installs missing Debian packages (as root), builds the host CLI and the
# example modules into build/, then inspects one example module.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/deps.sh

# An existing build/ keeps its own settings (build type, options).
if [[ ! -f build/CMakeCache.txt ]]; then
  cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo
fi
cmake --build build -j"$(nproc)" --target picowasm_cli examples

example=build/examples/blink.wasm
echo
echo "\$ build/ports/host/picowasm inspect $example"
build/ports/host/picowasm inspect "$example"
