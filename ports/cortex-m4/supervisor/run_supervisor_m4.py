#!/usr/bin/env python3
"""CTest supervisor_qemu: firmware supervisor-m4 (thermostat, blink and spin under the supervisor)
on QEMU mps2-an386, its output checked against the apps' hand-written expected output.

    run_supervisor_m4.py --firmware supervisor-m4.elf

Each app's lines must be what it prints when run alone (ports/cortex-m4/hal_apps/expected: the
thermostat's UART bytes, blink's log records); the spin loop must be killed by the watchdog after
exactly its budget of 20000 units, three times (restarted twice), then given up. QEMU runs with
-icount (hal_apps/run_hal_apps.py), so the run is deterministic.
"""
import argparse
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "hal_apps"))
import run_hal_apps  # noqa: E402  (run_qemu: the same machine, devices and sensor temperature)

EXPECTED = os.path.join(HERE, "..", "hal_apps", "expected")


def app_lines(console, app):
    prefix = app + ": "
    return [l[len(prefix):] for l in console.splitlines() if l.startswith(prefix)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--firmware", required=True)
    ap.add_argument("--qemu", default="qemu-system-arm")
    a = ap.parse_args()
    status, uart, console = run_hal_apps.run_qemu(a.qemu, a.firmware, "")
    failures = []
    if status != 0:
        failures.append("exit status %d" % status)
    with open(os.path.join(EXPECTED, "thermostat.uart"), "rb") as f:
        if uart != f.read():
            failures.append("UART 0 differs from hal_apps/expected/thermostat.uart")
    with open(os.path.join(EXPECTED, "blink.log")) as f:
        blink_log = [l for l in f.read().splitlines() if l.startswith("log ")]
    blink = app_lines(console, "blink")
    if [l for l in blink if l.startswith("log ")] != blink_log:
        failures.append("blink's log records differ from hal_apps/expected/blink.log")
    if blink[0] != "started" or blink[-1] != "ended ok (activation 1, fuel 54)":
        failures.append("blink did not start and return like alone (fuel 54)")
    thermostat = app_lines(console, "thermostat")
    if thermostat != ["started", "ended ok (activation 1, fuel 153)"]:
        failures.append("thermostat: %r" % thermostat)
    spin = app_lines(console, "spin")
    one = ["started", "log warn: spin: entering an endless loop", "watchdog"]
    expected_spin = (one + ["ended killed (activation 1, fuel 20000)", "backoff"] +
                     one + ["ended killed (activation 2, fuel 20000)", "backoff"] +
                     one + ["ended killed (activation 3, fuel 20000)", "gave_up"])
    if spin != expected_spin:
        failures.append("spin: %r" % spin)
    if "== supervisor: all done after" not in console:
        failures.append("no final line")
    sys.stderr.write(console)
    if failures:
        for f in failures:
            print("FAILED: " + f, file=sys.stderr)
        sys.exit(1)
    print("supervisor_qemu: thermostat, blink and spin as expected")


main()
