#!/usr/bin/env python3
"""The board layer on Cortex-M4 (issue 8): gpio_write round trip and flash.

Round trip: runs hal-bench-m4.elf (ports/cortex-m4/hal_apps/hal_bench_m4.cpp) on QEMU mps2-an386
with the qemu-insn-count plugin, which prints the exact guest instruction count between
bench_mark() calls. The firmware's regions are N native driver calls, the same loop without the
call, N pw_gpio.write calls from wasm, the same wasm loop without the call, and both wasm loops
again with pw_gpio.write bound to a bare host function calling the driver without any check
(the engine's share of the overhead; the rest is the board layer's).

Flash: sums, from a GNU ld map of an -Os firmware, the bytes each input file places in flash
(code, read-only data, string literals, exception index, .data's load image), grouped as the HAL
layer (board/src/hal.cpp), the mps2 drivers and the engine (libpicowasm.a).
"""
import argparse
import re
import subprocess
import sys

ITERATIONS = 1000  # hal_bench_m4.cpp kIterations
OVERHEAD_TARGET = 80
FLASH_TARGET = 6 * 1024
FLASH_SECTIONS = re.compile(r"^\.(text|rodata|ARM\.exidx|data|init_array|vectors)")


def round_trip(qemu, elf, plugin):
    nm = subprocess.run(["arm-none-eabi-nm", elf], capture_output=True, text=True, check=True)
    mark = next(l.split()[0] for l in nm.stdout.splitlines() if l.endswith(" bench_mark"))
    cmd = [qemu, "-M", "mps2-an386", "-nographic", "-monitor", "none",
           "-semihosting-config", "enable=on,target=native", "-icount", "shift=0",
           "-kernel", elf, "-plugin", "%s,mark=0x%s" % (plugin, mark)]
    run = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    if run.returncode != 0:
        sys.exit("hal-bench-m4 failed (%d):\n%s%s" % (run.returncode, run.stdout, run.stderr))
    deltas = [int(m.group(1)) for m in re.finditer(r"insn_count: mark #\d+ total=\d+ delta=(\d+)",
                                                   run.stderr)]
    # Marks 0/1 native write, 2/3 native empty, 4/5 wasm write, 6/7 wasm empty, 8/9 and 10/11
    # the same with the bare binding: the deltas at the odd marks are the regions.
    if len(deltas) < 12:
        sys.exit("expected 12 marks from the plugin, got %d:\n%s" % (len(deltas), run.stderr))
    native = (deltas[1] - deltas[3]) / ITERATIONS
    wasm = (deltas[5] - deltas[7]) / ITERATIONS
    bare = (deltas[9] - deltas[11]) / ITERATIONS
    return native, wasm, bare, run.stdout.strip()


def flash_by_group(map_path):
    groups = {"hal": 0, "drivers": 0, "engine": 0}
    section = None
    with open(map_path) as f:
        in_map = False
        for line in f:
            if line.startswith("Linker script and memory map"):
                in_map = True
                continue
            if not in_map:
                continue
            m = re.match(r"^ (\.\S+)(.*)$", line)
            if m:
                section, rest = m.group(1), m.group(2)
                if not rest.strip():
                    continue  # the name alone; address, size and file on the next line
                line = rest
            elif not line.startswith("  ") or section is None:
                section = None
                continue
            fields = line.split()
            if len(fields) != 3 or not fields[0].startswith("0x") or not FLASH_SECTIONS.match(
                    section):
                section = None
                continue
            size, path = int(fields[1], 16), fields[2]
            if "libpicowasm_board.a(hal.cpp" in path:
                groups["hal"] += size
            elif "libpicowasm_mps2_hal.a(" in path:
                groups["drivers"] += size
            elif re.search(r"libpicowasm\.a\(", path):
                groups["engine"] += size
            section = None
    return groups


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--qemu", default="qemu-system-arm")
    ap.add_argument("--bench-elf", required=True, help="hal-bench-m4.elf (speed build)")
    ap.add_argument("--plugin", required=True, help="libinsn_count.so")
    ap.add_argument("--size-map", required=True, help="hal-apps-m4.map (-Os build)")
    args = ap.parse_args()

    native, wasm, bare, firmware_line = round_trip(args.qemu, args.bench_elf, args.plugin)
    overhead = wasm - native
    print("== pw_gpio.write round trip, Cortex-M4 (QEMU mps2-an386, exact instruction counts)")
    print("firmware: " + firmware_line)
    print("native driver call (mps2_gpio write):  %7.1f instructions" % native)
    print("wasm pw_gpio.write, granted:           %7.1f instructions" % wasm)
    print("overhead:                              %7.1f instructions (target <= %d)"
          % (overhead, OVERHEAD_TARGET))
    print("  engine host call (bare binding - native): %7.1f" % (bare - native))
    print("  board layer (grant checks, counters):     %7.1f" % (wasm - bare))
    groups = flash_by_group(args.size_map)
    print("== flash on Cortex-M4 -Os (hal-apps-m4)")
    print("HAL layer (board/src/hal.cpp):          %7d bytes (target <= %d)"
          % (groups["hal"], FLASH_TARGET))
    print("mps2 drivers (ports/cortex-m4/drivers): %7d bytes" % groups["drivers"])
    print("engine (libpicowasm.a):                 %7d bytes" % groups["engine"])
    print("hal_overhead_insns=%.1f" % overhead)
    print("hal_flash_bytes=%d" % groups["hal"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
