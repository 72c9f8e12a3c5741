#!/usr/bin/env python3
"""run_record_schema: every --json run outcome of the CLI is a run record.

Runs the CLI for a set of runs covering every status it can produce, validates each output
against docs/run-record.schema.json with python3-jsonschema (Draft 2020-12, independent of the
code under test) and checks the key values against expectations derived by hand from the
programs' sources (noted beside each case). Fails, never skips.
"""
import argparse
import json
import os
import subprocess
import sys

try:
    import jsonschema
except ImportError:
    sys.exit("FAIL: python3-jsonschema is missing (scripts/deps.sh installs it)")

ap = argparse.ArgumentParser()
for opt in ("--cli", "--schema", "--examples", "--wasi", "--wasi-expected", "--work", "--down"):
    ap.add_argument(opt, required=True)
a = ap.parse_args()

schema = json.load(open(a.schema))
jsonschema.Draft202012Validator.check_schema(schema)
validator = jsonschema.Draft202012Validator(schema)

ex = a.examples
apps = os.path.join(ex, "apps")
vb = ["run", "--board", "virtual", "--json"]
hello = open(os.path.join(a.wasi_expected, "hello.out"), "rb").read().decode()
printf_out = open(os.path.join(a.wasi_expected, "printf.out"), "rb").read().decode()
corrupt = os.path.join(a.work, "corrupt.snapshot")
with open(corrupt, "wb") as f:
    f.write(b"PWSN" + b"\0" * 60)  # the magic, then nothing valid


def zeros(j, *skip):
    return all(c == {"calls": 0, "denied": 0, "rate_limited": 0}
               for k, c in j["hal"].items() if k not in skip)


# (name, exit status, argv, checks): each check is a predicate on the record `j`.
CASES = [
    # fib.wat: the loop's backward branch runs n = 20 times (fuel 20); fib(20) = 6765.
    ("ok", 0, ["run", "--json", f"{ex}/fib.wasm", "--invoke", "fib", "20"],
     [lambda j: j["status"] == "ok" and j["results"] == [{"type": "i32", "value": "6765"}],
      lambda j: j["num_results"] == 1 and j["fuel_used"] == 20 and j["phase"] == "call",
      lambda j: j["high_water"]["call_depth"] == 1 and j["high_water"]["memory_bytes"] == 0,
      lambda j: j["trap"] is None and j["exit_code"] is None and j["time_us"] is None,
      lambda j: zeros(j) and j["output"]["uart"] == {"text": "", "bytes": 0, "truncated": False}]),
    # down.wat: down(9) nests 9 calls below the entry (depth 10), one unit of fuel each.
    ("depth", 0, ["run", "--json", a.down, "--invoke", "down", "9"],
     [lambda j: j["results"] == [{"type": "i32", "value": "9"}] and j["fuel_used"] == 9,
      lambda j: j["high_water"]["call_depth"] == 10,
      lambda j: j["high_water"]["stack_slots"] >= 10 and
      j["high_water"]["stack_slots"] <= j["high_water"]["stack_slots_reserved"]]),
    # trap.wat: divide(1, 0) is an integer division by zero in function 1.
    ("trap", 3, ["run", "--json", f"{ex}/trap.wasm", "--invoke", "divide", "1", "0"],
     [lambda j: j["status"] == "trap" and j["trap"]["code"] == "trap_int_div_by_zero",
      lambda j: j["trap"]["kind"] == "trap" and j["trap"]["frames"][0]["function"] == 1,
      lambda j: j["trap"]["message"] == "integer divide by zero" and j["results"] == []]),
    # --fuel 5: the fifth backward branch finds the budget empty.
    ("paused", 4, ["run", "--json", "--fuel", "5", f"{ex}/fib.wasm", "--invoke", "fib", "20"],
     [lambda j: j["status"] == "paused" and j["pause_reason"] == "out_of_fuel",
      lambda j: j["fuel_used"] == 5 and j["results"] == []]),
    # A plain run links nothing: blink's first import is refused.
    ("link_error_plain", 1, ["run", "--json", "--invoke", "pw_main", f"{apps}/blink.wasm"],
     [lambda j: j["status"] == "link_error" and j["message"].startswith("unknown import pw_")]),
    # blink.c: 14 GPIO calls (configure, write, 6 x toggle and read), done at 3 s, logs last.
    ("board_ok", 0, vb + ["--grant", "gpio:2:out", "--grant", "time", "--grant", "log",
                          f"{apps}/blink.wasm"],
     [lambda j: j["status"] == "ok" and j["exit_code"] == 0,
      lambda j: j["time_us"] == 3000000 and j["elapsed_us"] == 3000000,
      lambda j: j["hal"]["gpio"] == {"calls": 14, "denied": 0, "rate_limited": 0},
      lambda j: j["output"]["log"]["text"].endswith("blink: done\n"),
      lambda j: j["output"]["log"]["truncated"] is False and j["high_water"]["call_depth"] >= 1]),
    # bad_pin.c: pins 3, 40 and 2-as-input are refused; 5 GPIO calls, 3 denied.
    ("denial", 0, vb + ["--grant", "gpio:2:out", "--grant", "log", f"{apps}/bad_pin.wasm"],
     [lambda j: j["status"] == "ok" and j["hal"]["gpio"] == {"calls": 5, "denied": 3,
                                                             "rate_limited": 0}]),
    # blink at 3 calls/s with a burst of 3: 4 of its 14 GPIO calls are refused.
    ("rate_limit", 0, vb + ["--grant", "gpio:2:out", "--grant", "time", "--grant", "log",
                            "--grant", "rate:gpio:3/s", f"{apps}/blink.wasm"],
     [lambda j: j["hal"]["gpio"]["rate_limited"] == 4 and j["hal"]["gpio"]["calls"] == 14]),
    # GPIO revoked from the start and trap-on-denial: blink's first GPIO call traps.
    ("revoked", 3, vb + ["--grant", "gpio:2:out", "--grant", "time", "--grant", "log",
                         "--trap-on-denial", "--revoke", "gpio@0", f"{apps}/blink.wasm"],
     [lambda j: j["status"] == "revoked" and j["trap"]["host_message"] == "revoked: pw_gpio",
      lambda j: j["trap"]["code"] == "trap_host" and j["hal"]["gpio"]["denied"] == 1]),
    # spin.c loops forever: the budget runs out exactly.
    ("out_of_fuel", 4, vb + ["--grant", "log", "--fuel", "100000", f"{apps}/spin.wasm"],
     [lambda j: j["status"] == "out_of_fuel" and j["fuel_used"] == 100000,
      lambda j: j["pause_reason"] == "out_of_fuel" and j["exit_code"] is None]),
    # blink sleeps 500 ms between toggles: with --max-time 1 s its wait beyond it never ends.
    ("stalled", 4, vb + ["--grant", "gpio:2:out", "--grant", "time", "--grant", "log",
                         "--max-time", "1000000", f"{apps}/blink.wasm"],
     [lambda j: j["status"] == "stalled" and j["message"] is not None,
      lambda j: j["pause_reason"] == "host_yield" and j["time_us"] <= 1000000]),
    # blink imports pw_gpio, and no GPIO grant is given.
    ("link_error", 1, vb + ["--grant", "time", "--grant", "log", f"{apps}/blink.wasm"],
     [lambda j: j["status"] == "link_error" and "pw_gpio" in j["message"],
      lambda j: j["trap"] is None and j["results"] == []]),
    # fib.wasm has no pw_main: it cannot run as an app.
    ("load_error", 1, vb + [f"{ex}/fib.wasm"],
     [lambda j: j["status"] == "load_error" and j["message"] is not None]),
    # exit.c with 42 calls exit(42) after printing the line of exit42.out.
    ("exited", 42, ["run", "--json", f"{a.wasi}/exit.wasm", "42"],
     [lambda j: j["status"] == "exited" and j["exit_code"] == 42,
      lambda j: j["output"]["uart"]["text"] == open(
          os.path.join(a.wasi_expected, "exit42.out")).read()]),
    # hello.c returns 0 from main: no proc_exit; its stdout is hello.out.
    ("wasi_ok", 0, ["run", "--json", f"{a.wasi}/hello.wasm"],
     [lambda j: j["status"] == "ok" and j["exit_code"] == 0,
      lambda j: j["output"]["uart"] == {"text": hello, "bytes": len(hello), "truncated": False},
      lambda j: j["hal"]["uart"]["calls"] >= 1 and j["hal"]["uart"]["denied"] == 0]),
    # printf.out is longer than the ring (256 bytes): the newest 256 are kept, all are counted.
    ("truncated", 0, ["run", "--json", f"{a.wasi}/printf.wasm"],
     [lambda j: len(printf_out) > 256 and j["output"]["uart"]["bytes"] == len(printf_out),
      lambda j: j["output"]["uart"]["truncated"] is True,
      lambda j: j["output"]["uart"]["text"] == printf_out[-256:]]),
    # A snapshot that is only a magic number is refused before anything runs.
    ("snapshot_refused", 1, ["run", "--json", "--from-snapshot", corrupt, f"{ex}/fib.wasm",
                             "--invoke", "fib", "20"],
     [lambda j: j["status"] == "load_error" and "snapshot" in j["message"]]),
]

failures = 0
statuses = set()
for name, status, argv, checks in CASES:
    run = subprocess.run([a.cli] + argv, capture_output=True, timeout=60)
    problems = []
    if run.returncode != status:
        problems.append(f"exit status {run.returncode}, expected {status}")
    lines = run.stdout.decode("ascii", "replace").splitlines()
    if len(lines) != 1:
        problems.append(f"{len(lines)} lines on stdout, expected one JSON object")
    else:
        j = json.loads(lines[0])
        errors = sorted(validator.iter_errors(j), key=lambda e: list(e.path))
        for e in errors:
            problems.append(f"schema: {'/'.join(map(str, e.path))}: {e.message}")
        for i, check in enumerate(checks):
            try:
                ok = check(j)
            except (KeyError, TypeError, IndexError) as e:
                ok, problems = False, problems + [f"check {i}: {e!r}"]
            if not ok:
                problems.append(f"check {i} failed")
        statuses.add(j.get("status"))
        if problems:
            problems.append("record: " + lines[0][:2000])
    if problems:
        failures += 1
        print(f"FAIL {name}: " + "\n  ".join(problems))
        print("  stderr: " + run.stderr.decode("utf-8", "replace")[-1000:])
    else:
        print(f"ok   {name}")

expected = {"ok", "trap", "paused", "out_of_fuel", "revoked", "exited", "stalled", "link_error",
            "load_error"}
if statuses != expected:
    failures += 1
    print(f"FAIL statuses covered: {sorted(statuses)}, expected {sorted(expected)}")
print(f"{len(CASES) - failures} of {len(CASES)} runs valid and as expected")
sys.exit(1 if failures else 0)
