#!/usr/bin/env bash
# Long differential run against wabt's wasm-interp (test/differential/differential.py).
#
#   scripts/differential.sh [COUNT] [SEED]     (default 3000 modules, seed from the clock)
#
# COUNT modules, two thirds from binaryen's translate-to-fuzz and one third from gen_wat.py, on
# all cores (PICOWASM_JOBS to change). Builds the two runners in build/ (PICOWASM_BUILD_DIR) and
# copies them aside first, so that rebuilding during a long run changes nothing. Mismatching
# modules, with both engines' outputs, go to BUILD/differential-failures/SEED/. The last line is
# `differential: N passed, N failed, N skipped`; exit status 1 on any mismatch.
set -euo pipefail

count="${1:-3000}"
seed="${2:-$(date +%s)}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${PICOWASM_BUILD_DIR:-$root/build}"
jobs="${PICOWASM_JOBS:-$(nproc)}"

bash "$root/scripts/deps.sh"
if [[ ! -f "$build/CMakeCache.txt" ]]; then
  cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo
fi
cmake --build "$build" --target picowasm-diff-runner picowasm-switch-diff-runner -j"$jobs"

out="$build/differential-failures/$seed"
mkdir -p "$out"
cp "$build/test/differential/picowasm-diff-runner" "$build/test/differential/picowasm-switch-diff-runner" "$out/"

binaryen=$((count * 2 / 3))
echo "== differential: seed $seed, $binaryen binaryen + $((count - binaryen)) generated modules, $jobs jobs"
python3 "$root/test/differential/differential.py" \
  --runner "$out/picowasm-diff-runner" --runner-switch "$out/picowasm-switch-diff-runner" \
  --seed "$seed" --count "$binaryen" --ours-count "$((count - binaryen))" --jobs "$jobs" \
  --keep-failures "$out" --progress 500
