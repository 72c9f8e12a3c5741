#!/usr/bin/env bash
# CTest qemu_smoke_cortex_m0: in the cached Cortex-M0 cross build (QEMU `microbit`, 16 KiB of RAM)
#  1. bench-smoke-m0: the benchmark programs that fit (bench/cortex-m/small_ram.cmake) run natively
#     and under picowasm, each result checked against native and the reference values of
#     bench/tools/reference.py; the count of programs run and left out must be the documented one;
#  2. hal-apps-m0: blink and basting_timer through the board layer on the nRF51 drivers; each
#     app's UART bytes (standard output) and log lines (semihosting, standard error) must equal
#     the hand-written expected files of the Cortex-M4 port (same apps, grants and output format).
#   ports/cortex-m0-microbit/qemu_smoke_m0.sh SOURCE_DIR CROSS_BUILD_DIR
set -euo pipefail
src=$1
build_dir=$2
expected=$src/ports/cortex-m4/hal_apps/expected

out=$(bash "$src/bench/cortex-m/qemu_smoke.sh" "$src" "$build_dir" cortex_m0) ||
  { echo "$out"; echo "bench-smoke-m0 failed" >&2; exit 1; }
echo "$out"
grep -qx "10 passed, 0 failed, 5 skipped" <<<"$out" ||
  { echo "bench-smoke-m0: expected 10 programs run and 5 left out (small_ram.cmake)" >&2; exit 1; }

PICOWASM_TARGET=cortex_m0 bash "$src/bench/cortex-m/cross-build.sh" "$build_dir" speed hal-apps-m0
firmware=$build_dir/ports/cortex-m0-microbit/hal_apps/hal-apps-m0.elf
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0
for app in blink basting_timer; do
  # sleep=off: idle time (WFI) jumps to the next timer deadline, so the apps' seconds of sleeping
  # take a fraction of a second.
  timeout --foreground 60 qemu-system-arm -M microbit -nographic -monitor none \
    -semihosting-config enable=on,target=native -icount shift=0,sleep=off -kernel "$firmware" \
    -append "$app" >"$tmp/$app.uart" 2>"$tmp/$app.console" ||
    { echo "hal-apps-m0 $app: QEMU exit status $?" >&2; status=1; }
  grep '^== ram' "$tmp/$app.console" || true  # the RAM it used, for the log
  grep -v '^== ram' "$tmp/$app.console" >"$tmp/$app.log" || true
  for stream in uart log; do
    if diff -u "$expected/$app.$stream" "$tmp/$app.$stream"; then
      echo "hal-apps-m0 $app: $stream as expected ($(wc -l <"$tmp/$app.$stream") lines)"
    else
      echo "hal-apps-m0 $app: $stream differs from $expected/$app.$stream" >&2
      status=1
    fi
  done
done
exit $status
