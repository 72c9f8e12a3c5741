#!/usr/bin/env bash
# Engine size per bare-metal target (issue 11), as scripts/footprint.sh measures it on Cortex-M4:
# footprint-S (a minimal firmware that loads the fib module from flash and runs it under picowasm)
# against footprint-base-S (the same board code, main, module bytes and arena, no engine), built
# at -Os (MinSizeRel) and at -O2 (Release) for each target and run on its QEMU board (both must
# pass). Columns:
#   flash_Os, flash_O2  engine flash: (text + data) difference of the two images
#   static_ram          engine .data + .bss (the arena buffer is in both images: not counted)
#   arena_peak          arena high-water while loading, compiling and running fib (-Os build),
#                       which includes the module's linear memory: one 64 KiB page, or on a
#                       small-RAM target (cortex_m0) its 528 bytes of data and stack in 1-byte pages
#   ram_beyond_mem      static_ram + arena_peak - linear memory (the firmware's
#                       linear_memory_bytes line): RAM the minimal instance needs besides its
#                       linear memory (the translator's scratch is part of the peak)
#   bench_ratio         geometric mean of wasm/native guest instructions over the benchmark
#                       programs at their Cortex-M parameters (bench-S, -O2, -icount shift=0: the
#                       figure scripts/bench-cortex-m.sh prints for the M4); on cortex_m0 over
#                       the 10 of 15 programs that fit its 16 KiB of RAM (small_ram.cmake)
# Usage: scripts/sizes.sh [BUILD_BASE [TARGET...]]   (default build/sizes, all targets)
# Builds go to BUILD_BASE/TARGET-Os and BUILD_BASE/TARGET-O2. The last lines are exactly
# `size <target> engine_flash_bytes=N` (N: flash_Os), one per target.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
source scripts/targets.sh

bash scripts/deps.sh
base=${1:-build/sizes}
shift || true
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=("${picowasm_targets[@]}")
for target in "${targets[@]}"; do picowasm_target "$target" || exit 2; done

# text data bss of an ELF (Berkeley format: text includes rodata, vectors, init_array).
sizes() { "$target_size" "$1" | awk 'NR == 2 { print $1, $2, $3 }'; }
run() {
  local out
  out=$(QEMU_TIMEOUT=120 bash scripts/run-qemu.sh "$target" "$1") ||
    { echo "$out" >&2; echo "$0: $(basename "$1") failed on $target" >&2; return 1; }
  echo "$out"
}

rows=()
summary=()
for target in "${targets[@]}"; do
  picowasm_target "$target"
  s=$target_suffix
  declare -A flash=()
  for profile in size speed; do
    dir=$base/$target-$([[ $profile == size ]] && echo Os || echo O2)
    extra=()
    [[ $profile == speed ]] && extra=(bench-$s)
    echo "== $target: building footprint-$s, footprint-base-$s ${extra[*]} ($profile) in $dir" >&2
    PICOWASM_TARGET=$target bash bench/cortex-m/cross-build.sh "$dir" "$profile" "footprint-$s" \
      "footprint-base-$s" "${extra[@]}"
    fw=$dir/bench/cortex-m
    engine_out=$(run "$fw/footprint-$s.elf")
    run "$fw/footprint-base-$s.elf" >/dev/null
    read -r e_text e_data e_bss < <(sizes "$fw/footprint-$s.elf")
    read -r b_text b_data b_bss < <(sizes "$fw/footprint-base-$s.elf")
    flash[$profile]=$(((e_text + e_data) - (b_text + b_data)))
    if [[ $profile == size ]]; then
      static_ram=$(((e_data + e_bss) - (b_data + b_bss)))
      arena_peak=$(sed -n 's/.*arena_bytes=\([0-9]*\) of.*/\1/p' <<<"$engine_out")
      linear_memory=$(sed -n 's/^linear_memory_bytes=\([0-9]*\).*/\1/p' <<<"$engine_out")
    else
      bench_out=$(run "$fw/bench-$s.elf")
      ratio=$(sed -n 's/^geomean_insn_ratio_vs_native=//p' <<<"$bench_out")
    fi
  done
  rows+=("$(printf '%-11s %9d %9d %10d %10d %14d %11s' "$target" "${flash[size]}" \
    "${flash[speed]}" "$static_ram" "$arena_peak" $((static_ram + arena_peak - linear_memory)) \
    "$ratio")")
  summary+=("size $target engine_flash_bytes=${flash[size]}")
  unset flash
done

echo "== picowasm engine size per target (bytes), arm-none-eabi-gcc $(arm-none-eabi-gcc -dumpversion)," \
  "riscv64-unknown-elf-gcc $(riscv64-unknown-elf-gcc -dumpversion) =="
printf '%-11s %9s %9s %10s %10s %14s %11s\n' target flash_Os flash_O2 static_ram arena_peak \
  ram_beyond_mem bench_ratio
printf '%s\n' "${rows[@]}"
echo
printf '%s\n' "${summary[@]}"
