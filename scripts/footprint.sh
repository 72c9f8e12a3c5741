#!/usr/bin/env bash
# Engine footprint on Cortex-M4 (issue 3): builds, with arm-none-eabi-gcc -Os (MinSizeRel),
#   footprint-m4       a minimal firmware that loads the fib module from flash and runs it, and
#   footprint-base-m4  the same firmware (board code, main, module bytes, arena) without the engine
# (bench/cortex-m/footprint_m4.cpp) and reports
#   - engine flash = (text + data) difference, engine RAM = (data + bss) difference; the arena
#     buffer is in both images, so it is not counted: its size and use are printed separately;
#   - where the engine flash goes, per object file (from the linker maps);
#   - for each benchmark module, what translation costs in the arena: threaded code bytes against
#     the function bodies' bytes (CompiledModule::code_bytes vs the sum of Function::code.size),
#     from bench-smoke-m4 built the same way and run on QEMU;
#   - for each benchmark module, the RAM a module and an instance need beyond linear memory and
#     the wasm stack, loaded normally and from translated code in flash (xip-m4, same build).
#   - what each optional part of the engine costs (config.h "Optional parts" and the post-2.0
#     proposals): footprint-m4 rebuilt with that PICOWASM_FEATURE_* set to 0, in BUILD_DIR-no-<part>,
#     and with all of them 0 (BUILD_DIR-minimal: the smallest engine, still the 2.0 non-SIMD core
#     with fuel and trap reports); cost = default engine flash - that build's. Skipped with
#     PICOWASM_FOOTPRINT_OPTIONS=0 (each is a full engine build).
# Usage: scripts/footprint.sh [BUILD_DIR]   (default build/cortex-m4-size)
# The last line is exactly `engine_flash_bytes=N`.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

bash scripts/deps.sh
build_dir=${1:-build/cortex-m4-size}
bash bench/cortex-m/cross-build.sh "$build_dir" size footprint-m4 footprint-base-m4 bench-smoke-m4 \
  xip-m4
fw_dir=$build_dir/bench/cortex-m

# Both firmwares must run: the engine one checks fib's result.
run() { QEMU_M4_TIMEOUT=60 bash scripts/run-qemu-m4.sh "$fw_dir/$1.elf"; }
engine_out=$(run footprint-m4) || { echo "$engine_out"; echo "footprint-m4 failed" >&2; exit 1; }
base_out=$(run footprint-base-m4) || { echo "$base_out"; echo "footprint-base-m4 failed" >&2; exit 1; }

# text data bss of an ELF (Berkeley format: text includes rodata, vectors, exidx, init_array).
sizes() { arm-none-eabi-size "$1" | awk 'NR == 2 { print $1, $2, $3 }'; }
read -r e_text e_data e_bss < <(sizes "$fw_dir/footprint-m4.elf")
read -r b_text b_data b_bss < <(sizes "$fw_dir/footprint-base-m4.elf")
flash=$(((e_text + e_data) - (b_text + b_data)))
ram=$(((e_data + e_bss) - (b_data + b_bss)))
arena_size=$(sed -n 's/.*arena_bytes=[0-9]* of \([0-9]*\).*/\1/p' <<<"$engine_out")
arena_used=$(sed -n 's/.*arena_bytes=\([0-9]*\) of.*/\1/p' <<<"$engine_out")

echo "== Cortex-M4 footprint, arm-none-eabi-gcc $(arm-none-eabi-gcc -dumpversion) -Os =="
printf '%-20s %8s %8s %8s\n' firmware text data bss
printf '%-20s %8d %8d %8d\n' footprint-m4 "$e_text" "$e_data" "$e_bss" \
  footprint-base-m4 "$b_text" "$b_data" "$b_bss"
echo "run: $engine_out"
echo "engine RAM (data + bss, arena excluded): $ram bytes"
echo "arena: $arena_size bytes reserved, peak use $arena_used bytes while running fib"

# Flash bytes per contributing object file, from a GNU ld map: input sections that end up in
# flash (code, rodata, exidx, init_array, data's load image), grouped by archive member. Strings
# (merged across files) and alignment padding are the remainder up to the measured difference.
contributions() {
  awk '
    function hex(s,    i, v) {  # mawk has no strtonum
      v = 0
      for (i = 3; i <= length(s); ++i) v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
      return v
    }
    /^Linker script and memory map/ { in_map = 1; next }
    !in_map { next }
    /^ \.[^ ]*/ { section = $1; if (NF == 1) next; sub(/^ [^ ]+/, "") }
    /^ \*fill\*/ || /^[^ ]/ { section = ""; next }
    section != "" && $1 ~ /^0x/ && $2 ~ /^0x/ && NF == 3 {
      # Merged string sections are listed with unreliable per-file sizes: left to the remainder.
      if (section ~ /^\.(text|rodata|ARM\.exidx|init_array|preinit_array|data|vectors)/ &&
          section !~ /^\.rodata\.str/) {
        file = $3
        if (file ~ /libpicowasm\.a\(/) { sub(/.*\(/, "", file); sub(/\.obj\)$/, "", file); file = "engine " file }
        else if (file ~ /\.a\(/) { sub(/\(.*/, "", file); sub(/.*\//, "", file) }
        else { sub(/.*\//, "", file) }
        bytes[file] += hex(tolower($2))
      }
      section = ""
    }
    END { for (f in bytes) print f "\t" bytes[f] }
  ' "$1"
}
echo
echo "engine flash by object file (footprint-m4 minus footprint-base-m4, bytes):"
join -t $'\t' -a 1 -e 0 -o 0,1.2,2.2 \
  <(contributions "$fw_dir/footprint-m4.map" | sort) \
  <(contributions "$fw_dir/footprint-base-m4.map" | sort) |
  awk -F '\t' '$2 != $3 { printf "%d\t%s\n", $2 - $3, $1 }' | sort -n -r |
  awk -F '\t' -v flash="$flash" '{ printf "  %-30s %7d\n", $2, $1; total += $1 }
    END { printf "  %-30s %7d\n  %-30s %7d\n", "strings, padding", flash - total, "total", flash }'

echo
echo "translation per benchmark module (arena bytes on Cortex-M4; body_B = function bodies,"
echo "code_B = threaded code; compiled = all that compile_module keeps; arena_peak includes scratch):"
smoke_out=$(run bench-smoke-m4) || { echo "$smoke_out"; echo "bench-smoke-m4 failed" >&2; exit 1; }
awk '
  /^program / { for (i = 1; i <= NF; ++i) col[$i] = i; header = 1
                printf "  %-8s %8s %7s %7s %9s %8s %8s %8s %10s\n", "program", "module_B", "body_B",
                       "code_B", "code/body", "decoded", "compiled", "instance", "arena_peak"; next }
  header && /^[a-z0-9]+ +-?[0-9]+ 0x/ {
    printf "  %-8s %8d %7d %7d %9s %8d %8d %8d %10d\n", $1, $col["module_B"], $col["body_B"],
           $col["code_B"], $col["code/body"], $col["decoded"], $col["compiled"], $col["instance"],
           $col["arena_peak"]
    body += $col["body_B"]; code += $col["code_B"]
  }
  /^FAIL/ { print "  " $0 }
  /^load: / { load = $0 }  # decode + validate + translate instructions per body byte, this -Os build
  END { if (body > 0) printf "  %-8s %8s %7d %7d %9.2f\n", "all", "", body, code, code / body
        if (load != "") print "  " load }
' <<<"$smoke_out"

echo
echo "RAM beyond linear memory and the wasm stack per benchmark module (bytes on Cortex-M4,"
echo "normal load / pretranslated: translate_to() into flash once, load_pretranslated(); see"
echo "scripts/xip-m4.sh):"
xip_out=$(run xip-m4) || { echo "$xip_out"; echo "xip-m4 failed" >&2; exit 1; }
awk '/^xip [a-z0-9]+ ok / {
       for (i = 4; i <= NF; ++i) { split($i, kv, "="); v[kv[1]] = kv[2] }
       printf "  %-8s module %11s  instance %5d  beyond %11s\n", $2, v["module"], v["instance"],
              v["beyond"]
     }' <<<"$xip_out"


# Optional parts: name and macro, in the order of config.h.
parts=(extended-const:EXTENDED_CONST tail-call:TAIL_CALL custom-page-sizes:CUSTOM_PAGE_SIZES
       multi-memory:MULTI_MEMORY fused-forms:FUSED_FORMS trap-backtrace:TRAP_BACKTRACE
       bulk-memory:BULK_MEMORY reference-types:REFERENCE_TYPES)
# Engine flash of footprint-m4 built in $1 with the extra compile flags $2 (same base firmware).
flash_with() {
  PICOWASM_M4_EXTRA_FLAGS="$2" bash bench/cortex-m/cross-build.sh "$1" size footprint-m4
  read -r o_text o_data _ < <(sizes "$1/bench/cortex-m/footprint-m4.elf")
  echo $(((o_text + o_data) - (b_text + b_data)))
}
minimal=""
if [[ ${PICOWASM_FOOTPRINT_OPTIONS:-1} != 0 ]]; then
  echo
  echo "optional parts (engine flash with the part compiled out; cost = default - that):"
  printf '  %-42s %7s %7s\n' "compiled out" flash cost
  all_off=""
  for part in "${parts[@]}"; do
    macro="PICOWASM_FEATURE_${part#*:}"
    all_off+=" -D$macro=0"
    off=$(flash_with "$build_dir-no-${part%%:*}" "-D$macro=0")
    printf '  %-42s %7d %7d\n' "$macro=0" "$off" $((flash - off))
  done
  minimal=$(flash_with "$build_dir-minimal" "${all_off# }")
  printf '  %-42s %7d %7d\n' "all of the above (minimal engine)" "$minimal" $((flash - minimal))
  printf '  against the 32 KiB target (32768): default %+d bytes, minimal %+d bytes\n' \
    $((flash - 32768)) $((minimal - 32768))
fi

echo
echo "engine_ram_bytes=$ram"
[[ -z $minimal ]] || echo "engine_flash_minimal_bytes=$minimal"
echo "engine_flash_bytes=$flash"
