#!/usr/bin/env python3
"""Runs apps of the hal-apps-m4 firmware on QEMU mps2-an386 and checks what they print.

For each app: QEMU starts paused with a TMP105 (I2C bus 0, 0x48) and an M25P80 flash (SPI bus
0) attached, the sensor is set to 25.0 C over QMP (the device's reset clears a value given with
-device), and the run continues. The app's UART 0 is QEMU's standard output, its log records and
the firmware's reports (semihosting) its standard error. Checks, per app:
  - UART bytes and log lines equal the hand-written expected/<app>.uart and expected/<app>.log
    (derived from the app's source and the device models' datasheets, not from a run);
  - with --cli, the UART bytes and the log records equal those of the same .wasm on the virtual
    board (`picowasm run --board virtual`), with the grant the firmware reports for the app.
  - with --host-apps and --cross-apps, the firmware embeds the host build's very .wasm files.
Modes: check (default, exit status 1 on any difference) or --show (run and print, for the demo).
"""
import argparse
import difflib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
EXPECTED = os.path.join(HERE, "expected")
APPS = ["blink", "thermostat", "uart_console", "basting_timer", "bad_pin", "spin",
        "memory_bomb", "wild_pointer", "hal_check"]
SENSOR_MILLI_C = 25000
FUEL = 1000000  # hal_apps_m4.cpp kFuel
MEMORY_PAGES = 16  # hal_apps_m4.cpp kMemoryPages
QEMU_TIMEOUT_S = 60
QMP_CONNECT_TIMEOUT_S = 10


def qmp_session(path, commands):
    """Connects to QEMU's QMP socket and runs the commands in order; raises on an error reply."""
    deadline = time.monotonic() + QMP_CONNECT_TIMEOUT_S
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    while True:
        try:
            sock.connect(path)
            break
        except (FileNotFoundError, ConnectionRefusedError):
            if time.monotonic() > deadline:
                raise RuntimeError("QEMU's QMP socket did not appear")
            time.sleep(0.02)
    reader = sock.makefile("r")

    def reply():
        while True:
            msg = json.loads(reader.readline())
            if "return" in msg or "error" in msg:
                return msg

    json.loads(reader.readline())  # greeting
    for cmd in [{"execute": "qmp_capabilities"}] + commands:
        sock.sendall(json.dumps(cmd).encode() + b"\n")
        msg = reply()
        if "error" in msg:
            raise RuntimeError("QMP %s: %s" % (cmd["execute"], msg["error"]))
    sock.close()


def run_qemu(qemu, firmware, app):
    """Returns (exit status, UART bytes, console text) of one app."""
    stdin_path = os.path.join(EXPECTED, app + ".in")
    has_input = os.path.exists(stdin_path)
    with tempfile.TemporaryDirectory() as tmp:
        qmp = os.path.join(tmp, "qmp.sock")
        # sleep=off: idle time (WFI) jumps to the next timer deadline, so a 10 s app takes well
        # under a second. An app reading UART input keeps sleep=on: virtual time must not run
        # ahead of the input arriving from the host.
        cmd = [qemu, "-M", "mps2-an386", "-nographic", "-monitor", "none",
               "-semihosting-config", "enable=on,target=native",
               "-icount", "shift=0,sleep=" + ("on" if has_input else "off"),
               "-kernel", firmware, "-append", app, "-S",
               "-device", "tmp105,bus=i2c,address=0x48,id=sensor",
               "-device", "m25p80,bus=ssi,id=flash",
               "-chardev", "socket,id=qmp,path=%s,server=on,wait=off" % qmp,
               "-mon", "chardev=qmp,mode=control"]
        stdin = open(stdin_path, "rb") if has_input else subprocess.DEVNULL
        try:
            proc = subprocess.Popen(cmd, stdin=stdin, stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE)
            try:
                qmp_session(qmp, [
                    {"execute": "qom-set", "arguments": {
                        "path": "/machine/peripheral/sensor", "property": "temperature",
                        "value": SENSOR_MILLI_C}},
                    {"execute": "cont"}])
                out, err = proc.communicate(timeout=QEMU_TIMEOUT_S)
            except Exception:
                proc.kill()
                out, err = proc.communicate()
                raise
        finally:
            if has_input:
                stdin.close()
    return proc.returncode, out, err.decode("utf-8", "replace")


def c_escape(data):
    """Bytes as the CLI's --uart-input TEXT (C escapes for anything but printable ASCII)."""
    out = []
    for b in data:
        c = chr(b)
        if c == "\\":
            out.append("\\\\")
        elif c == "\n":
            out.append("\\n")
        elif c == "\r":
            out.append("\\r")
        elif 0x20 <= b < 0x7F:
            out.append(c)
        else:
            out.append("\\x%02x" % b)
    return "".join(out)


def run_virtual(cli, wasm, grant_spec, app):
    """(UART bytes, log lines) of the app on the virtual board, with the firmware's grant, fuel
    and memory limit."""
    with tempfile.TemporaryDirectory() as tmp:
        uart_path = os.path.join(tmp, "uart")
        cmd = [cli, "run", "--board", "virtual", "--uart-out", uart_path,
               "--fuel", str(FUEL), "--max-memory-pages", str(MEMORY_PAGES)]
        for spec in grant_spec.split():
            cmd += ["--grant", spec]
        stdin_path = os.path.join(EXPECTED, app + ".in")
        if os.path.exists(stdin_path):
            with open(stdin_path, "rb") as f:
                cmd += ["--uart-input", c_escape(f.read())]
        cmd.append(wasm)
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              timeout=QEMU_TIMEOUT_S)
        uart = b""
        if os.path.exists(uart_path):
            with open(uart_path, "rb") as f:
                uart = f.read()
    # "[0.500000] log info: text": the same record as the Cortex-M4's "log info: text".
    logs = [re.sub(r"^\[[0-9.]+\] ", "", l)
            for l in proc.stderr.decode("utf-8", "replace").splitlines()
            if re.match(r"^\[[0-9.]+\] log \w+: ", l)]
    return uart, logs


def diff(label, want, got):
    if want == got:
        return []
    w = want.decode("utf-8", "replace") if isinstance(want, bytes) else want
    g = got.decode("utf-8", "replace") if isinstance(got, bytes) else got
    lines = difflib.unified_diff(w.splitlines(True), g.splitlines(True), "expected", "actual")
    return ["%s differs:" % label] + ["  " + l.rstrip("\n") for l in lines] + \
           ["  (bytes: expected %r, actual %r)" % (want[-40:], got[-40:])]


def grant_of(console, app):
    prefix = "== %s grant: " % app
    for line in console.splitlines():
        if line.startswith(prefix):
            return line[len(prefix):]
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--firmware", required=True)
    ap.add_argument("--qemu", default=shutil.which("qemu-system-arm") or "qemu-system-arm")
    ap.add_argument("--cli", help="picowasm CLI: also compare with the virtual board")
    ap.add_argument("--host-apps", help="the host build's examples/apps folder")
    ap.add_argument("--cross-apps", help="the cross build's examples/apps folder")
    ap.add_argument("--show", action="store_true", help="print each app's output, check nothing")
    ap.add_argument("apps", nargs="*", default=APPS)
    args = ap.parse_args()

    failures = []
    if args.host_apps and args.cross_apps:
        for app in args.apps:
            if app == "hal_check":
                continue
            with open(os.path.join(args.host_apps, app + ".wasm"), "rb") as f:
                host = f.read()
            with open(os.path.join(args.cross_apps, app + ".wasm"), "rb") as f:
                cross = f.read()
            if host != cross:
                failures.append("%s.wasm: the firmware's copy differs from the host build's" % app)

    for app in args.apps:
        status, uart, console = run_qemu(args.qemu, args.firmware, app)
        if args.show:
            sys.stdout.write(console)
            if uart:
                sys.stdout.write("-- %s UART 0:\n%s" % (app, uart.decode("utf-8", "replace")))
            continue
        problems = []
        if status != 0:
            problems.append("QEMU exit status %d" % status)
        with open(os.path.join(EXPECTED, app + ".uart"), "rb") as f:
            problems += diff("UART 0 (vs expected/%s.uart)" % app, f.read(), uart)
        with open(os.path.join(EXPECTED, app + ".log"), "r") as f:
            problems += diff("log (vs expected/%s.log)" % app, f.read(), console)
        if args.cli and app != "hal_check":
            grant = grant_of(console, app)
            wasm = os.path.join(args.host_apps, app + ".wasm")
            v_uart, v_logs = run_virtual(args.cli, wasm, grant or "", app)
            problems += diff("UART 0 (vs the virtual board)", v_uart, uart)
            logs = [l for l in console.splitlines() if l.startswith("log ")]
            problems += diff("log records (vs the virtual board)", "\n".join(v_logs) + "\n",
                             "\n".join(logs) + "\n")
        print("%-14s %s" % (app, "ok" if not problems else "FAIL"))
        failures += ["%s: %s" % (app, p) for p in problems]
    for f in failures:
        print(f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
