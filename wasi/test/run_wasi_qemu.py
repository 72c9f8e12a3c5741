#!/usr/bin/env python3
"""CTest wasi_qemu: the WASI test programs on the Cortex-M4 firmware (wasi-m4) under QEMU.

For each program the firmware runs it with the argv and environment it is configured with
(ports/cortex-m4/wasi/wasi_m4.cpp), its stdout and stderr on UART 0 = QEMU's serial port on
standard output, its stdin read from that port (QEMU's standard input: the input file followed by
^D, the firmware's end-of-input byte). Checks, per program:
  - the UART bytes equal the hand-written expected/ file (the same file the host tests use);
  - the UART bytes equal the host CLI's stdout for the same .wasm, arguments, environment and
    input (`picowasm run`), and the firmware's reported exit equals the CLI's exit status;
  - the firmware embeds the host build's very .wasm files (same bytes).
"""
import argparse
import difflib
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
EXPECTED = os.path.join(HERE, "expected")
TIMEOUT_S = 120
END_OF_INPUT = b"\x04"  # wasi_m4.cpp kEndOfInput

# name: (module, CLI args after the options, CLI options, expected file, input file, exit)
# exit: the CLI's status and the firmware's report ("exit N" or a trap).
PROGRAMS = {
    "hello": ("hello", [], [], "hello.out", None, (0, "exit 0")),
    "printf": ("printf", [], [], "printf.out", None, (0, "exit 0")),
    "malloc": ("malloc", [], [], "malloc.out", None, (0, "exit 0")),
    "qsort": ("qsort", [], [], "qsort.out", None, (0, "exit 0")),
    "math": ("math", [], [], "math.out", None, (0, "exit 0")),
    "args": ("args", ["one", "two words", "-", "--flag"], ["--env", "A=1", "--env", "B=x=y"],
             "args.out", None, (0, "exit 0")),
    "exit_42": ("exit", ["42"], [], "exit42.out", None, (42, "exit 42")),
    "exit_return": ("exit", ["return"], [], "empty.out", None, (3, "exit 3")),
    "exit_abort": ("exit", ["abort"], [], "empty.out", None, (134, "trap: unreachable")),
    "clock": ("clock", [], [], "clock.out", None, (0, "exit 0")),
    "stdin": ("stdin", [], [], "stdin.out", "stdin.in", (0, "exit 0")),
}


def run_qemu(qemu, firmware, name, input_bytes):
    """(QEMU exit status, UART bytes, console text) of one program."""
    # sleep=off: an idle firmware (WFI until a timer deadline) jumps ahead in virtual time, so
    # sleeps cost nothing. A program reading input keeps sleep=on: virtual time must not run ahead
    # of the bytes QEMU feeds the UART from its standard input.
    cmd = [qemu, "-M", "mps2-an386", "-nographic", "-monitor", "none",
           "-semihosting-config", "enable=on,target=native",
           "-icount", "shift=0,sleep=" + ("on" if input_bytes else "off"),
           "-kernel", firmware, "-append", name]
    proc = subprocess.run(cmd, input=input_bytes or b"", stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, timeout=TIMEOUT_S)
    return proc.returncode, proc.stdout, proc.stderr.decode("utf-8", "replace")


def run_cli(cli, wasm, options, args, input_bytes):
    proc = subprocess.run([cli, "run"] + options + [wasm] + args, input=input_bytes or b"",
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=TIMEOUT_S)
    return proc.returncode, proc.stdout


def diff(label, want, got):
    if want == got:
        return []
    lines = difflib.unified_diff(want.decode("utf-8", "replace").splitlines(True),
                                 got.decode("utf-8", "replace").splitlines(True),
                                 "expected", "actual")
    return ["%s differs:" % label] + ["  " + l.rstrip("\n") for l in lines]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--firmware", required=True)
    ap.add_argument("--qemu", default="qemu-system-arm")
    ap.add_argument("--cli", required=True, help="the host picowasm CLI")
    ap.add_argument("--host-wasm", required=True, help="the host build's WASI programs")
    ap.add_argument("--cross-wasm", required=True, help="the cross build's WASI programs")
    ap.add_argument("programs", nargs="*", default=list(PROGRAMS))
    args = ap.parse_args()

    failures = []
    for name in args.programs:
        module, cli_args, options, expected_file, input_file, (status, report) = PROGRAMS[name]
        problems = []
        host_wasm = os.path.join(args.host_wasm, module + ".wasm")
        with open(host_wasm, "rb") as f, \
                open(os.path.join(args.cross_wasm, module + ".wasm"), "rb") as g:
            if f.read() != g.read():
                problems.append("the firmware's %s.wasm differs from the host build's" % module)
        input_bytes = b""
        if input_file:
            with open(os.path.join(EXPECTED, input_file), "rb") as f:
                input_bytes = f.read()
        with open(os.path.join(EXPECTED, expected_file), "rb") as f:
            expected = f.read()

        qemu_status, uart, console = run_qemu(args.qemu, args.firmware, name,
                                              input_bytes + END_OF_INPUT if input_file else b"")
        if qemu_status != 0:
            problems.append("QEMU exit status %d" % qemu_status)
        m = re.search(r"^== %s: (.*)$" % re.escape(name), console, re.M)
        if not m or not m.group(1).startswith(report):
            problems.append("firmware reported %r, expected %r" % (m and m.group(1), report))
        problems += diff("UART output vs %s" % expected_file, expected, uart)

        cli_status, cli_out = run_cli(args.cli, host_wasm, options, cli_args, input_bytes)
        if cli_status != status:
            problems.append("CLI exit status %d, expected %d" % (cli_status, status))
        problems += diff("UART output vs the host CLI's stdout", cli_out, uart)

        print("%-12s %s (%d UART bytes)" % (name, "ok" if not problems else "FAILED", len(uart)))
        if problems:
            sys.stdout.write(console)
            failures += ["%s: %s" % (name, p) for p in problems]
    for f in failures:
        print(f)
    print("wasi_qemu: %d programs, %d failed" % (len(args.programs),
                                                 len({f.split(":")[0] for f in failures})))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
