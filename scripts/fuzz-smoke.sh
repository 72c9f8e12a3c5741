#!/usr/bin/env bash
# Runs every fuzz target for a short while with libFuzzer + ASan + UBSan (the CI smoke test).
#
#   scripts/fuzz-smoke.sh --build-only   (configure + build the fuzz targets, no fuzzing: scripts/test.sh
#                                         does this before ctest, so the timed fuzz_smoke test only fuzzes)
#   scripts/fuzz-smoke.sh [SECONDS]      (default 60 for picowasm-fuzz; 25 each for the next two:
#                                         PICOWASM_FUZZ_EXEC_SECONDS, PICOWASM_FUZZ_C_API_SECONDS)
#
# Builds build/fuzz with Clang (-DPICOWASM_FUZZ=ON), seeds a scratch corpus from the converted spec
# modules ($PICOWASM_FUZZ_SEEDS, else build/spec/**/*.wasm), else from examples/, plus the regression
# corpus (test/regression/, its minimised fuzz corpora included), then runs picowasm-fuzz (decode +
# validate), picowasm-fuzz-exec (the whole pipeline under fuel), picowasm-fuzz-c-api (the C
# API), picowasm-fuzz-package (the app-package parser; PICOWASM_FUZZ_PACKAGE_SECONDS, 15),
# picowasm-fuzz-store (the app store on random flash images; PICOWASM_FUZZ_STORE_SECONDS, 15) and
# picowasm-fuzz-snapshot (restore() on snapshot images, its own corpus from
# test/regression/corpus/snapshot; PICOWASM_FUZZ_SNAPSHOT_SECONDS, 20). On a
# crash it copies the input to test/regression/<component>-<bug>-<hash>.wasm and exits non-zero. Long runs: scripts/fuzz-long.sh.
set -euo pipefail

build_only=0
if [[ "${1:-}" == "--build-only" ]]; then
  build_only=1
  shift
fi
seconds="${1:-60}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${PICOWASM_FUZZ_BUILD_DIR:-$root/build/fuzz}"
jobs="${PICOWASM_JOBS:-2}"

echo "== configure + build picowasm-fuzz in $build"
mkdir -p "$build"
cmake -S "$root" -B "$build" -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPICOWASM_FUZZ=ON -DPICOWASM_BUILD_TESTS=ON \
  -DPICOWASM_BUILD_TOOLS=OFF >"$build/configure.log" 2>&1 ||
  { cat "$build/configure.log"; exit 1; }
cmake --build "$build" --target picowasm-fuzz picowasm-fuzz-exec picowasm-fuzz-c-api \
  picowasm-fuzz-package picowasm-fuzz-store picowasm-fuzz-snapshot -j"$jobs" >"$build/build.log" 2>&1 ||
  { tail -n 60 "$build/build.log"; exit 1; }
fuzzer="$build/test/fuzz/picowasm-fuzz"
[[ -x "$fuzzer" ]] || { echo "picowasm-fuzz was not built (is the compiler Clang?)"; exit 1; }
if [[ $build_only -eq 1 ]]; then
  echo "== fuzz targets built"
  exit 0
fi

# A fresh scratch corpus each run, so that a run depends only on the seeds.
corpus="$build/corpus"
artifacts="$build/artifacts"
rm -rf "$corpus" "$artifacts"
mkdir -p "$corpus" "$artifacts"

# Seeds: the first of these folders that holds any *.wasm.
seed_dir=""
for candidate in "${PICOWASM_FUZZ_SEEDS:-}" "$root/build/spec" "$root/examples"; do
  if [[ -n "$candidate" && -d "$candidate" ]] &&
    find "$candidate" -name '*.wasm' -print -quit | grep -q .; then
    seed_dir="$candidate"
    break
  fi
done
seed_count=0
seed_sets=0
# Copies every *.wasm below dir into its own subfolder of the corpus, keeping relative paths (so no
# names collide; libFuzzer reads corpus folders recursively). One cp for many files: thousands of
# single-file copies took minutes on a loaded machine.
copy_seeds() {  # dir
  local dest="$corpus/seed-$seed_sets"
  seed_sets=$((seed_sets + 1))
  mkdir -p "$dest"
  (cd "$1" && find . -name '*.wasm' -size -1024k -print0 | xargs -0 -r cp --parents -t "$dest")
  seed_count=$((seed_count + $(find "$dest" -type f -name '*.wasm' | wc -l)))
}
[[ -n "$seed_dir" ]] && copy_seeds "$seed_dir"
copy_seeds "$root/test/regression"
echo "== $seed_count seed files (from ${seed_dir:-no seed folder} and test/regression)"

# Runs one fuzzer over a corpus (default: the shared one); on a crash, keeps the input in
# test/regression and fails.
run_fuzzer() {  # fuzzer seconds [corpus]
local fuzzer=$1 seconds=$2 corpus=${3:-$corpus}
log="$build/fuzz-$(basename "$fuzzer").log"
echo "== $(basename "$fuzzer"): fuzzing for ${seconds}s (log: $log)"
status=0
"$fuzzer" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=30 -print_final_stats=1 \
  -artifact_prefix="$artifacts/" "$corpus" >"$log" 2>&1 || status=$?

if [[ $status -eq 0 ]]; then
  grep -E '^#[0-9]+.*DONE|^stat::number_of_executed_units|^stat::peak_rss_mb|^picowasm-fuzz:' "$log" || true
  return 0
fi

# A crash: show the report and keep the input in the regression corpus under a telling name.
tail -n 80 "$log"
bug="crash"
if grep -q 'fuzz invariant failed' "$log"; then
  bug="invariant"
elif summary="$(grep -m1 -oE 'SUMMARY: [A-Za-z]+Sanitizer: [A-Za-z0-9_-]+' "$log")"; then
  bug="${summary##* }"
elif grep -q 'ERROR: libFuzzer: timeout' "$log"; then
  bug="timeout"
elif grep -q 'ERROR: libFuzzer: out-of-memory' "$log"; then
  bug="out-of-memory"
fi
# The component is the src/ folder of the first stack frame inside the library.
component="$(grep -m1 -oE '/src/[a-z_]+/' "$log" | cut -d/ -f3 || true)"
component="${component:-fuzz}"

saved=0
for input in "$artifacts"/crash-* "$artifacts"/leak-* "$artifacts"/timeout-* "$artifacts"/oom-*; do
  [[ -f "$input" ]] || continue
  hash="$(sha1sum "$input" | cut -c1-8)"
  dest="$root/test/regression/$component-$bug-$hash.wasm"
  cp "$input" "$dest"
  echo "== saved crashing input: $dest"
  echo "   reproduce: $fuzzer $dest"
  saved=1
done
[[ $saved -eq 1 ]] || echo "== $(basename "$fuzzer") failed (status $status) without leaving an input"
return 1
}

# Decode + validate, then the whole pipeline (compile, instantiate, call every export with fuel).
run_fuzzer "$build/test/fuzz/picowasm-fuzz" "$seconds"
run_fuzzer "$build/test/fuzz/picowasm-fuzz-exec" "${PICOWASM_FUZZ_EXEC_SECONDS:-25}"
run_fuzzer "$build/test/fuzz/picowasm-fuzz-c-api" "${PICOWASM_FUZZ_C_API_SECONDS:-25}"
# The app-package parser (section, COSE_Sign1, manifest); seeds in test/regression/corpus/package.
run_fuzzer "$build/test/fuzz/picowasm-fuzz-package" "${PICOWASM_FUZZ_PACKAGE_SECONDS:-15}"
# The app store on arbitrary flash images (mount, then every operation).
run_fuzzer "$build/test/fuzz/picowasm-fuzz-store" "${PICOWASM_FUZZ_STORE_SECONDS:-15}"
# restore() on snapshot images: seeded only with images (module seeds would be refused at the magic)
# and the snapshot regression inputs.
snapshot_corpus="$build/corpus-snapshot"
rm -rf "$snapshot_corpus" && mkdir -p "$snapshot_corpus"
cp "$root"/test/regression/corpus/snapshot/*.wasm "$root"/test/regression/*snapshot*.wasm \
  "$snapshot_corpus"/
run_fuzzer "$build/test/fuzz/picowasm-fuzz-snapshot" "${PICOWASM_FUZZ_SNAPSHOT_SECONDS:-20}" \
  "$snapshot_corpus"
echo "== fuzz smoke passed"
