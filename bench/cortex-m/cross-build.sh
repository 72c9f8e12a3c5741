#!/usr/bin/env bash
# Configures (cheap when nothing changed) and builds targets of a cross build of picowasm.
#   [PICOWASM_TARGET=cortex_m4|cortex_m3|cortex_m33|riscv32] \
#     bench/cortex-m/cross-build.sh BUILD_DIR speed|size TARGET...
# PICOWASM_TARGET picks the toolchain file and core (default cortex_m4); the port follows from them
# (CMakeLists.txt, docs/porting.md). A build dir keeps the target it was configured for.
# speed: Release with -O2 for everything (engine, board, native programs): the benchmark build.
# size:  MinSizeRel (-Os): the footprint build.
# PICOWASM_M4_EXTRA_FLAGS is appended to the compile flags (e.g. "-O3" to compare).
# Output goes to BUILD_DIR/cross-build.log and is shown only on failure. Jobs: PICOWASM_JOBS (2).
set -euo pipefail

if [[ $# -lt 3 ]]; then
  echo "usage: $0 BUILD_DIR speed|size TARGET..." >&2
  exit 2
fi
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build_dir=$1
profile=$2
shift 2

case "$profile" in
  speed) build_type=Release flags_suffix=RELEASE flags="-O2 -DNDEBUG" ;;
  size) build_type=MinSizeRel flags_suffix=MINSIZEREL flags="-Os -DNDEBUG" ;;
  *) echo "$0: unknown profile '$profile' (speed or size)" >&2; exit 2 ;;
esac
flags="$flags${PICOWASM_M4_EXTRA_FLAGS:+ $PICOWASM_M4_EXTRA_FLAGS}"

source "$root/scripts/targets.sh"
picowasm_target "${PICOWASM_TARGET:-cortex_m4}" || exit 2

mkdir -p "$build_dir"
log="$build_dir/cross-build.log"
if ! { cmake -S "$root" -B "$build_dir" -DCMAKE_TOOLCHAIN_FILE="$root/cmake/$target_toolchain" \
         "${target_cmake_args[@]}" -DCMAKE_BUILD_TYPE="$build_type" -DCMAKE_C_FLAGS_"$flags_suffix"="$flags" \
         -DCMAKE_CXX_FLAGS_"$flags_suffix"="$flags" &&
       cmake --build "$build_dir" -j"${PICOWASM_JOBS:-2}" --target "$@"; } >"$log" 2>&1; then
  tail -n 60 "$log" >&2
  echo "$0: cross build failed in $build_dir (full log: $log)" >&2
  exit 1
fi
