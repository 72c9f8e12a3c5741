#!/usr/bin/env python3
"""Checks picowasm guest modules against the HAL ABI as docs/hal-abi.md states it.

The allow-list is read from the doc itself: every table row `| `name` | `(params) -> result` |`
under a heading naming one `pw_*` module (or a row naming `module.name`). For each module:
  - every import is a function of a pw_* module listed in the doc, with the doc's signature
    (so no env.* leftovers, no memcpy/memset imports, no imported memory, table or global);
  - pw_main is exported as () -> i32.
With --exact, the modules must import the doc's functions all and only (the ABI probe).

Usage: check_guest_imports.py --objdump wasm-objdump --doc docs/hal-abi.md [--exact] a.wasm...
"""
import argparse
import os
import re
import subprocess
import sys

ROW = re.compile(r"^\|\s*`([a-z_][a-z0-9_.]*)`\s*\|\s*`\(([^)]*)\)\s*->\s*(\w+)`\s*\|")


def doc_functions(path):
    """{(module, field): "(i32, i64) -> i32"} from the doc's tables."""
    functions = {}
    modules = []
    with open(path, encoding="utf-8") as doc:
        for line in doc:
            if line.startswith("#"):
                modules = re.findall(r"`(pw_[a-z0-9_]+)`", line)
                continue
            m = ROW.match(line)
            if not m:
                continue
            name, params, result = m.groups()
            if "." in name:
                module, field = name.split(".", 1)
            elif len(modules) == 1:
                module, field = modules[0], name
            else:
                sys.exit(f"{path}: cannot tell the module of `{name}` (heading names {modules})")
            types = [p.split()[-1] for p in params.split(",") if p.strip()]
            functions[(module, field)] = f"({', '.join(types)}) -> {result}"
    return functions


def module_interface(objdump, wasm):
    out = subprocess.run([objdump, "-x", wasm], check=True, capture_output=True, text=True).stdout
    section = None
    types, imports, func_sigs, exports = {}, [], {}, {}
    for line in out.splitlines():
        head = re.match(r"^(\w+)\[\d+\]:", line)
        if head:
            section = head.group(1)
            continue
        if section == "Type":
            m = re.match(r"^ - type\[(\d+)\] \((.*)\) -> (.*)$", line)
            if m:
                result = "nil" if m.group(3) == "nil" else m.group(3)
                types[int(m.group(1))] = f"({m.group(2)}) -> {result}"
        elif section == "Import":
            m = re.match(r"^ - (\w+)\[\d+\](?: sig=(\d+))?.* <- ([^.]+)\.(.+)$", line)
            if m:
                kind, sig, module, field = m.groups()
                imports.append((kind, module, field, types.get(int(sig)) if sig else None))
        elif section == "Function":
            m = re.match(r"^ - func\[(\d+)\] sig=(\d+)", line)
            if m:
                func_sigs[int(m.group(1))] = types[int(m.group(2))]
        elif section == "Export":
            m = re.match(r"^ - (\w+)\[(\d+)\].* -> \"(.+)\"$", line)
            if m:
                exports[m.group(3)] = (m.group(1), int(m.group(2)))
    return imports, func_sigs, exports


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--objdump", required=True)
    parser.add_argument("--doc", required=True)
    parser.add_argument("--exact", action="store_true")
    parser.add_argument("modules", nargs="+")
    args = parser.parse_args()

    abi = doc_functions(args.doc)
    # A sanity floor: a doc edit that broke the table format must not empty the allow-list.
    if len(abi) < 20:
        sys.exit(f"{args.doc}: only {len(abi)} functions found, the tables did not parse")

    failures = []
    for wasm in args.modules:
        name = os.path.basename(wasm)
        if not os.path.isfile(wasm):
            failures.append(f"{name}: missing ({wasm})")
            continue
        imports, func_sigs, exports = module_interface(args.objdump, wasm)
        seen = set()
        for kind, module, field, sig in imports:
            if kind != "func":
                failures.append(f"{name}: imports a {kind} {module}.{field}, only functions")
            elif (module, field) not in abi:
                failures.append(f"{name}: imports {module}.{field}, not in the HAL ABI")
            elif sig != abi[(module, field)]:
                failures.append(
                    f"{name}: {module}.{field} has type {sig}, the ABI says {abi[(module, field)]}")
            seen.add((module, field))
        main_export = exports.get("pw_main")
        if main_export is None or main_export[0] != "func":
            failures.append(f"{name}: does not export the function pw_main")
        elif func_sigs.get(main_export[1]) != "() -> i32":
            failures.append(f"{name}: pw_main has type {func_sigs.get(main_export[1])}, "
                            "not () -> i32")
        if args.exact:
            for module, field in sorted(set(abi) - seen):
                failures.append(f"{name}: does not import {module}.{field} (--exact)")
        listed = ", ".join(f"{m}.{f}" for _, m, f, _ in imports) or "none"
        print(f"{name}: {os.path.getsize(wasm)} bytes, imports {listed}")

    for failure in failures:
        print(f"FAIL {failure}")
    if failures:
        return 1
    print(f"ok: {len(args.modules)} module(s) within the HAL ABI ({len(abi)} functions)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
