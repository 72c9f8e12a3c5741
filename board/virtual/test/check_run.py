#!/usr/bin/env python3
"""Runs `picowasm run --board virtual ...` and checks what it did.

  check_run.py --cli PATH --status N [--stdin-file F] [--stdout-file F] [--stdout-regex R] [--stderr-regex R]
               [--stderr-printable]
               [--json-check EXPR]... -- ARG...

--stdout-file: stdout must equal the file byte for byte (the app's UART output, written by hand
from the app's source). --json-check: a Python expression over `j` (the --json object on stdout)
that must be true (--stderr-printable: no control character but tab and newline on stderr); `ops(cls, op)` lists the trace entries of one kind. Everything the CLI printed
is shown on failure.
"""
import argparse
import json
import re
import subprocess
import sys


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cli", required=True)
    parser.add_argument("--status", type=int, required=True)
    parser.add_argument("--stdin-file")
    parser.add_argument("--stdout-file")
    parser.add_argument("--stdout-regex")
    parser.add_argument("--stderr-regex")
    parser.add_argument("--stderr-printable", action="store_true")
    parser.add_argument("--json-check", action="append", default=[])
    parser.add_argument("args", nargs=argparse.REMAINDER)
    a = parser.parse_args()
    args = a.args[1:] if a.args and a.args[0] == "--" else a.args
    stdin = open(a.stdin_file, "rb").read() if a.stdin_file else b""
    run = subprocess.run([a.cli] + args, input=stdin, capture_output=True, timeout=60)
    out, err = run.stdout, run.stderr.decode("utf-8", "replace")
    problems = []
    if run.returncode != a.status:
        problems.append(f"exit status {run.returncode}, expected {a.status}")
    if a.stdout_file:
        with open(a.stdout_file, "rb") as f:
            want = f.read()
        if out != want:
            problems.append(f"stdout differs from {a.stdout_file}:\n{want!r}\n  got\n{out!r}")
    if a.stdout_regex and not re.search(a.stdout_regex, out.decode("utf-8", "replace"), re.S):
        problems.append(f"stdout does not match {a.stdout_regex!r}")
    if a.stderr_regex and not re.search(a.stderr_regex, err, re.S):
        problems.append(f"stderr does not match {a.stderr_regex!r}")
    if a.stderr_printable and re.search(r"[\x00-\x08\x0b-\x1f\x7f]", err):
        problems.append("stderr contains a raw control character")
    if a.json_check:
        try:
            j = json.loads(out)
        except ValueError as e:
            problems.append(f"stdout is not one JSON document: {e}")
        else:
            def ops(cls, op=None):
                return [e for e in j["trace"] if e["class"] == cls and (op is None or e["op"] == op)]

            for check in a.json_check:
                if not eval(check, {"j": j, "ops": ops}):
                    problems.append(f"json check failed: {check}")
    if problems:
        sys.stdout.write(out.decode("utf-8", "replace") + "\n---- stderr\n" + err + "\n")
        for p in problems:
            print("FAIL:", p)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
