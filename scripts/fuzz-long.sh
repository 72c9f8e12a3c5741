#!/usr/bin/env bash
# Long local fuzzing: runs each fuzz target for SECONDS on a persistent corpus, prints how many
# inputs each one executed, and merges what adds coverage into the committed, minimised corpora
# test/regression/corpus/<target>/ (replayed by the regression test and used as seeds by
# fuzz_smoke). Crashes are saved to test/regression/ like scripts/fuzz-smoke.sh does.
#
#   scripts/fuzz-long.sh [SECONDS] [TARGET...]   (default 1800 s; targets: load exec c-api)
#
# The working corpora live in build/fuzz/long/<target>/ and survive between runs.
set -euo pipefail

seconds="${1:-1800}"
shift || true
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=(load exec c-api)
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${PICOWASM_FUZZ_BUILD_DIR:-$root/build/fuzz}"

cmake -S "$root" -B "$build" -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPICOWASM_FUZZ=ON -DPICOWASM_BUILD_TESTS=ON \
  -DPICOWASM_BUILD_TOOLS=OFF >"$build.configure.log" 2>&1 || { cat "$build.configure.log"; exit 1; }
cmake --build "$build" --target picowasm-fuzz picowasm-fuzz-exec picowasm-fuzz-c-api -j2 \
  >"$build.build.log" 2>&1 || { tail -n 40 "$build.build.log"; exit 1; }

total=0
for target in "${targets[@]}"; do
  case "$target" in
    load) fuzzer="$build/test/fuzz/picowasm-fuzz" ;;
    exec) fuzzer="$build/test/fuzz/picowasm-fuzz-exec" ;;
    c-api) fuzzer="$build/test/fuzz/picowasm-fuzz-c-api" ;;
    *) echo "unknown target '$target' (load, exec, c-api)" >&2; exit 2 ;;
  esac
  work="$build/long/$target"
  committed="$root/test/regression/corpus/$target"
  artifacts="$build/long/artifacts-$target"
  mkdir -p "$work" "$committed" "$artifacts"
  rm -f "$artifacts"/*  # only this run's findings are reported
  # Seeds: the committed corpus, the regression inputs, the spec modules if converted.
  cp -n "$committed"/*.wasm "$work"/ 2>/dev/null || true
  cp -n "$root"/test/regression/*.wasm "$work"/ 2>/dev/null || true
  if [[ -d "$root/build/spec" && "$(find "$work" -type f | wc -l)" -lt 100 ]]; then
    find "$root/build/spec" -name '*.wasm' -size -64k -exec cp -n {} "$work"/ \;
  fi
  log="$build/long/$target.log"
  echo "== $target: fuzzing for ${seconds}s (log: $log)"
  status=0
  (cd "$artifacts" && "$fuzzer" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=30 \
    -print_final_stats=1 "$work" >"$log" 2>&1) || status=$?
  runs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)"
  echo "   executed ${runs:-0} inputs (status $status)"
  total=$((total + ${runs:-0}))
  for input in "$artifacts"/crash-* "$artifacts"/timeout-* "$artifacts"/oom-*; do
    [[ -f "$input" ]] || continue
    dest="$root/test/regression/fuzz-$target-$(sha1sum "$input" | cut -c1-8).wasm"
    cp "$input" "$dest"
    echo "   saved $dest"
  done
  # Minimise: keep only the inputs that add coverage, at most 4 KiB each, into the committed set.
  fresh="$build/long/merge-$target"
  rm -rf "$fresh" && mkdir -p "$fresh"
  (cd "$artifacts" && "$fuzzer" -merge=1 -max_len=4096 "$fresh" "$committed" "$work" \
    >"$log.merge" 2>&1) || true
  rm -f "$committed"/*
  for f in "$fresh"/*; do [[ -f "$f" ]] && cp "$f" "$committed/$(basename "$f").wasm"; done
  echo "   committed corpus: $(ls "$committed" | wc -l) files, $(du -sk "$committed" | cut -f1) KiB"
done
echo "fuzz-long: $total inputs executed"
