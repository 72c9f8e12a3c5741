#!/usr/bin/env python3
"""Differential testing of picowasm against wabt's wasm-interp (GitHub issue 7).

Generates random modules (binaryen's `wasm-opt -ttf`, and gen_wat.py for what binaryen 108 does
not produce in a form wabt accepts: tables, reference types, multi-value blocks, values left under
branches), runs every exported function without parameters in both engines on one instance per
module (as `wasm-interp --run-all-exports --dummy-import-func` does), and compares, export by
export, the results, the trap classes and the logged import calls.

picowasm runs in three ways, which must agree to the byte: computed-goto dispatch, switch
dispatch, and computed-goto or switch in random fuel slices. The cross-engine comparison
canonicalises NaNs (the spec leaves their sign and payload open) and trap messages (to classes),
and forgives call-stack exhaustion in one engine only (their depth limits differ), counting it.

wasm-interp prints floats with %f, which loses bits, so it runs a rewritten copy of each module
(rewrite_for_wabt): exports returning floats are wrapped to return their bit patterns as integers,
float-taking imports are reached through a wrapper that passes bits, and a start function signals
its end through a marker import. picowasm runs the module as generated.

Usage: differential.py --runner BUILD/test/differential/picowasm-diff-runner \\
           --runner-switch BUILD/test/differential/picowasm-switch-diff-runner \\
           --seed S --count N [--ours-count M] [--jobs J] [--keep-failures DIR]
The last line is `differential: N passed, N failed, N skipped` (modules); exit status 1 on any
mismatch, 2 when a tool is missing or the command line is wrong.
"""

import argparse
import collections
import concurrent.futures
import os
import random
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_wat  # noqa: E402

# WebAssembly 2.0 without SIMD, as far as binaryen 108 and wabt 1.0.32 agree on it: binaryen's
# reference types bring its GC-era subtyping (anyref, eqref), which wabt rejects, so tables and
# references come from gen_wat.py instead.
BINARYEN_FEATURES = [
    "--mvp-features", "--enable-sign-ext", "--enable-mutable-globals",
    "--enable-nontrapping-float-to-int", "--enable-bulk-memory", "--enable-multivalue",
]
BINARYEN_OPT_LEVELS = ["-O1", "-O2", "-O3", "-Os", "-Oz"]
TOOLS = ["wasm-opt", "wasm-validate", "wasm-interp", "wasm2wat", "wat2wasm"]

# Per module and engine; binaryen's modules carry their own hang limit, so these only catch
# gen_wat.py bugs or rare long runs.
WABT_TIMEOUT_S = 10
RUNNER_TIMEOUT_S = 60
FUEL_CAP = 10_000_000

# Classes of cross-engine differences that are not failures.
FORGIVEN = ("exhaustion_only",)


# ---- Canonical values --------------------------------------------------------------------------

def canon(typ, bits):
    """One value as TYPE:HEX, with every NaN (exponent all ones, mantissa nonzero) as TYPE:nan."""
    if typ == "f32":
        bits &= 0xFFFFFFFF
        if (bits >> 23) & 0xFF == 0xFF and bits & 0x7FFFFF:
            return "f32:nan"
        return "f32:%08x" % bits
    if typ == "f64":
        bits &= 0xFFFFFFFFFFFFFFFF
        if (bits >> 52) & 0x7FF == 0x7FF and bits & 0xFFFFFFFFFFFFF:
            return "f64:nan"
        return "f64:%016x" % bits
    if typ == "i32":
        return "i32:%08x" % (bits & 0xFFFFFFFF)
    if typ == "i64":
        return "i64:%016x" % (bits & 0xFFFFFFFFFFFFFFFF)
    return "%s:%s" % (typ, bits)


def canon_picowasm_value(text):
    typ, _, val = text.partition(":")
    if typ in ("funcref", "externref"):
        return text
    return canon(typ, int(val, 16))


def canon_wabt_value(text, typ):
    """A value wasm-interp printed, read as the type it had in the original module (the rewritten
    module carries floats as integer bit patterns)."""
    wtyp, _, val = text.partition(":")
    if wtyp in ("funcref", "externref"):
        return "%s:%s" % (wtyp, "null" if int(val) == 0 else "nonnull")
    return canon(typ, int(val))


# wasm-interp's trap messages (wabt 1.0.32 src/interp/interp.cc, interp-math.h) as classes.
WABT_TRAPS = [
    ("unreachable executed", "unreachable"),
    ("integer divide by zero", "int_div_zero"),
    ("integer overflow", "int_overflow"),
    ("invalid conversion to integer", "invalid_conversion"),
    ("out of bounds memory access", "memory_oob"),
    ("out of bounds table access", "table_oob"),
    ("undefined table index", "undefined_element"),
    ("uninitialized table element", "uninitialized_element"),
    ("indirect call signature mismatch", "indirect_call_type"),
    ("call stack exhausted", "exhausted"),
]


def wabt_trap_class(message):
    for prefix, cls in WABT_TRAPS:
        if message.startswith(prefix):
            return cls
    return "other(%s)" % message


# ---- Module generation -------------------------------------------------------------------------

def run(cmd, timeout=60, **kw):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout,
                          **kw)


def make_binaryen(seed, out, variant):
    """wasm-opt -ttf on seeded random bytes; half the modules run through --denan (no NaNs at all,
    so every bit can be compared), a third through an optimisation level."""
    rng = random.Random(seed)
    data = rng.randbytes(rng.randint(256, 16384))
    with open(out + ".bin", "wb") as f:
        f.write(data)
    cmd = ["wasm-opt", "-ttf", out + ".bin"] + BINARYEN_FEATURES
    if rng.random() < 0.5:
        variant.append("--denan")
    if rng.random() < 0.33:
        variant.append(rng.choice(BINARYEN_OPT_LEVELS))
    r = run(cmd + variant + ["-o", out])
    if r.returncode != 0:
        return "wasm-opt failed: " + r.stderr.decode(errors="replace")[-400:]
    return None


def make_ours(seed, out):
    with open(out + ".wat", "w") as f:
        f.write(gen_wat.generate(seed))
    r = run(["wat2wasm", out + ".wat", "-o", out])
    if r.returncode != 0:
        return "wat2wasm failed: " + r.stderr.decode(errors="replace")[-800:]
    return None


# ---- Rewriting for wasm-interp -----------------------------------------------------------------

_STR = r'"((?:[^"\\]|\\.)*)"'
_ID = r'(\$[^\s()]+)'
TYPE_RE = re.compile(r'^\s*\(type %s \(func(.*)\)\)\s*$' % _ID)
IMPORT_FUNC_RE = re.compile(r'^(\s*)\(import %s %s \(func %s \(type %s\)\)\)\s*$'
                            % (_STR, _STR, _ID, _ID))
IMPORT_RE = re.compile(r'^\s*\(import ')
FUNC_RE = re.compile(r'^\s*\(func %s \(type %s\)' % (_ID, _ID))
EXPORT_FUNC_RE = re.compile(r'^(\s*)\(export %s \(func %s\)\)\s*$' % (_STR, _ID))
START_RE = re.compile(r'^(\s*)\(start %s\)\s*$' % _ID)
INT_OF = {"f32": "i32", "f64": "i64"}
ZERO = {"i32": "i32.const 0", "i64": "i64.const 0", "f32": "f32.const 0", "f64": "f64.const 0",
        "funcref": "ref.null func", "externref": "ref.null extern"}


def parse_functype(text):
    params, results = [], []
    for kind, body in re.findall(r'\((param|result)((?: [a-z0-9]+)*)\)', text):
        (params if kind == "param" else results).extend(body.split())
    return params, results


class RewriteError(Exception):
    pass


def rewrite_for_wabt(wat):
    """Returns (rewritten wat, meta). meta: exports = [(name, result types)] of the exported
    functions, in export order; imports = {"mod.field": param types}; has_start."""
    lines = wat.rstrip().split("\n")
    # The module's closing parenthesis ends its last field's line: take it off (and put it back).
    if not lines[-1].endswith(")"):
        raise RewriteError("module text does not end with ')'")
    lines[-1] = lines[-1][:-1]
    types, func_types = {}, {}
    for line in lines:
        m = TYPE_RE.match(line)
        if m:
            types[m.group(1)] = parse_functype(m.group(2))
            continue
        m = FUNC_RE.match(line)
        if m:
            func_types[m.group(1)] = m.group(2)
    meta = {"exports": [], "imports": {}, "has_start": False}
    extra = []  # function definitions appended to the module
    marker_imports = []
    out = []
    last_import = 0
    for line in lines:
        m = IMPORT_FUNC_RE.match(line)
        if m:
            indent, mod, field, name, tname = m.groups()
            if "\\" in mod or "\\" in field:
                raise RewriteError("escaped import name")
            params, results = types[tname]
            meta["imports"]["%s.%s" % (mod, field)] = params
            if any(t in INT_OF for t in params + results):
                # The import becomes a function that passes float bits to a new integer import
                # of the same name, which wasm-interp then logs exactly.
                k = len(extra)
                iparams = [INT_OF.get(t, t) for t in params]
                iresults = [INT_OF.get(t, t) for t in results]
                line = '%s(import "%s" "%s" (func $__diff_imp%d%s))' % (
                    indent, mod, field, k, sig_text(iparams, iresults))
                body = []
                for i, t in enumerate(params):
                    body.append("local.get %d" % i)
                    if t in INT_OF:
                        body.append("%s.reinterpret_%s" % (INT_OF[t], t))
                body.append("call $__diff_imp%d" % k)
                extra.append(wrapper("%s (type %s)" % (name, tname), body, iresults, results))
            out.append(line)
            last_import = len(out)
            continue
        if IMPORT_RE.match(line):
            raise RewriteError("import of a kind other than func: " + line.strip())
        m = EXPORT_FUNC_RE.match(line)
        if m:
            indent, ename, fname = m.groups()
            if "\\" in ename:
                raise RewriteError("escaped export name")
            params, results = types[func_types[fname]] if fname in func_types else (None, None)
            if params is None:
                # An exported import: wasm2wat prints imports without (func $name (type ..)).
                params, results = import_sig(lines, fname, types)
            meta["exports"].append((ename, results))
            if params or any(t in INT_OF for t in results):
                # wasm-interp only calls exports without parameters: one with parameters is
                # called through a wrapper passing zeros (the runner's --all-exports does the
                # same); float results leave the wrapper as bits.
                k = len(extra)
                iresults = [INT_OF.get(t, t) for t in results]
                line = '%s(export "%s" (func $__diff_exp%d))' % (indent, ename, k)
                body = [ZERO[t] for t in params] + ["call %s" % fname]
                extra.append(wrapper("$__diff_exp%d%s" % (k, sig_text([], iresults)), body,
                                     results, iresults))
            out.append(line)
            continue
        m = START_RE.match(line)
        if m:
            # wasm-interp prints nothing between the start function and the first export: a
            # marker import called after the start function separates their logged calls.
            meta["has_start"] = True
            marker_imports.append('  (import "__diff" "started" (func $__diff_started))')
            extra.append("  (func $__diff_start\n    call %s\n    call $__diff_started)"
                         % m.group(2))
            line = "%s(start $__diff_start)" % m.group(1)
        out.append(line)
    if marker_imports:
        at = last_import if last_import else 1
        out[at:at] = marker_imports
    return "\n".join(out + extra) + ")\n", meta


def import_sig(lines, fname, types):
    for line in lines:
        m = IMPORT_FUNC_RE.match(line)
        if m and m.group(4) == fname:
            return types[m.group(5)]
    raise RewriteError("export of unknown function " + fname)


def sig_text(params, results):
    s = ""
    if params:
        s += " (param %s)" % " ".join(params)
    if results:
        s += " (result %s)" % " ".join(results)
    return s


def wrapper(header, body, from_types, to_types):
    """(func HEADER BODY) where BODY leaves values of from_types, converted to to_types (float <->
    integer bit patterns) through locals."""
    locals_, conv = [], []
    if from_types != to_types:
        for i, t in enumerate(from_types):
            locals_.append("(local $__r%d %s)" % (i, t))
        for i in reversed(range(len(from_types))):
            body.append("local.set $__r%d" % i)
        for i, (f, t) in enumerate(zip(from_types, to_types)):
            conv.append("local.get $__r%d" % i)
            if f != t:
                conv.append("%s.reinterpret_%s" % (t, f))
    head = "  (func %s" % header
    if locals_:
        head += " " + " ".join(locals_)
    return head + "\n    " + "\n    ".join(body + conv) + ")"


# ---- Outputs ----------------------------------------------------------------------------------

class Outcome:
    """What one engine did with one module: the instantiation, then one record per export run,
    each with the import calls logged during it."""

    def __init__(self):
        self.error = None        # the engine could not run the module at all (reason)
        self.skip = None         # the module is outside what the engine takes (reason)
        self.init_logs = []
        self.init = None         # "ok", "trap CLASS", "timeout", "error ..."
        self.exports = []        # [(name, logs, outcome)]; outcome "ok VALUES" / "trap C" / ...

    def __repr__(self):
        return "Outcome(init=%r, exports=%r, error=%r)" % (self.init, self.exports, self.error)


FUEL_RE = re.compile(r' \[fuel \d+\]$')


def parse_picowasm(text):
    o = Outcome()
    logs = []
    for line in text.splitlines():
        line = FUEL_RE.sub("", line)  # fuel is compared between picowasm runs only
        if line.startswith("log "):
            head, _, args = line[4:].partition("(")
            vals = [canon_picowasm_value(a.strip()) for a in args[:-1].split(",") if a.strip()]
            logs.append("%s(%s)" % (head, ", ".join(vals)))
        elif line.startswith("instantiate: "):
            o.init_logs, logs = logs, []
            o.init = line[len("instantiate: "):]
        elif line.startswith("export "):
            name, _, rest = line[len("export "):].rpartition(": ")
            if rest.startswith("ok"):
                vals = [canon_picowasm_value(v.strip()) for v in rest[2:].split(",") if v.strip()]
                rest = " ".join(["ok"] + vals)
            o.exports.append((name, logs, rest))
            logs = []
        elif line.startswith("load: skip"):
            o.skip = line
        elif line.startswith("load: error"):
            o.error = line
        else:
            o.error = "unexpected line: " + line
    return o


LOG_RE = re.compile(r'^called host ([^(]*)\((.*)\) =>(.*)$')


def parse_wabt(stdout, stderr, returncode, meta):
    o = Outcome()
    logs = []
    pending = list(meta["exports"])
    started = not meta["has_start"]

    for line in stdout.splitlines():
        m = LOG_RE.match(line)
        if m:
            label, args = m.group(1), m.group(2)
            if label == "__diff.started":
                o.init_logs, logs, started = logs, [], True
                continue
            types = meta["imports"].get(label)
            vals = [a.strip() for a in args.split(",") if a.strip()]
            if types is None or len(types) != len(vals):
                o.error = "log of an unknown import: " + line
                return o
            logs.append("%s(%s)" % (label, ", ".join(
                canon_wabt_value(v, t) for v, t in zip(vals, types))))
            continue
        if not started or not pending:
            o.error = "unexpected line: " + line
            return o
        name, types = pending.pop(0)
        if not line.startswith(name + "() =>"):
            o.error = "expected export %s, got: %s" % (name, line)
            return o
        rest = line[len(name) + 5:]
        if rest.startswith(" error: "):
            outcome = "trap " + wabt_trap_class(rest[len(" error: "):])
        else:
            vals = [v.strip() for v in rest.split(",") if v.strip()]
            if len(vals) != len(types):
                o.error = "result count: " + line
                return o
            outcome = " ".join(["ok"] + [canon_wabt_value(v, t) for v, t in zip(vals, types)])
        o.exports.append((name, logs, outcome))
        logs = []
    m = re.search(r'^error initializing module: (.*)$', stderr, re.M)
    if m:
        o.init_logs, logs = logs, []
        o.init = "trap " + wabt_trap_class(m.group(1))
    elif returncode != 0:
        o.error = "wasm-interp exit %d: %s" % (returncode, stderr.strip()[-400:])
    else:
        o.init = "ok"
        if not started:
            o.error = "start function never finished"
        elif pending:
            o.error = "exports not run: %s" % [n for n, _ in pending]
    return o


def compare(p, w):
    """Compares picowasm's and wabt's outcomes export by export. Returns (class, detail, exports
    compared, exhaustion-only flag); class is None when they agree."""
    if p.init == "timeout":
        return None, None, 0, False
    pe, we = p.init == "trap exhausted", w.init == "trap exhausted"
    if pe or we:
        if pe and we:
            return None, None, 0, False
        return "exhaustion_only", "instantiate: %s vs %s" % (p.init, w.init), 0, True
    if p.init_logs != w.init_logs:
        return "instantiate_log", "logs %s" % diff_lists(p.init_logs, w.init_logs), 0, False
    if p.init != w.init:
        return "instantiate", "instantiate: %s vs %s" % (p.init, w.init), 0, False
    compared = 0
    for (pn, pl, po), (wn, wl, wo) in zip(p.exports, w.exports):
        if pn != wn:
            return "harness", "export order: %s vs %s" % (pn, wn), compared, False
        if po == "timeout":  # picowasm's fuel cap: wasm-interp got further
            return None, None, compared, False
        pe, we = po == "trap exhausted", wo == "trap exhausted"
        if pe or we:
            # The engines' stack limits differ, and whatever ran before the exhaustion changed the
            # state differently: nothing after it compares.
            if pe and we:
                return None, None, compared + 1, False
            return "exhaustion_only", "export %s: %s vs %s" % (pn, po, wo), compared, True
        compared += 1
        if pl != wl:
            return "log", "export %s: logs %s vs %s" % (pn, diff_lists(pl, wl), po + " / " + wo), \
                compared, False
        if po != wo:
            if po.startswith("trap") and wo.startswith("trap"):
                cls = "trap_class"
            elif po.startswith("trap") or wo.startswith("trap"):
                cls = "trap_vs_ok"
            else:
                cls = "value"
            return cls, "export %s: %s vs %s" % (pn, po, wo), compared, False
    if len(p.exports) != len(w.exports) and not (p.exports and p.exports[-1][2] == "timeout"):
        return "harness", "export count %d vs %d" % (len(p.exports), len(w.exports)), \
            compared, False
    return None, None, compared, False


def diff_lists(a, b):
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return "#%d: %s vs %s" % (i, x, y)
    return "length %d vs %d" % (len(a), len(b))


# ---- One module --------------------------------------------------------------------------------

class Stop(Exception):
    """Ends the check of a module with a status (and for failures a class and detail)."""

    def __init__(self, status, cls=None, detail=None, timeout=None):
        super().__init__(detail)
        self.status, self.cls, self.detail, self.timeout = status, cls, detail, timeout


def check_module(job):
    """Generates, runs and compares one module. Returns a dict of counts and findings."""
    index, source, seed, args = job
    res = {"source": source, "seed": seed, "index": index, "status": None, "exports": 0,
           "class": None, "detail": None, "timeout": None, "variant": []}
    tmp = tempfile.mkdtemp(prefix="pwdiff-")
    outputs = {}
    try:
        check_in(tmp, res, outputs, source, seed, index, args)
    except Stop as e:
        res["status"], res["class"], res["detail"], res["timeout"] = \
            e.status, e.cls, e.detail, e.timeout
    except subprocess.TimeoutExpired as e:
        res["status"], res["class"] = "failed", "hang"
        res["detail"] = "%s timed out" % (e.cmd[0] if isinstance(e.cmd, list) else e.cmd)
    except Exception:  # a bug of this script: report it with the module, keep going
        res["status"], res["class"] = "failed", "harness"
        res["detail"] = traceback.format_exc()
    if res["status"] == "failed":
        keep(tmp, res, args, outputs)
    elif res.get("nan_bits"):
        keep(tmp, res, args, outputs, "nan-bits")
    shutil.rmtree(tmp, ignore_errors=True)
    return res


def check_in(tmp, res, outputs, source, seed, index, args):
    wasm = os.path.join(tmp, "module.wasm")
    if source == "binaryen":
        err = make_binaryen(seed, wasm, res["variant"])
        if err:
            raise Stop("generator_error", detail=err)
    else:
        err = make_ours(seed, wasm)
        if err:  # our generator must only write valid modules
            raise Stop("failed", "generator", err)
    if run(["wasm-validate", wasm]).returncode != 0:
        raise Stop("rejected")
    res["modules_valid"] = 1

    pico, wabt = engines(tmp, wasm, "", seed, index, args, outputs)
    cls, detail, compared, exhaustion = compare(pico, wabt)
    res["exports"] = compared
    res["outcomes"] = collections.Counter(
        o.split(" ")[0] if o.startswith("ok") else o for _, _, o in pico.exports[:compared])
    res["outcomes"]["instantiate " + pico.init] += 1
    res["outcomes"]["logged calls"] += sum(len(l) for _, l, _ in pico.exports[:compared])
    if pico.init == "timeout" or any(o == "timeout" for _, _, o in pico.exports):
        res["timeout"] = "picowasm"
    if exhaustion:
        res["exhaustion_only"] = detail
    if not cls or cls in FORGIVEN:
        res["status"] = "passed"
        return
    if source == "binaryen" and "--denan" not in res["variant"]:
        # Arithmetic may give any NaN sign and payload, and binaryen's code looks at float bits
        # (reinterpret, memory): if the same module without NaNs agrees, that was the cause.
        denan = os.path.join(tmp, "module.denan.wasm")
        r = run(["wasm-opt", wasm, "--denan"] + BINARYEN_FEATURES + ["-o", denan])
        if r.returncode == 0:
            try:
                p2, w2 = engines(tmp, denan, "denan.", seed, index, args, outputs)
                cls2 = compare(p2, w2)[0]
            except Stop:
                cls2 = "unexplained"
            if not cls2 or cls2 in FORGIVEN:
                res["status"], res["nan_bits"] = "passed", detail
                return
    raise Stop("failed", cls, detail)


def engines(tmp, wasm, prefix, seed, index, args, outputs):
    """Runs `wasm` in wasm-interp (rewritten) and in picowasm three ways, which must agree to the
    byte. Returns the parsed outcomes (picowasm, wabt); outputs[prefix + engine] = raw output."""
    r = run(["wasm2wat", "--generate-names", wasm])
    try:
        if r.returncode != 0:
            raise RewriteError("wasm2wat: " + r.stderr.decode(errors="replace")[-400:])
        ref_wat, meta = rewrite_for_wabt(r.stdout.decode())
    except (RewriteError, KeyError) as e:
        raise Stop("failed", "rewrite", str(e))
    ref_wat_path = os.path.join(tmp, prefix + "ref.wat")
    ref_wasm = os.path.join(tmp, prefix + "ref.wasm")
    with open(ref_wat_path, "w") as f:
        f.write(ref_wat)
    r = run(["wat2wasm", ref_wat_path, "-o", ref_wasm])
    if r.returncode != 0:
        raise Stop("failed", "rewrite", "wat2wasm of the rewritten module: " +
                   r.stderr.decode(errors="replace")[-600:])

    try:
        r = run(["wasm-interp", "--run-all-exports", "--dummy-import-func", ref_wasm],
                timeout=args.wabt_timeout)
    except subprocess.TimeoutExpired:
        raise Stop("timeout", timeout="wabt")
    stdout, stderr = r.stdout.decode(errors="replace"), r.stderr.decode(errors="replace")
    outputs[prefix + "wabt"] = stdout + "\n--- stderr (exit %d)\n" % r.returncode + stderr
    wabt = parse_wabt(stdout, stderr, r.returncode, meta)

    fuel = ["--fuel", str(args.fuel)]
    sliced_runner = args.runner if index % 2 == 0 else args.runner_switch
    fuel = ["--all-exports"] + fuel
    runs = [("goto", [args.runner] + fuel + [wasm]),
            ("switch", [args.runner_switch] + fuel + [wasm]),
            ("sliced", [sliced_runner] + fuel + ["--slices", str(seed), wasm])]
    for name, cmd in runs:
        r = run(cmd, timeout=RUNNER_TIMEOUT_S)
        outputs[prefix + name] = r.stdout.decode(errors="replace")
        if r.returncode != 0:
            raise Stop("failed", "crash", "%s runner exit %d: %s" % (
                name, r.returncode, r.stderr.decode(errors="replace")[-400:]))
    goto = outputs[prefix + "goto"]
    for name in ("switch", "sliced"):
        if outputs[prefix + name] != goto:
            cls = "dispatch" if name == "switch" else "sliced"
            raise Stop("failed", cls, "goto vs %s: %s" % (name, diff_lists(
                goto.splitlines(), outputs[prefix + name].splitlines())))

    pico = parse_picowasm(goto)
    if pico.skip:
        raise Stop("skipped", detail=pico.skip)
    if pico.error or wabt.error:
        cls = "load" if pico.error and pico.error.startswith("load:") else "harness"
        raise Stop("failed", cls, "picowasm: %s; wabt: %s" % (pico.error, wabt.error))
    return pico, wabt


def keep(tmp, res, args, outputs=None, sub=""):
    """Saves a failing module with everything needed to reproduce it."""
    if not args.keep_failures:
        return
    dest = os.path.join(args.keep_failures, sub, "%s-%d" % (res["source"], res["seed"]))
    os.makedirs(dest, exist_ok=True)
    for name in os.listdir(tmp):
        shutil.copy(os.path.join(tmp, name), dest)
    for name, text in (outputs or {}).items():
        with open(os.path.join(dest, name + ".out"), "w") as f:
            f.write(text)
    with open(os.path.join(dest, "finding.txt"), "w") as f:
        f.write("source: %s seed %d %s\nclass: %s\n%s\n" % (
            res["source"], res["seed"], " ".join(res["variant"]), res["class"],
            res["detail"] or res.get("nan_bits")))


# ---- Driver ------------------------------------------------------------------------------------

def module_seed(seed, source, index):
    # Independent of --jobs and of the other source's count.
    return (seed * 1_000_003 + index * 2 + (source == "ours")) % (1 << 62)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runner", required=True, help="picowasm-diff-runner (computed goto)")
    ap.add_argument("--runner-switch", required=True, help="picowasm-switch-diff-runner")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--count", type=int, default=200, help="modules from binaryen")
    ap.add_argument("--ours-count", type=int, default=None,
                    help="modules from gen_wat.py (default: half of --count)")
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--keep-failures", metavar="DIR")
    ap.add_argument("--fuel", type=int, default=FUEL_CAP, help="picowasm fuel cap per call")
    ap.add_argument("--wabt-timeout", type=float, default=WABT_TIMEOUT_S)
    ap.add_argument("--verbose", "-v", action="store_true")
    ap.add_argument("--progress", type=int, default=0, metavar="N",
                    help="print a progress line every N modules")
    args = ap.parse_args()
    if args.ours_count is None:
        args.ours_count = args.count // 2

    missing = [t for t in TOOLS if not shutil.which(t)]
    missing += [p for p in (args.runner, args.runner_switch) if not os.access(p, os.X_OK)]
    if missing:
        print("differential: missing tools: %s (Debian: binaryen, wabt; build the runners)"
              % " ".join(missing), file=sys.stderr)
        print("differential: 0 passed, 0 failed, 0 skipped")
        return 2
    if args.keep_failures:
        os.makedirs(args.keep_failures, exist_ok=True)

    jobs = [(i, "binaryen", module_seed(args.seed, "binaryen", i), args)
            for i in range(args.count)]
    jobs += [(i, "ours", module_seed(args.seed, "ours", i), args)
             for i in range(args.ours_count)]
    results = []
    with concurrent.futures.ProcessPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        for res in pool.map(check_module, jobs, chunksize=4):
            results.append(res)
            if res["status"] == "failed" or args.verbose or res.get("nan_bits"):
                status = "NaN bits only" if res.get("nan_bits") else res["status"]
                print("%s seed %d: %s %s: %s" % (
                    res["source"], res["seed"], status, res["class"] or "",
                    res["detail"] or res.get("nan_bits") or ""))
            if args.progress and len(results) % args.progress == 0:
                print("... %d/%d modules, %d failed" % (
                    len(results), len(jobs), sum(r["status"] == "failed" for r in results)))
            sys.stdout.flush()
    return summarise(results)


def summarise(results):
    c = collections.Counter()
    classes = collections.Counter()
    outcomes = collections.Counter()
    for r in results:
        outcomes.update(r.get("outcomes") or {})
        src = r["source"]
        c["generated"] += 1
        c["generated_" + src] += 1
        c[r["status"]] += 1
        if r.get("modules_valid") and r["status"] not in ("timeout", "skipped", "generator_error"):
            c["compared"] += 1
            c["compared_" + src] += 1
        c["exports"] += r["exports"]
        if r.get("timeout"):
            c["timeout_" + r["timeout"]] += 1
        if r.get("exhaustion_only"):
            c["exhaustion_only"] += 1
        if r.get("nan_bits"):
            c["nan_bits"] += 1
        if r["status"] == "failed":
            classes[r["class"]] += 1
    print("modules generated:      %d (binaryen %d, ours %d)" % (
        c["generated"], c["generated_binaryen"], c["generated_ours"]))
    print("binaryen wasm-opt fail: %d" % c["generator_error"])
    print("rejected by validate:   %d" % c["rejected"])
    print("compared:               %d (binaryen %d, ours %d)" % (
        c["compared"], c["compared_binaryen"], c["compared_ours"]))
    print("exports compared:       %d" % c["exports"])
    print("picowasm outcomes:      %s" % ", ".join("%s %d" % kv for kv in sorted(outcomes.items())))
    print("timeouts:               %d wasm-interp (module skipped), %d picowasm fuel cap "
          "(compared up to it)" % (c["timeout_wabt"], c["timeout_picowasm"]))
    print("skipped by picowasm:    %d" % c["skipped"])
    print("exhaustion-only diffs:  %d" % c["exhaustion_only"])
    print("NaN-bit-only diffs:     %d (binaryen, gone with --denan)" % c["nan_bits"])
    print("mismatches:             %d%s" % (c["failed"], "".join(
        "\n  %-22s %d" % (k, v) for k, v in sorted(classes.items()))))
    passed = c["passed"]
    failed = c["failed"]
    skipped = c["generated"] - passed - failed
    print("differential: %d passed, %d failed, %d skipped" % (passed, failed, skipped))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
