#!/usr/bin/env bash
# Builds everything in build/ and runs all tests: first the spec-suite runner's summary, then
# ctest (unit tests, spec suite, examples, CLI). The exit status is ctest's, and ctest's own
# summary is the last thing printed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/deps.sh

# An existing build/ keeps its own settings (build type, options).
if [[ ! -f build/CMakeCache.txt ]]; then
  cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo
fi
jobs="$(nproc)"
cmake --build build -j"$jobs"

echo
echo "== Spec suite summary (gate: validation) =="
spec_runner=build/spec-tests/picowasm-spec
if [[ -x "$spec_runner" ]]; then
  # Execution commands count as failed until the interpreter exists, so the runner's own exit
  # status is reported here but does not stop the script: ctest below decides.
  spec_status=0
  "$spec_runner" --gate validation -q --json build/spec-summary.json || spec_status=$?
  echo "(spec runner exit status: $spec_status; details in build/spec-summary.json)"
else
  suite_dir="$(sed -n 's/^PICOWASM_TESTSUITE_DIR:PATH=//p' build/CMakeCache.txt)"
  echo "note: $spec_runner was not built, so there is no spec summary."
  echo "      It needs the WebAssembly spec test suite in PICOWASM_TESTSUITE_DIR"
  echo "      (now: ${suite_dir:-unset}); see README.md."
fi

echo
echo "== ctest =="
exec ctest --test-dir build --output-on-failure -j"$jobs"
