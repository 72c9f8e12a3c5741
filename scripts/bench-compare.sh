#!/usr/bin/env bash
# Before/after comparison of the engine (issue 10's closing note): one per-program table per
# target, an older revision ("before", default e5912aa: the commit that made the suite honest,
# all 15 programs exist there) against HEAD ("after").
#   scripts/bench-compare.sh [--rev REV] [--after REV] [--rounds N] [host|cortex-m4|both]
# (default: both). Each revision is checked out into its own detached git worktree outside the
# repository, under BENCH_COMPARE_DIR (default: <repo>/../picowasm-bench-compare), and built
# there from its own sources with its own build scripts (picowasm-bench: host Release build;
# bench-m4: bench/cortex-m/cross-build.sh speed (-O2) and size (-Os)). The builds are kept, so a
# second run rebuilds only what changed; HEAD's uncommitted changes are never measured. e5912aa
# builds here unpatched (gcc 12, clang 14, arm-none-eabi-gcc 12, Debian 12).
#   host       runs the two picowasm-bench binaries ALTERNATELY, whole suite per run, --rounds
#              rounds (default 5; each side goes first in half of them), and keeps the fastest CPU
#              time per program and side (bench/tools/bench_compare.py): slowdown vs native
#              before/after, geomean, load average at start and end. The native programs are
#              byte-identical on both sides (checked), so the fastest native time of both serves
#              both ratios. Noisy on a loaded machine. The table again from the logged outputs:
#              bench/tools/bench_compare.py host --before - --after - --log DIR/logs --replay
#              --same-native. First, if valgrind is installed, exact x86-64 instruction counts:
#              each binary's --verify-only run under callgrind, counting only native runs and
#              picowasm::invoke (wasm/native instructions per program, independent of load).
#              BENCH_MIN_TIME: Google Benchmark's --benchmark_min_time per benchmark (0.5 s).
#   cortex-m4  runs both bench-m4 firmwares at -O2 and at -Os (each side's default dispatch:
#              switch at -Os) on QEMU, exact guest instruction counts (valid under load): wasm/
#              native ratio per program before/after, geomeans, translated code per body byte and
#              load instructions per body byte (load/B, decode + validate + translate: printed by
#              the firmware since 30667bf, n/a before; the load_insn column both print includes
#              instantiate and is shown for both as load+inst/B).
# Both sides build their wasm modules from the same bench/programs sources (unchanged since
# e5912aa) with the same clang, and their native programs alike: the script checks the module
# files are identical (cmp), the tables that programs, parameters, result bits and module hashes
# agree and that the native instruction counts match (within the counter's 40-instruction tick).
# Logs of every run and the tables go to BENCH_COMPARE_DIR/logs/. A benchmark, not a test (not in
# ctest); figures in docs/interpreter.md ("Before and after (BENCH)").
# Times on this 2-core machine: the first build of each of the 6 build dirs 2-5 min at load 12-18
# (later runs rebuild what changed); the four QEMU runs 17 s together; host: callgrind 77 s of CPU
# (5 min at load 18), then ~5 min per timing round at load ~19, about a minute on a quiet machine.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

before_rev=e5912aa
after_rev=HEAD
rounds=5
part=both
while [[ $# -gt 0 ]]; do
  case "$1" in
    --rev) before_rev=$2; shift 2 ;;
    --after) after_rev=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    host|cortex-m4|both) part=$1; shift ;;
    *) echo "usage: $0 [--rev REV] [--after REV] [--rounds N] [host|cortex-m4|both]" >&2; exit 2 ;;
  esac
done

bash "$root/scripts/deps.sh"
work=${BENCH_COMPARE_DIR:-$(dirname "$root")/picowasm-bench-compare}
mkdir -p "$work/logs"
jobs=${PICOWASM_JOBS:-2}
started=$SECONDS

# checkout SIDE REV: the worktree $work/SIDE-src at REV (created the first time, then moved).
checkout() {
  local dir=$work/$1-src commit
  commit=$(git -C "$root" rev-parse --verify "$2^{commit}")
  if [[ ! -e "$dir/.git" ]]; then
    git -C "$root" worktree add --detach "$dir" "$commit" >/dev/null
  elif [[ "$(git -C "$dir" rev-parse HEAD)" != "$commit" ]]; then
    git -C "$dir" checkout --quiet --detach "$commit"
  fi
  echo "$1: $(git -C "$dir" log -1 --format='%h %cd %s' --date=format:'%Y-%m-%d %H:%M' | cut -c1-100)"
}
checkout before "$before_rev"
checkout after "$after_rev"

# log_build NAME COMMAND...: runs a build quietly, its output in logs/NAME.log, shown on failure.
log_build() {
  local name=$1 t=$SECONDS
  shift
  if ! nice -n 10 "$@" >"$work/logs/$name.log" 2>&1; then
    tail -n 40 "$work/logs/$name.log" >&2
    echo "$0: $name failed (log: $work/logs/$name.log)" >&2
    exit 1
  fi
  echo "built $name in $((SECONDS - t)) s"
}

# same_modules DIR_A DIR_B: both builds made byte-identical benchmark modules.
same_modules() {
  local a=$1/bench/wasm b=$2/bench/wasm f n=0 m=0
  for f in "$a"/*.wasm; do
    cmp -s "$f" "$b/$(basename "$f")" || { echo "$0: $(basename "$f") differs: $a vs $b" >&2; exit 1; }
    n=$((n + 1))
  done
  for f in "$b"/*.wasm; do m=$((m + 1)); done
  [[ $n -gt 0 && $n -eq $m ]] || { echo "$0: module sets differ ($a: $n, $b: $m)" >&2; exit 1; }
  echo "$n wasm modules byte-identical on both sides"
}

tables=$work/logs/tables-$part.txt  # one file per part, so a host run keeps the cortex-m4 tables
: >"$tables"

if [[ $part == host || $part == both ]]; then
  for side in before after; do
    log_build "$side-host" bash -c "cmake -S '$work/$side-src' -B '$work/$side-host' \
      -DCMAKE_BUILD_TYPE=Release -DPICOWASM_BUILD_TESTS=OFF -DPICOWASM_BUILD_TOOLS=OFF &&
      cmake --build '$work/$side-host' -j$jobs --target picowasm-bench"
  done
  same_modules "$work/before-host" "$work/after-host"
  # Byte-identical native programs (same sources, compiler and flags): one native time for both.
  same_native=()
  if cmp -s "$work/before-host/bench/libpicowasm_bench_native.a" \
      "$work/after-host/bench/libpicowasm_bench_native.a"; then
    same_native=(--same-native)
    echo "native programs byte-identical on both sides (libpicowasm_bench_native.a)"
  fi
  # Exact x86-64 instruction counts first (load does not change them), when valgrind is here.
  t=$SECONDS
  if command -v valgrind >/dev/null; then
    nice -n 10 python3 -u "$root/bench/tools/bench_compare.py" host-insns \
      --before "$work/before-host/bench/picowasm-bench" \
      --after "$work/after-host/bench/picowasm-bench" --log "$work/logs" | tee -a "$tables"
    echo "x86-64 instruction counts took $((SECONDS - t)) s" | tee -a "$tables"
  else
    echo "valgrind not installed: no exact x86-64 instruction counts (apt-get install valgrind)" |
      tee -a "$tables"
  fi
  t=$SECONDS
  rm -f "$work"/logs/host-*-round*.txt  # --replay reads every round logged
  nice -n 10 python3 -u "$root/bench/tools/bench_compare.py" host --before "$work/before-host/bench/picowasm-bench" \
    --after "$work/after-host/bench/picowasm-bench" --rounds "$rounds" \
    --min-time "${BENCH_MIN_TIME:-0.5}" --log "$work/logs" "${same_native[@]}" | tee -a "$tables"
  echo "host comparison took $((SECONDS - t)) s" | tee -a "$tables"
fi

if [[ $part == cortex-m4 || $part == both ]]; then
  for side in before after; do
    for opt in O2 Os; do
      profile=speed
      [[ $opt == Os ]] && profile=size
      log_build "$side-m4-$opt" env PICOWASM_JOBS="$jobs" \
        bash "$work/$side-src/bench/cortex-m/cross-build.sh" "$work/$side-m4-$opt" "$profile" bench-m4
    done
  done
  for opt in O2 Os; do same_modules "$work/before-m4-$opt" "$work/after-m4-$opt"; done
  t=$SECONDS
  for side in before after; do
    for opt in O2 Os; do
      log=$work/logs/m4-$side-$opt.txt
      if ! QEMU_M4_TIMEOUT=900 nice -n 10 bash "$work/$side-src/scripts/run-qemu-m4.sh" \
          "$work/$side-m4-$opt/bench/cortex-m/bench-m4.elf" >"$log" 2>&1; then
        cat "$log" >&2
        echo "$0: bench-m4 ($side, -$opt) failed" >&2
        exit 1
      fi
    done
  done
  echo "arm-none-eabi-gcc $(arm-none-eabi-gcc -dumpversion), $(qemu-system-arm --version | head -1)" |
    tee -a "$tables"
  python3 -u "$root/bench/tools/bench_compare.py" m4 \
    --before-o2 "$work/logs/m4-before-O2.txt" --after-o2 "$work/logs/m4-after-O2.txt" \
    --before-os "$work/logs/m4-before-Os.txt" --after-os "$work/logs/m4-after-Os.txt" |
    tee -a "$tables"
  echo "cortex-m4 runs took $((SECONDS - t)) s" | tee -a "$tables"
fi
echo "bench-compare.sh: $((SECONDS - started)) s in all; tables also in $tables"
