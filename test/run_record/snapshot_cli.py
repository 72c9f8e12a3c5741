#!/usr/bin/env python3
"""snapshot_cli: the snapshot round trip through the CLI.

For each benchmark program: an uninterrupted `picowasm run --json` gives the result and the fuel
F; a run with --fuel H (H = F / 3, then 2F / 3) pauses and writes --snapshot-out; a run
--from-snapshot finishes it. The result must equal the uninterrupted one and the independent
checksum of bench/tools/reference.py, and the two halves' fuel must add up to F. The same image
restored twice (clones) finishes the same way; an image of another module, a truncated one and a
flipped byte are refused with their typed errors. Fails, never skips.
"""
import argparse
import json
import os
import subprocess
import sys

ap = argparse.ArgumentParser()
for opt in ("--cli", "--bench-wasm", "--reference", "--work"):
    ap.add_argument(opt, required=True)
a = ap.parse_args()

# Programs and parameters small enough for a debug build to run in seconds.
PROGRAMS = [("mixed", 4), ("sha256", 20), ("calls", 2000)]

failures = []


def run(argv, status):
    p = subprocess.run([a.cli, "run", "--json"] + argv, capture_output=True, timeout=120)
    if p.returncode != status:
        failures.append(f"{argv}: exit status {p.returncode}, expected {status}: "
                        f"{p.stderr.decode(errors='replace')[-500:]}")
        return None
    return json.loads(p.stdout)


def reference(name, param):
    out = subprocess.run([sys.executable, a.reference, name, str(param)], capture_output=True,
                         text=True, check=True).stdout
    # '    {"mixed", 4, -123, 0.0},': the expected result as a signed 32-bit value
    return int(out.split(",")[2])


def value(j):
    return int(j["results"][0]["value"]) if j and j["results"] else None


images = {}
for name, param in PROGRAMS:
    module = os.path.join(a.bench_wasm, f"{name}.wasm")
    args = [module, "--invoke", f"bench_{name}", str(param)]
    whole = run(args, 0)
    if not whole:
        continue
    expected = reference(name, param)
    fuel = whole["fuel_used"]
    if value(whole) != expected:
        failures.append(f"{name}: uninterrupted result {value(whole)}, reference {expected}")
    for part in (fuel // 3, 2 * fuel // 3):
        image = os.path.join(a.work, f"{name}-{part}.snapshot")
        first = run(["--fuel", str(part), "--snapshot-out", image] + args, 4)
        if not first:
            continue
        if first["status"] != "paused" or first["fuel_used"] != part:
            failures.append(f"{name}@{part}: first half {first['status']} {first['fuel_used']}")
        images[name] = image
        for clone in range(2):  # one image, two instances: the same ending
            second = run(["--from-snapshot", image] + args, 0)
            if not second:
                continue
            if value(second) != expected:
                failures.append(f"{name}@{part} clone {clone}: result {value(second)}, "
                                f"expected {expected}")
            if first["fuel_used"] + second["fuel_used"] != fuel:
                failures.append(f"{name}@{part}: fuel {first['fuel_used']} + "
                                f"{second['fuel_used']} != {fuel}")
    print(f"{name} {param}: result {value(whole)} (reference {expected}), fuel {fuel}, "
          f"snapshot {os.path.getsize(images[name]) if name in images else '?'} bytes")


def refused(image_bytes, module, invoke, code):
    path = os.path.join(a.work, "damaged.snapshot")
    with open(path, "wb") as f:
        f.write(image_bytes)
    j = run(["--from-snapshot", path, module, "--invoke", invoke, "1"], 1)
    if j and (j["status"] != "load_error" or code not in (j["message"] or "")):
        failures.append(f"damaged image: {j['status']} {j['message']}, expected {code}")


if "mixed" in images and "sha256" in images:
    good = open(images["mixed"], "rb").read()
    mixed = os.path.join(a.bench_wasm, "mixed.wasm")
    sha = os.path.join(a.bench_wasm, "sha256.wasm")
    refused(good, sha, "bench_sha256", "snapshot_foreign_module")
    refused(good[: len(good) // 2], mixed, "bench_mixed", "snapshot_malformed")
    flipped = bytearray(good)
    flipped[len(good) // 2] ^= 0x40
    refused(bytes(flipped), mixed, "bench_mixed", "snapshot_malformed")
else:
    failures.append("no images to damage")

for f in failures:
    print("FAIL " + f)
print(f"{len(PROGRAMS)} programs, {len(failures)} failures")
sys.exit(1 if failures else 0)
