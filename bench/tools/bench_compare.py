#!/usr/bin/env python3
"""Before/after tables for scripts/bench-compare.sh (issue 10's closing note).

  bench_compare.py host --before BENCH --after BENCH [--rounds N] [--min-time S] [--log DIR]
      Runs two picowasm-bench binaries alternately (before, after, after, before, ...: each side
      goes first in half the rounds), one repetition of the whole suite per run, and keeps the
      fastest CPU time per program and side over all rounds: load that comes and goes hits both
      sides alike. First checks with --verify-only that both see the same programs, parameters,
      result bits and module hashes (FNV-1a of each .wasm).
      --same-native: both binaries hold byte-identical native code (the script checks), so the
      fastest native time of both sides serves both ratios. --replay: the table again from the
      outputs logged in --log (no run).
  bench_compare.py host-insns --before BENCH --after BENCH --log DIR
      Exact x86-64 instruction counts instead of times: each binary's --verify-only run (every
      program once, default parameters) under callgrind, counting only inside bench_run_native
      and picowasm::invoke. Needs valgrind; about a minute of CPU per side.
  bench_compare.py m4 --before-o2 LOG --after-o2 LOG [--before-os LOG --after-os LOG]
      Tables from the output of two bench-m4 firmware runs per profile (exact QEMU instruction
      counts). Columns are found by their header names, so the older firmware (no load/B column,
      no `load:` line, before 30667bf) reads too; what one side does not print is shown as n/a.

Exit status 1 if the two sides disagree on programs, parameters, results or modules.
"""
import argparse
import math
import os
import re
import subprocess
import sys


def fail(message):
    print(f"bench_compare.py: {message}", file=sys.stderr)
    sys.exit(1)


def geomean(values):
    values = [v for v in values if v is not None and v > 0]
    if not values:
        return None
    return math.exp(sum(math.log(v) for v in values) / len(values))


def fmt(value, digits=2):
    return "n/a" if value is None else f"{value:.{digits}f}"


def change(before, after):
    """after relative to before, in percent (negative: after is smaller, i.e. better)."""
    if before is None or after is None or before == 0:
        return "n/a"
    return f"{(after / before - 1) * 100:+.1f}%"


def print_table(header, rows):
    widths = [max(len(str(row[i])) for row in [header] + rows) for i in range(len(header))]
    for n, row in enumerate([header] + rows):
        cells = [str(c).ljust(w) if i == 0 else str(c).rjust(w)
                 for i, (c, w) in enumerate(zip(row, widths))]
        print("| " + " | ".join(cells) + " |")
        if n == 0:
            print("|" + "|".join("-" * (w + 1) + (":" if i else "-") for i, w in
                                enumerate(widths)) + "|")


# ---- x86-64 (picowasm-bench) -------------------------------------------------------------------

VERIFY_LINE = re.compile(r"^(\w+)\s+(-?\d+)\s+(0x[0-9a-f]{16}) native == wasm\s+"
                         r"\((\d+)-byte module, FNV-1a ([0-9a-f]{16})\)$")
TABLE_LINE = re.compile(r"^(\w+)\s+(-?\d+)\s+(0x[0-9a-f]{16})\s+(\S+)\s+(\S+)\s+(\S+)\s+"
                        r"([0-9a-f]{16})$")


def run(command, log_path):
    result = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if log_path:
        with open(log_path, "w") as log:
            log.write(result.stdout)
    if result.returncode != 0:
        fail(f"{' '.join(command)} failed (status {result.returncode}):\n{result.stdout[-2000:]}")
    return result.stdout


def verify(bench, log_path, replay):
    """program -> (param, result bits, module bytes, module hash), in suite order."""
    programs = {}
    output = open(log_path).read() if replay else run([bench, "--verify-only"], log_path)
    for line in output.splitlines():
        match = VERIFY_LINE.match(line)
        if match:
            programs[match[1]] = match.groups()[1:]
    if not programs:
        fail(f"{bench} --verify-only printed no program")
    return programs


def bench_table(output):
    """program -> (native ms, wasm ms) of one picowasm-bench run's closing table."""
    times = {}
    for line in output.splitlines():
        match = TABLE_LINE.match(line)
        if match and match[4] != "-" and match[5] != "-":
            times[match[1]] = (float(match[4]), float(match[5]))
    return times


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def host(args):
    log_dir = args.log
    if log_dir:
        os.makedirs(log_dir, exist_ok=True)
    log = (lambda name: os.path.join(log_dir, name)) if log_dir else (lambda name: None)
    sides = {"before": args.before, "after": args.after}
    round_files = []
    if args.replay:
        round_files = sorted(f for f in os.listdir(log_dir) if re.match(r"host-before-round\d+", f))
        print(f"replaying {len(round_files)} rounds logged in {log_dir}")
    else:
        print(f"load average at start: {loadavg()} ({os.cpu_count()} CPUs)")
    programs = {side: verify(bench, log(f"host-{side}-verify.txt"), args.replay)
                for side, bench in sides.items()}
    if list(programs["before"]) != list(programs["after"]):
        fail(f"the two sides run different programs: {list(programs['before'])} vs "
             f"{list(programs['after'])}")
    mismatch = [p for p in programs["before"] if programs["before"][p] != programs["after"][p]]
    if mismatch:
        for p in mismatch:
            print(f"  {p}: before {programs['before'][p]}, after {programs['after'][p]}")
        fail("parameters, results or modules differ between the two sides: " + ", ".join(mismatch))
    print(f"{len(programs['before'])} programs, same parameters, result bits and module hashes "
          "(FNV-1a) on both sides; every wasm result equals the native one")

    best = {side: {} for side in sides}
    flags = ["--benchmark_repetitions=1", f"--benchmark_min_time={args.min_time}"]
    for r in range(len(round_files) if args.replay else args.rounds):
        order = ["before", "after"] if r % 2 == 0 else ["after", "before"]
        for side in order:
            path = log(f"host-{side}-round{r + 1}.txt")
            output = open(path).read() if args.replay else run([sides[side]] + flags, path)
            for program, (native, wasm) in bench_table(output).items():
                old = best[side].get(program, (math.inf, math.inf))
                best[side][program] = (min(old[0], native), min(old[1], wasm))
        if not args.replay:
            print(f"  round {r + 1}/{args.rounds} done ({' then '.join(order)}), load average "
                  f"{loadavg()}", flush=True)
    if not args.replay:
        print(f"load average at end: {loadavg()}")

    # The same native code on both sides (the script compares the native libraries): the fastest
    # native time of both sides is the better estimate of it, and a ratio's change is then the
    # change of the wasm time alone.
    pooled = {}
    if args.same_native:
        for program in programs["before"]:
            times = [best[side][program][0] for side in sides if program in best[side]]
            pooled[program] = min(times) if times else None
    rows = []
    slowdowns = {"before": [], "after": []}
    for program in programs["before"]:
        cells = [program, programs["before"][program][0]]
        ratio = {}
        for side in sides:
            native, wasm = best[side].get(program, (None, None))
            native = pooled.get(program, native)
            ratio[side] = wasm / native if native and wasm else None
            slowdowns[side].append(ratio[side])
        natives = [pooled[program]] if args.same_native else \
            [best[side].get(program, (None, None))[0] for side in sides]
        cells += [fmt(n, 3) for n in natives]
        cells += [fmt(best[side].get(program, (None, None))[1], 3) for side in sides]
        cells += [fmt(ratio[side]) for side in sides]
        cells.append(change(ratio["before"], ratio["after"]))
        rows.append(cells)
    g = {side: geomean(slowdowns[side]) for side in sides}
    native_header = ["native ms"] if args.same_native else ["native ms before", "native ms after"]
    rows.append(["geomean"] + [""] * (3 + len(native_header)) +
                [fmt(g["before"]), fmt(g["after"]), change(g["before"], g["after"])])
    rounds = len(round_files) if args.replay else args.rounds
    print(f"\nx86-64 slowdown vs native (wasm CPU time / native CPU time, fastest of {rounds} "
          "rounds" + (", native: fastest of both sides, whose native code is byte-identical)"
                      if args.same_native else " per side)"))
    print_table(["program", "param"] + native_header +
                ["wasm ms before", "wasm ms after", "before", "after", "change"], rows)
    worst = {side: max((s, p) for s, p in zip(slowdowns[side], programs["before"]) if s)
             for side in sides}
    print(f"worst: before {worst['before'][1]} {worst['before'][0]:.2f}, "
          f"after {worst['after'][1]} {worst['after'][0]:.2f}")
    print(f"x86_geomean_before={fmt(g['before'])} x86_geomean_after={fmt(g['after'])}")


# ---- x86-64 instruction counts (callgrind) ------------------------------------------------------

def callgrind_counts(bench, prefix, replay):
    """program -> (native instructions, wasm instructions) of one `--verify-only` run under
    callgrind: only bench_run_native and picowasm::invoke are counted, with a dump before and after
    each native run, so the dumps alternate native (program k) and wasm (program k, in the dump
    that follows)."""
    directory = os.path.dirname(prefix) or "."
    if replay:
        with open(prefix + ".log") as f:
            output = f.read()
    else:
        for name in os.listdir(directory):
            if name.startswith(os.path.basename(prefix) + ".out"):
                os.remove(os.path.join(directory, name))
        output = run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={prefix}.out",
                      "--collect-atstart=no", "--toggle-collect=picowasm::invoke*",
                      "--toggle-collect=bench_run_native", "--dump-before=bench_run_native",
                      "--dump-after=bench_run_native", bench, "--verify-only"], prefix + ".log")
    programs = [m[1] for m in map(VERIFY_LINE.match, output.splitlines()) if m]
    dumps = sorted((f for f in os.listdir(directory)
                    if re.fullmatch(re.escape(os.path.basename(prefix)) + r"\.out\.\d+", f)),
                   key=lambda f: int(f.rsplit(".", 1)[1]))
    dumps = [os.path.join(directory, f) for f in dumps] + [prefix + ".out"]

    def read(path):
        with open(path) as f:
            text = f.read()
        after = "--dump-after=bench_run_native" in text.split("\nevents:", 1)[0]
        return after, int(re.search(r"^summary: (\d+)", text, re.M)[1])

    parts = [read(path) for path in dumps]
    pairs = [(value, parts[i + 1][1]) for i, (after, value) in enumerate(parts[:-1]) if after]
    if len(pairs) != len(programs):
        fail(f"{prefix}: {len(pairs)} native runs in the callgrind dumps, {len(programs)} programs")
    return dict(zip(programs, pairs))


def host_insns(args):
    counts = {side: callgrind_counts(bench, os.path.join(args.log, f"callgrind-{side}"),
                                     args.replay)
              for side, bench in (("before", args.before), ("after", args.after))}
    programs = list(counts["before"])
    if list(counts["after"]) != programs:
        fail("the two sides run different programs")
    differ = [p for p in programs if counts["before"][p][0] != counts["after"][p][0]]
    rows = []
    ratios = {"before": [], "after": []}
    for p in programs:
        r = {side: counts[side][p][1] / counts[side][p][0] for side in counts}
        for side in r:
            ratios[side].append(r[side])
        rows.append([p, str(counts["before"][p][0]), str(counts["before"][p][1]),
                     str(counts["after"][p][1]), fmt(r["before"]), fmt(r["after"]),
                     change(r["before"], r["after"])])
    g = {side: geomean(ratios[side]) for side in ratios}
    rows.append(["geomean", "", "", "", fmt(g["before"]), fmt(g["after"]),
                 change(g["before"], g["after"])])
    print("\nx86-64 wasm/native instructions executed (callgrind Ir of picowasm::invoke and "
          "bench_run_native, one --verify-only run per side: exact, independent of load)")
    print_table(["program", "native insns", "wasm insns before", "wasm insns after", "before",
                 "after", "change"], rows)
    print("native instruction counts " + ("identical on both sides" if not differ else
                                          "DIFFER for " + ", ".join(differ)))
    print(f"x86_insn_geomean_before={fmt(g['before'])} x86_insn_geomean_after={fmt(g['after'])}")


# ---- Cortex-M4 (bench-m4 firmware) -------------------------------------------------------------

def parse_m4(path):
    """(rows: program -> {column: text}, load per byte or None, firmware geomean or None)."""
    with open(path) as f:
        lines = f.read().splitlines()
    header = None
    rows = {}
    load_per_byte = None
    firmware_geomean = None
    for line in lines:
        fields = line.split()
        if fields[:2] == ["program", "param"]:
            header = fields
        elif line.startswith("load:"):
            match = re.search(r"per byte\s+([\d.]+)", line)
            load_per_byte = float(match[1]) if match else None
        elif line.startswith("geomean_insn_ratio_vs_native="):
            firmware_geomean = float(line.split("=")[1])
        elif line.startswith("FAIL"):
            fail(f"{path}: {line}")
        elif header and len(fields) == len(header) and fields[0] != "program":
            rows[fields[0]] = dict(zip(header, fields))
    if not rows:
        fail(f"{path}: no benchmark table")
    return rows, load_per_byte, firmware_geomean


def m4(args):
    profiles = [("-O2", args.before_o2, args.after_o2)]
    if args.before_os and args.after_os:
        profiles.append(("-Os", args.before_os, args.after_os))
    parsed = {(name, side): parse_m4(path) for name, before, after in profiles
              for side, path in (("before", before), ("after", after))}
    programs = list(parsed[("-O2", "before")][0])
    native_diff = 0  # largest |before - after| of a native count, same profile
    for (name, side), (rows, _, _) in parsed.items():
        if list(rows) != programs:
            fail(f"{name} {side}: programs {list(rows)}, expected {programs}")
        for p in programs:
            first = parsed[("-O2", "before")][0][p]
            for column in ("param", "result_bits", "module_B", "body_B"):
                if rows[p][column] != first[column]:
                    fail(f"{p}: {column} {rows[p][column]} ({name} {side}) vs {first[column]} "
                         "(-O2 before): not the same program")
        before_rows, after_rows = parsed[(name, "before")][0], parsed[(name, "after")][0]
        for p in programs:
            native = [int(rows[p]["native_insn"]) for rows in (before_rows, after_rows)]
            if abs(native[0] - native[1]) > max(native) // 1000:
                fail(f"{p} ({name}): native instruction counts {native[0]} before, {native[1]} "
                     "after: the native programs were not built alike")
            native_diff = max(native_diff, abs(native[0] - native[1]))
    print(f"{len(programs)} programs, same parameters, result bits, module and body sizes on both "
          f"sides and profiles; native instruction counts agree within {native_diff} "
          "instructions (the firmware's counter steps by 40)")

    def ratio(rows, p):
        return int(rows[p]["wasm_insn"]) / int(rows[p]["native_insn"])

    header = ["program", "param"]
    for name, _, _ in profiles:
        header += [f"{name} before", f"{name} after", "change"]
    rows_out = []
    ratios = {key: [] for key in parsed}
    for p in programs:
        cells = [p, parsed[("-O2", "before")][0][p]["param"]]
        for name, _, _ in profiles:
            r = {side: ratio(parsed[(name, side)][0], p) for side in ("before", "after")}
            for side in r:
                ratios[(name, side)].append(r[side])
            cells += [fmt(r["before"]), fmt(r["after"]), change(r["before"], r["after"])]
        rows_out.append(cells)
    cells = ["geomean", ""]
    for name, _, _ in profiles:
        g = {side: geomean(ratios[(name, side)]) for side in ("before", "after")}
        cells += [fmt(g["before"]), fmt(g["after"]), change(g["before"], g["after"])]
        for side in g:
            firmware = parsed[(name, side)][2]
            if firmware is not None and abs(firmware - round(g[side], 2)) > 0.0051:
                fail(f"{name} {side}: geomean {g[side]:.4f} here, {firmware} in the firmware")
    rows_out.append(cells)
    print("\nCortex-M4 wasm/native guest instructions (QEMU mps2-an386, -icount shift=0; exact)")
    print_table(header, rows_out)
    worst = []
    for name, _, _ in profiles:
        for side in ("before", "after"):
            r, p = max(zip(ratios[(name, side)], programs))
            worst.append(f"{name} {side} {p} {r:.2f}")
    print("worst: " + ", ".join(worst))
    print(" ".join(f"m4{name[1:].lower()}_geomean_{side}={geomean(ratios[(name, side)]):.2f}"
                   for name, _, _ in profiles for side in ("before", "after")))

    # Code size and load per byte of function bodies, from the -O2 firmware (the translated code
    # does not depend on the profile; the load instructions do: -Os totals below the table).
    def per_body(rows, p, column):
        return int(rows[p][column]) / int(rows[p]["body_B"])

    def all_per_body(rows, column):
        return (sum(int(rows[p][column]) for p in programs) /
                sum(int(rows[p]["body_B"]) for p in programs))

    before, after = parsed[("-O2", "before")][0], parsed[("-O2", "after")][0]
    load_rows = []
    for p in programs:
        load_rows.append([p, before[p]["body_B"]] +
                         [fmt(per_body(rows, p, column)) for column in ("code_B", "load_insn")
                          for rows in (before, after)] +
                         [rows[p].get("load/B", "n/a") for rows in (before, after)])
    load_rows.append(["all", str(sum(int(before[p]["body_B"]) for p in programs))] +
                     [fmt(all_per_body(rows, column)) for column in ("code_B", "load_insn")
                      for rows in (before, after)] +
                     [fmt(parsed[("-O2", side)][1]) for side in ("before", "after")])
    print("\nTranslated code and load on Cortex-M4 -O2, per byte of function bodies")
    print("(code/body: threaded code bytes; load+inst/B: load_module + compile_module + "
          "instantiate instructions, the load_insn column both firmwares print; load/B: decode + "
          "validate + translate only, printed by the firmware since 30667bf, else n/a)")
    print_table(["program", "body_B", "code/body before", "code/body after", "load+inst/B before",
                 "load+inst/B after", "load/B before", "load/B after"], load_rows)
    for name, _, _ in profiles[1:]:
        print(f"{name}: all modules load/B before {fmt(parsed[(name, 'before')][1])}, after "
              f"{fmt(parsed[(name, 'after')][1])}; load+inst/B before "
              f"{fmt(all_per_body(parsed[(name, 'before')][0], 'load_insn'))}, after "
              f"{fmt(all_per_body(parsed[(name, 'after')][0], 'load_insn'))}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="part", required=True)
    h = sub.add_parser("host")
    h.add_argument("--before", required=True)
    h.add_argument("--after", required=True)
    h.add_argument("--rounds", type=int, default=5)
    h.add_argument("--min-time", default="0.5")
    h.add_argument("--log")
    h.add_argument("--same-native", action="store_true",
                   help="both binaries hold the same native code: use the fastest native time "
                        "of both sides for both ratios")
    h.add_argument("--replay", action="store_true",
                   help="recompute the table from the outputs logged in --log instead of running")
    i = sub.add_parser("host-insns")
    i.add_argument("--before", required=True)
    i.add_argument("--after", required=True)
    i.add_argument("--log", required=True)
    i.add_argument("--replay", action="store_true",
                   help="the table again from the callgrind files in --log (no run)")
    m = sub.add_parser("m4")
    for option in ("--before-o2", "--after-o2"):
        m.add_argument(option, required=True)
    for option in ("--before-os", "--after-os"):
        m.add_argument(option)
    args = parser.parse_args()
    {"host": host, "host-insns": host_insns, "m4": m4}[args.part](args)


if __name__ == "__main__":
    main()
