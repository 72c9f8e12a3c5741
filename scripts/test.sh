#!/usr/bin/env bash
# Builds everything in build/ and runs all tests: first the spec-suite runner's summary, then
# ctest (unit tests, spec suite, examples, CLI, benchmark results). The exit status is ctest's;
# the last line is `tests: N passed, N failed, N skipped`, counted from ctest's own report.
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
echo "== Spec suite summary (gate: all) =="
spec_runner=build/spec-tests/picowasm-spec
if [[ -x "$spec_runner" ]]; then
  # The runner's exit status is reported but does not stop the script: ctest runs the same suite
  # below (as spec_summary and one test per file) and decides.
  spec_status=0
  "$spec_runner" --gate all -q --json build/spec-summary.json || spec_status=$?
  echo "(spec runner exit status: $spec_status; details in build/spec-summary.json)"
else
  suite_dir="$(sed -n 's/^PICOWASM_TESTSUITE_DIR:PATH=//p' build/CMakeCache.txt)"
  echo "note: $spec_runner was not built, so there is no spec summary."
  echo "      It needs the WebAssembly spec test suite in PICOWASM_TESTSUITE_DIR"
  echo "      (now: ${suite_dir:-unset}); see README.md."
fi

# The fuzz targets (a separate Clang + sanitizer tree, build/fuzz) are built here rather than inside
# the fuzz_smoke test, so that test's timeout covers fuzzing only, not a compile on a loaded machine.
if command -v clang++ >/dev/null; then
  echo
  echo "== fuzz targets =="
  PICOWASM_JOBS="$jobs" bash scripts/fuzz-smoke.sh --build-only
fi

echo
echo "== ctest =="
ctest_log=build/ctest-output.log
ctest_status=0
# With pipefail the pipeline fails with ctest's status (tee itself succeeds).
ctest --test-dir build --output-on-failure -j"$jobs" 2>&1 | tee "$ctest_log" || ctest_status=$?

# ctest's summary ("N% tests passed, F tests failed out of T") counts skipped tests as passed and
# leaves out disabled ones; both are listed after it under "The following tests did not run:".
# Tests that failed to start ("Not Run") or timed out are among the F failed.
echo
awk '
  /^[0-9]+% tests passed, [0-9]+ tests? failed out of [0-9]+/ {
    found = 1; failed = $4; total = $NF; skipped = 0; disabled = 0; in_list = 0; next
  }
  found && /^The following tests did not run:/ { in_list = 1; next }
  in_list && /\(Skipped\)[[:space:]]*$/ { ++skipped; next }
  in_list && /\(Disabled\)[[:space:]]*$/ { ++disabled; next }
  in_list && !/^[[:space:]]+[0-9]+ - / { in_list = 0 }
  END {
    if (!found) print "(ctest printed no summary; see above)"
    printf "tests: %d passed, %d failed, %d skipped\n", total - failed - skipped, failed,
           skipped + disabled
  }' "$ctest_log"
exit "$ctest_status"
