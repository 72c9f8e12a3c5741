#!/usr/bin/env bash
# Translated code in flash on Cortex-M4 (issue 10): builds the xip-m4 firmware (bench/cortex-m/
# xip_m4.cpp) and runs it on QEMU mps2-an386. For every benchmark program it prints, normal load
# vs pretranslated (translate_to into flash once, load_pretranslated, code executed in place):
#   module_B   bytes the module buffer keeps (decoded module, and the translated code if normal)
#   peak_B     bytes the module buffer needs while loading (working space included)
#   inst_B     instance bytes beyond linear memory and the wasm stack (value stack + call frames)
#   beyond_B   RAM beyond linear memory and the wasm stack: module_B + inst_B
#   load_insns instructions to load (decode, validate, and translate or check the image)
# and checks the CoreMark-style program (mixed) against the target: at most 4096 bytes beyond
# linear memory and the wasm stack. Exit status 1 if a program failed or the target is missed.
# Usage: scripts/xip-m4.sh [BUILD_DIR]   (default build/cortex-m4, the speed build)
# The last line is exactly `xip_mixed_beyond_bytes=N`.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
build_dir=${1:-build/cortex-m4}
target_bytes=4096

bash scripts/deps.sh
bash bench/cortex-m/cross-build.sh "$build_dir" speed xip-m4
out=$(QEMU_M4_TIMEOUT=120 bash scripts/run-qemu-m4.sh "$build_dir/bench/cortex-m/xip-m4.elf") ||
  { echo "$out"; echo "xip-m4 failed" >&2; exit 1; }

echo "== translated code in flash, Cortex-M4 (QEMU mps2-an386), normal / pretranslated =="
awk '
  BEGIN { printf "  %-9s %7s %15s %13s %7s %15s %19s\n", "program", "image_B", "module_B",
                 "peak_B", "inst_B", "beyond_B", "load_insns" }
  /^xip [a-z0-9]+ ok / {
    for (i = 4; i <= NF; ++i) { split($i, kv, "="); v[kv[1]] = kv[2] }
    printf "  %-9s %7d %15s %13s %7d %15s %19s\n", $2, v["image"], v["module"], v["peak"],
           v["instance"], v["beyond"], v["load_insns"]
  }
  /^FAIL|^xip refusals|^xip mixed (beyond|C stack)|^xip: / { print "  " $0 }
' <<<"$out"
beyond=$(sed -n 's/^xip mixed beyond linear memory and wasm stack: \([0-9]*\) bytes.*/\1/p' <<<"$out")
status=0
if [[ -z "$beyond" ]]; then
  echo "no figure for mixed" >&2
  exit 1
elif ((beyond <= target_bytes)); then
  echo "target: mixed needs $beyond <= $target_bytes bytes beyond linear memory and wasm stack: met"
else
  echo "target: mixed needs $beyond > $target_bytes bytes beyond linear memory and wasm stack: MISSED"
  status=1
fi
grep -q "^xip: \([0-9]*\) of \1 programs ok$" <<<"$out" || status=1
echo "xip_mixed_beyond_bytes=$beyond"
exit $status
