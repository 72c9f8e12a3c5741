#!/usr/bin/env python3
"""Runs `picowasm run --board virtual ... --json` with several apps and checks its run records.

    check_apps.py --cli PICOWASM [--check EXPR]... -- ARGS...

stdout must be one JSON object per line (one run record per activation); each EXPR is evaluated
with `recs` (all records, in order), `by(app)` (an app's records) and `tail(path, n)` (the last n
bytes of a file, as text) and must be true. The exit status must be 0.
"""
import argparse
import json
import subprocess
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cli", required=True)
    ap.add_argument("--check", action="append", default=[])
    ap.add_argument("rest", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    args = a.rest[1:] if a.rest and a.rest[0] == "--" else a.rest
    p = subprocess.run([a.cli] + args, capture_output=True, timeout=60)
    if p.returncode != 0:
        sys.exit(f"exit status {p.returncode}\n{p.stderr.decode(errors='replace')}")
    recs = [json.loads(line) for line in p.stdout.decode().splitlines() if line.strip()]

    def by(app):
        return [r for r in recs if r["app"] == app]

    def tail(path, n):
        with open(path, "rb") as f:
            return f.read()[-n:].decode()

    failed = 0
    for expr in a.check:
        if not eval(expr, {"recs": recs, "by": by, "tail": tail}):
            print(f"FAILED: {expr}", file=sys.stderr)
            failed += 1
    if failed:
        for r in recs:
            print(json.dumps(r), file=sys.stderr)
        sys.exit(1)
    print(f"{len(recs)} records, {len(a.check)} checks passed")


main()
