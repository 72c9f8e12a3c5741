#!/usr/bin/env python3
"""The supervisor's watchdog reaction time on Cortex-M4, in guest instructions (a measurement).

    watchdog_reaction.py --firmware watchdog-reaction-m4.elf --plugin libinsn_count.so

Runs the firmware on QEMU mps2-an386 with the qemu-insn-count plugin marking bench_mark(): once per
loop iteration of the guest (inside its env.mark host call) and once when the watchdog acts. The
last delta is the reaction: instructions from the last wasm code run on the budget to the watchdog
event. Prints `watchdog_reaction_insns=N` last.
"""
import argparse
import re
import subprocess
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--firmware", required=True)
    ap.add_argument("--plugin", required=True)
    ap.add_argument("--qemu", default="qemu-system-arm")
    a = ap.parse_args()
    nm = subprocess.run(["arm-none-eabi-nm", a.firmware], capture_output=True, text=True,
                        check=True)
    mark = next(l.split()[0] for l in nm.stdout.splitlines() if l.endswith(" bench_mark"))
    cmd = [a.qemu, "-M", "mps2-an386", "-nographic", "-monitor", "none",
           "-semihosting-config", "enable=on,target=native", "-icount", "shift=0",
           "-kernel", a.firmware, "-plugin", "%s,mark=0x%s" % (a.plugin, mark)]
    run = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    if run.returncode != 0:
        sys.exit("watchdog-reaction-m4 failed (%d):\n%s%s" % (run.returncode, run.stdout,
                                                              run.stderr))
    deltas = [int(m.group(1)) for m in
              re.finditer(r"insn_count: mark #\d+ total=\d+ delta=(\d+)", run.stderr)]
    # 1000 iterations (one mark each), then the watchdog's mark.
    if len(deltas) != 1001:
        sys.exit("expected 1001 marks, got %d" % len(deltas))
    loop = deltas[500]
    print(run.stdout.strip())
    print("one loop iteration (call env.mark + branch): %d instructions" % loop)
    print("watchdog_reaction_insns=%d" % deltas[-1])


main()
