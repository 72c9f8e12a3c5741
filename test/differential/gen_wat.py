#!/usr/bin/env python3
"""Random WebAssembly 2.0 modules in the text format, deterministic from a seed, for the
differential test (differential.py). They cover what binaryen 108's translate-to-fuzz does not
produce in a form wabt accepts:

- tables of funcref and externref, active/passive/declarative element segments (function indices
  and expressions), ref.null, ref.func, ref.is_null, typed select on references, reference-typed
  locals, globals, parameters and results;
- table.get/set/size/grow/fill/copy/init, elem.drop, call_indirect through several tables (null,
  out-of-range and wrongly typed entries trap);
- values left on the stack under branches: br/br_if/br_table out of blocks with extra values
  beneath the branch values, branches out of nested blocks, return from inside blocks;
- multi-value blocks, loops and ifs with parameters and several results, multi-value calls.

Most exports take no parameters (wasm-interp --run-all-exports only calls those; the others are
called with zeros through wrappers differential.py adds). Loops are
bounded by counters and calls only go to functions defined earlier (or leaves through tables), so
everything terminates, except for an occasional deliberately deep recursion that may exhaust
the call stack. Imports are logging functions in the style of binaryen's
("fuzzing-support" "log-i32", ...) plus a few with results, which the engines' dummies answer
with zeros.

Usage: gen_wat.py SEED [> module.wat]
"""

import random
import struct
import sys

NUM = ["i32", "i64", "f32", "f64"]
REF = ["funcref", "externref"]
NULL = {"funcref": "func", "externref": "extern"}

# Signatures of the functions reachable through tables (leaves), by name.
SIGS = {
    "$s_v_i": ([], ["i32"]),
    "$s_i_i": (["i32"], ["i32"]),
    "$s_jd_f": (["i64", "f64"], ["f32"]),
    "$s_v_ij": ([], ["i32", "i64"]),
    "$s_v_v": ([], []),
    "$s_r_i": (["funcref"], ["i32"]),
}

# Imports: (module, field, params, results).
IMPORTS = [
    ("fuzzing-support", "log-i32", ["i32"], []),
    ("fuzzing-support", "log-i64", ["i64"], []),
    ("fuzzing-support", "log-f32", ["f32"], []),
    ("fuzzing-support", "log-f64", ["f64"], []),
    ("env", "log-multi", ["i32", "i64", "f32", "f64"], []),
    ("env", "zero-f32", ["i32"], ["f32"]),
    ("env", "zero-pair", ["f64"], ["i64", "f64"]),
    ("env", "get-extern", [], ["externref"]),
]
LOG = {"i32": "$log_i32", "i64": "$log_i64", "f32": "$log_f32", "f64": "$log_f64"}

I_BIN = ["add", "sub", "mul", "and", "or", "xor", "shl", "shr_s", "shr_u", "rotl", "rotr"]
I_DIV = ["div_s", "div_u", "rem_s", "rem_u"]
I_UN = ["clz", "ctz", "popcnt", "extend8_s", "extend16_s"]
I_CMP = ["eq", "ne", "lt_s", "lt_u", "gt_s", "gt_u", "le_s", "le_u", "ge_s", "ge_u"]
F_BIN = ["add", "sub", "mul", "div", "min", "max", "copysign"]
F_UN = ["abs", "neg", "ceil", "floor", "trunc", "nearest", "sqrt"]
F_CMP = ["eq", "ne", "lt", "gt", "le", "ge"]

F32_SPECIAL = [0x00000000, 0x80000000, 0x7F800000, 0xFF800000, 0x7FC00000, 0xFFC00000,
               0x7FA00000, 0x7F800001, 0x3F800000, 0xBF800000, 0x00000001, 0x80000001,
               0x007FFFFF, 0x7F7FFFFF, 0x4F000000, 0xCF000000, 0x5F000000, 0x3F000000,
               0x3FC00000, 0x4EFFFFFF, 0xDF000000]
F64_SPECIAL = [0x0000000000000000, 0x8000000000000000, 0x7FF0000000000000, 0xFFF0000000000000,
               0x7FF8000000000000, 0xFFF8000000000000, 0x7FF4000000000000, 0x7FF0000000000001,
               0x3FF0000000000000, 0xBFF0000000000000, 0x0000000000000001, 0x000FFFFFFFFFFFFF,
               0x7FEFFFFFFFFFFFFF, 0x41E0000000000000, 0xC1E0000000000000, 0x43E0000000000000,
               0xC3E0000000000000, 0x3FE0000000000000, 0x3FF8000000000000, 0x41DFFFFFFFC00000]
I32_SPECIAL = [0, 1, -1, 2, 7, 31, 32, 0x7FFFFFFF, -0x80000000, 0x80, 0xFF, -2, 0x10000]
I64_SPECIAL = [0, 1, -1, 2, 63, 64, 0x7FFFFFFFFFFFFFFF, -0x8000000000000000, 0xFFFFFFFF,
               0x100000000, -2]


def f32_literal(bits):
    sign = "-" if bits >> 31 else ""
    exp, frac = (bits >> 23) & 0xFF, bits & 0x7FFFFF
    if exp == 0xFF:
        return sign + ("nan:0x%x" % frac if frac else "inf")
    return struct.unpack("<f", struct.pack("<I", bits))[0].hex()  # exact: f32 fits in f64


def f64_literal(bits):
    sign = "-" if bits >> 63 else ""
    exp, frac = (bits >> 52) & 0x7FF, bits & 0xFFFFFFFFFFFFF
    if exp == 0x7FF:
        return sign + ("nan:0x%x" % frac if frac else "inf")
    return struct.unpack("<d", struct.pack("<Q", bits))[0].hex()


class Func:
    def __init__(self, name, params, results, export=None):
        self.name, self.params, self.results, self.export = name, params, results, export
        self.locals = []  # declared local types, after the parameters
        self.body = []


class Ctx:
    """Generation state within one function body."""

    def __init__(self, func):
        self.func = func
        self.fuel = 0  # instructions still to generate (soft)
        self.counters = set()  # loop counters: nothing else may write them

    def counter(self):
        i = self.local("i32")
        self.counters.add(i)
        return i

    def local(self, typ):
        """A fresh local of `typ` (its index)."""
        self.func.locals.append(typ)
        return len(self.func.params) + len(self.func.locals) - 1

    def locals_of(self, typ):
        all_types = self.func.params + self.func.locals
        return [i for i, t in enumerate(all_types) if t == typ and i not in self.counters]


class Gen:
    def __init__(self, seed):
        self.r = random.Random(seed)
        r = self.r
        self.has_memory = r.random() < 0.6
        # Tables: (name, element type, min, max). Always with a maximum: without one, how far
        # table.grow may go is up to the engine (picowasm reserves the minimum).
        self.tables = []
        for name, typ in (("$tf0", "funcref"), ("$tf1", "funcref"), ("$te", "externref")):
            if name == "$tf0" or r.random() < 0.8:
                lo = r.randint(0 if name != "$tf0" else 2, 8)
                self.tables.append((name, typ, lo, lo + r.randint(0, 8)))
        self.globals = [("$gi", "i32", "i32.const %d" % r.choice(I32_SPECIAL)),
                        ("$gj", "i64", "i64.const %d" % r.choice(I64_SPECIAL)),
                        ("$gf", "f32", "f32.const %s" % f32_literal(r.choice(F32_SPECIAL))),
                        ("$gd", "f64", "f64.const %s" % f64_literal(r.choice(F64_SPECIAL))),
                        ("$gr", "funcref", None),  # filled once the leaves exist
                        ("$gx", "externref", "ref.null extern")]
        self.leaves = []      # Func, reachable through tables and ref.func
        self.callable = []    # Func, callable directly from functions defined after them
        self.funcs = []       # every defined Func in index order
        self.elem_passive = []  # (name, element type, count, only $tf1-safe functions)
        self.next_id = 1
        # The signature each funcref table's segments mostly hold.
        self.favoured = {t[0]: r.choice([s for s, (_, res) in SIGS.items() if res])
                         for t in self.tables if t[1] == "funcref"}
        # $tf1 only ever holds null or functions of type $s_v_i (each returns its own id), so
        # that its contents can be dumped without traps after table instructions changed them.
        if "$tf1" in self.favoured:
            self.favoured["$tf1"] = "$s_v_i"

    # ---- literals and leaves ----

    def const(self, typ):
        r = self.r
        if typ == "i32":
            v = r.choice(I32_SPECIAL) if r.random() < 0.5 else r.randint(-2**31, 2**31 - 1)
            if r.random() < 0.3:
                v = r.randint(-20, 20)
            return ["i32.const %d" % v]
        if typ == "i64":
            v = r.choice(I64_SPECIAL) if r.random() < 0.5 else r.randint(-2**63, 2**63 - 1)
            if r.random() < 0.3:
                v = r.randint(-20, 20)
            return ["i64.const %d" % v]
        if typ == "f32":
            if r.random() < 0.5:
                bits = r.choice(F32_SPECIAL)
            elif r.random() < 0.5:
                bits = struct.unpack("<I", struct.pack("<f", float(r.randint(-100, 100)) / 4))[0]
            else:
                bits = r.getrandbits(32)
            return ["f32.const %s" % f32_literal(bits)]
        if typ == "f64":
            if r.random() < 0.5:
                bits = r.choice(F64_SPECIAL)
            elif r.random() < 0.5:
                bits = struct.unpack("<Q", struct.pack("<d", float(r.randint(-100, 100)) / 4))[0]
            else:
                bits = r.getrandbits(64)
            return ["f64.const %s" % f64_literal(bits)]
        return ["ref.null %s" % NULL[typ]]

    def make_leaves(self):
        """Two or three small functions per table signature, each recognisable by its id."""
        for sig, (params, results) in SIGS.items():
            for _ in range(self.r.randint(2 if sig == "$s_v_i" else 1, 3)):
                ident = self.next_id
                self.next_id += 1
                f = Func("$leaf%d" % ident, params, results)
                f.sig = sig
                b = f.body
                if self.r.random() < 0.3:  # a side effect to observe the call order
                    b += ["global.get $gi", "i32.const %d" % ident, "i32.add", "global.set $gi"]
                for t in results:
                    if t == "i32" and params[:1] == ["i32"]:
                        b += ["local.get 0", "i32.const %d" % (ident * 1000), "i32.add"]
                    elif t == "i32" and params[:1] == ["funcref"]:
                        b += ["local.get 0", "ref.is_null", "i32.const %d" % (ident * 1000),
                              "i32.add"]
                    elif t == "f32" and params == ["i64", "f64"]:
                        b += ["local.get 1", "f32.demote_f64", "local.get 0", "f32.convert_i64_s",
                              "f32.add", "f32.const %d" % ident, "f32.mul"]
                    else:
                        b += ["%s.const %d" % (t, ident * 1000 + len(b))]
                if not results:
                    b += ["i32.const %d" % ident, "call $log_i32"]
                self.leaves.append(f)
                self.funcs.append(f)

    def pick_leaf(self, table=None):
        """A leaf function's name; for a table, mostly one of the signature it favours."""
        fav = self.favoured.get(table) if table else None
        if fav is None and self.r.random() < 0.7 and self.favoured:
            fav = self.r.choice(list(self.favoured.values()))
        cands = [f for f in self.leaves if f.sig == fav]
        if cands and (self.r.random() < 0.8 or table == "$tf1"):
            return self.r.choice(cands).name
        return self.r.choice(self.leaves).name

    def ref_for(self, c, table, depth):
        """A reference to store into `table` (for $tf1: null or an $s_v_i function)."""
        if table[0] != "$tf1":
            return self.expr(c, table[1], depth)
        r = self.r
        x = r.random()
        if x < 0.6:
            return ["ref.func %s" % r.choice([f for f in self.leaves if f.sig == "$s_v_i"]).name]
        if x < 0.75 or depth <= 0:
            return ["ref.null func"]
        if x < 0.9:
            return self.index(c, table, depth - 1) + ["table.get $tf1"]
        return (self.ref_for(c, table, depth - 1) + self.ref_for(c, table, depth - 1) +
                self.cond(c, depth - 1) + ["select (result funcref)"])

    def dump_tables(self):
        """Logs which slots of each table are null, and which function each slot of $tf1 holds,
        without trapping (slots beyond the current size are skipped)."""
        code = []
        for name, typ, lo, hi in self.tables:
            for k in range(min(hi, 8)):
                code += ["block", "i32.const %d" % k, "table.size %s" % name, "i32.ge_u",
                         "br_if 0", "i32.const %d" % k, "table.get %s" % name, "ref.is_null"]
                if name == "$tf1":
                    code += ["br_if 0", "i32.const %d" % k,
                             "call_indirect $tf1 (type $s_v_i)", "call $log_i32", "end"]
                else:
                    code += ["call $log_i32", "end"]
        return code

    # ---- expressions: each pushes exactly one value of its type ----

    def expr(self, c, typ, depth):
        r = self.r
        c.fuel -= 1
        if depth <= 0 or c.fuel <= 0:
            return self.leaf_expr(c, typ)
        if typ in REF:
            return self.ref_expr(c, typ, depth)
        choices = [(self.leaf_expr, 3), (self.unop, 2), (self.binop, 4), (self.compare, 1),
                   (self.convert, 2), (self.select, 1), (self.call_direct, 1.5),
                   (self.call_indirect, 2), (self.block_value, 2.5), (self.if_value, 1)]
        if typ == "i32":
            choices += [(self.ref_test, 1.5), (self.table_op_i32, 1.5)]
        if self.has_memory:
            choices += [(self.load, 3)]
        gen = weighted(r, choices)
        if gen == self.leaf_expr:
            return gen(c, typ)
        return gen(c, typ, depth - 1)

    def leaf_expr(self, c, typ):
        r = self.r
        locs = c.locals_of(typ)
        x = r.random()
        if locs and x < 0.4:
            return ["local.get %d" % r.choice(locs)]
        if x < 0.55:
            g = [n for n, t, _ in self.globals if t == typ]
            if g:
                return ["global.get %s" % g[0]]
        if typ == "funcref" and r.random() < 0.5 and self.leaves:
            return ["ref.func %s" % self.pick_leaf()]
        return self.const(typ)

    def ref_expr(self, c, typ, depth):
        r = self.r
        x = r.random()
        tables = [t for t in self.tables if t[1] == typ]
        if x < 0.3 and tables:
            t = r.choice(tables)
            return self.index(c, t, depth) + ["table.get %s" % t[0]]
        if x < 0.4:
            return (self.expr(c, typ, depth - 1) + self.expr(c, typ, depth - 1) +
                    self.expr(c, "i32", depth - 1) + ["select (result %s)" % typ])
        if x < 0.5 and typ == "externref":
            return ["call $get_extern"]
        if x < 0.65:
            return self.block_value(c, typ, depth - 1)
        return self.leaf_expr(c, typ)

    def index(self, c, table, depth, span=1):
        """An index into `table` such that [index, index + span) is mostly within its initial
        size (it may have grown or not since)."""
        r = self.r
        x = r.random()
        if x < 0.85 and table[2] >= span:
            return ["i32.const %d" % r.randint(0, table[2] - span)]
        if x < 0.95:
            return self.expr(c, "i32", depth) + ["i32.const 7", "i32.and"]
        return self.expr(c, "i32", depth)

    def unop(self, c, typ, depth):
        r = self.r
        if typ in ("i32", "i64"):
            ops = I_UN + (["extend32_s"] if typ == "i64" else [])
            if r.random() < 0.2:  # eqz yields i32
                src = r.choice(["i32", "i64"])
                code = self.expr(c, src, depth) + ["%s.eqz" % src]
                return code if typ == "i32" else code + ["i64.extend_i32_u"]
            return self.expr(c, typ, depth) + ["%s.%s" % (typ, r.choice(ops))]
        return self.expr(c, typ, depth) + ["%s.%s" % (typ, r.choice(F_UN))]

    def binop(self, c, typ, depth):
        r = self.r
        a = self.expr(c, typ, depth)
        b = self.expr(c, typ, depth)
        if typ in ("i32", "i64"):
            if r.random() < 0.15:
                op = r.choice(I_DIV)
                if r.random() < 0.7:  # mostly a nonzero divisor, so that fewer exports trap
                    b = b + ["%s.const 1" % typ, "%s.or" % typ]
                return a + b + ["%s.%s" % (typ, op)]
            return a + b + ["%s.%s" % (typ, r.choice(I_BIN))]
        op = r.choice(F_BIN)
        if op == "copysign":
            b = self.exact(c, b, typ)
        return a + b + ["%s.%s" % (typ, op)]

    def compare(self, c, typ, depth):
        r = self.r
        src = r.choice(NUM)
        ops = I_CMP if src in ("i32", "i64") else F_CMP
        code = self.expr(c, src, depth) + self.expr(c, src, depth) + \
            ["%s.%s" % (src, r.choice(ops))]
        return self.from_i32(code, typ)

    def from_i32(self, code, typ):
        return code + {"i32": [], "i64": ["i64.extend_i32_s"], "f32": ["f32.convert_i32_u"],
                       "f64": ["f64.convert_i32_s"]}[typ]

    def convert(self, c, typ, depth):
        r = self.r
        sat = r.random() < 0.6  # trapping truncations end the export: less often
        tr = "trunc_sat" if sat else "trunc"
        options = {
            "i32": [("i64", "i32.wrap_i64"), ("f32", "i32.%s_f32_s" % tr),
                    ("f32", "i32.%s_f32_u" % tr), ("f64", "i32.%s_f64_s" % tr),
                    ("f64", "i32.%s_f64_u" % tr), ("f32", "i32.reinterpret_f32")],
            "i64": [("i32", "i64.extend_i32_s"), ("i32", "i64.extend_i32_u"),
                    ("f32", "i64.%s_f32_s" % tr), ("f32", "i64.%s_f32_u" % tr),
                    ("f64", "i64.%s_f64_s" % tr), ("f64", "i64.%s_f64_u" % tr),
                    ("f64", "i64.reinterpret_f64")],
            "f32": [("i32", "f32.convert_i32_s"), ("i32", "f32.convert_i32_u"),
                    ("i64", "f32.convert_i64_s"), ("i64", "f32.convert_i64_u"),
                    ("f64", "f32.demote_f64"), ("i32", "f32.reinterpret_i32")],
            "f64": [("i32", "f64.convert_i32_s"), ("i32", "f64.convert_i32_u"),
                    ("i64", "f64.convert_i64_s"), ("i64", "f64.convert_i64_u"),
                    ("f32", "f64.promote_f32"), ("i64", "f64.reinterpret_i64")],
        }[typ]
        src, op = r.choice(options)
        code = self.expr(c, src, depth)
        if op in ("i32.reinterpret_f32", "i64.reinterpret_f64"):
            code = self.exact(c, code, src)
        return code + [op]

    def exact(self, c, code, typ):
        """`code` (one float value) made safe to look at bit by bit. The spec lets arithmetic
        give any NaN sign and payload (wabt canonicalises, picowasm keeps what the hardware
        gives), so a NaN reaching reinterpret, a store or copysign's sign operand would make the
        engines differ legitimately: NaN becomes 0 here. A constant is exact, NaN or not."""
        if len(code) == 1 and code[0].startswith(typ + ".const"):
            return code
        t = c.local(typ)
        return code + ["local.tee %d" % t, "%s.const 0" % typ, "local.get %d" % t,
                       "local.get %d" % t, "%s.eq" % typ, "select"]

    def select(self, c, typ, depth):
        typed = " (result %s)" % typ if self.r.random() < 0.5 else ""
        return (self.expr(c, typ, depth) + self.expr(c, typ, depth) + self.expr(c, "i32", depth) +
                ["select" + typed])

    def load(self, c, typ, depth):
        r = self.r
        ops = {"i32": ["i32.load", "i32.load8_s", "i32.load8_u", "i32.load16_s", "i32.load16_u"],
               "i64": ["i64.load", "i64.load8_s", "i64.load8_u", "i64.load16_s", "i64.load16_u",
                       "i64.load32_s", "i64.load32_u"],
               "f32": ["f32.load"], "f64": ["f64.load"]}[typ]
        return self.address(c, depth) + ["%s offset=%d" % (r.choice(ops), self.mem_offset())]

    def address(self, c, depth):
        """Mostly within the first 64 bytes, where the data segment and the stores meet (so
        that loads of every width see nonzero bytes); sometimes anywhere in the first page (the
        memory may have grown to two), or beyond it."""
        r = self.r
        x = r.random()
        if x < 0.4:
            return ["i32.const %d" % r.randint(0, 56)]
        if x < 0.7:
            return self.expr(c, "i32", depth) + ["i32.const 63", "i32.and"]
        if x < 0.85:
            return ["i32.const %d" % r.randint(0, 70000 if r.random() < 0.1 else 65000)]
        return self.expr(c, "i32", depth) + ["i32.const %d" % (0xFFF8 if r.random() < 0.95
                                                                else 0x1FFFF), "i32.and"]

    def mem_offset(self):
        return self.r.choice([0, 0, 0, 1, 2, 3, 4, 7, 8, 16, self.r.randint(0, 300)])

    def ref_test(self, c, typ, depth):
        return self.expr(c, self.r.choice(REF), depth) + ["ref.is_null"]

    def table_op_i32(self, c, typ, depth):
        r = self.r
        t = r.choice(self.tables)
        if r.random() < 0.5:
            return ["table.size %s" % t[0]]
        n = ["i32.const %d" % r.choice([0, 1, 1, 2, 3, 100, -1])]
        return self.ref_for(c, t, depth) + n + ["table.grow %s" % t[0]]

    def call_direct(self, c, typ, depth):
        """A call whose results include `typ`; the others are stored away or dropped."""
        r = self.r
        cands = [f for f in self.callable if typ in f.results]
        imports = {"f32": ["$zero_f32"], "i64": ["$zero_pair"], "f64": ["$zero_pair"]}
        if imports.get(typ) and (not cands or r.random() < 0.2):
            name = r.choice(imports[typ])
            params, results = {"$zero_f32": (["i32"], ["f32"]),
                               "$zero_pair": (["f64"], ["i64", "f64"])}[name]
            f = Func(name, params, results)
        elif cands:
            f = r.choice(cands)
        else:
            return self.leaf_expr(c, typ)
        code = []
        for p in f.params:
            code += self.expr(c, p, depth)
        code.append("call %s" % f.name)
        return code + self.keep_one(c, f.results, typ)

    def keep_one(self, c, results, typ):
        """Code that turns `results` on the stack into the one value of `typ` (the last of that
        type), saving the others in fresh locals."""
        keep = max(i for i, t in enumerate(results) if t == typ)
        code, saved = [], None
        for i in reversed(range(len(results))):
            if i == keep:
                saved = c.local(typ)
                code.append("local.set %d" % saved)
            elif self.r.random() < 0.5:
                code.append("drop")
            else:
                code.append("local.set %d" % c.local(results[i]))
        return code + ["local.get %d" % saved]

    def call_indirect(self, c, typ, depth):
        r = self.r
        sigs = [s for s, (_, res) in SIGS.items() if typ in res]
        if not sigs:
            return self.leaf_expr(c, typ)
        tables = [t for t in self.tables if t[1] == "funcref"]
        t = r.choice(tables)
        # Mostly the signature the table's segments favour, so that fewer calls trap.
        fav = self.favoured.get(t[0])
        sig = fav if fav in sigs and r.random() < 0.75 else r.choice(sigs)
        params, results = SIGS[sig]
        code = []
        for p in params:
            code += self.expr(c, p, depth)
        code += self.index(c, t, depth)
        code.append("call_indirect %s (type %s)" % (t[0], sig))
        return code + self.keep_one(c, results, typ)

    # ---- blocks, branches and values under them ----

    def produce(self, c, types, depth):
        code = []
        for t in types:
            code += self.expr(c, t, depth)
        return code

    def consume(self, c, types):
        """Pops values of `types` (last on top) into locals, or drops them."""
        code = []
        for t in reversed(types):
            x = self.r.random()
            if x < 0.4:
                code.append("local.set %d" % self.pick_local(c, t))
            elif x < 0.7:  # observed: branches must carry the right values
                code += ["call %s" % LOG[t]] if t in LOG else ["ref.is_null", "call $log_i32"]
            else:
                code.append("drop")
        return code

    def pick_local(self, c, typ):
        locs = [i for i in c.locals_of(typ) if i >= len(c.func.params)]
        if locs and self.r.random() < 0.7:
            return self.r.choice(locs)
        return c.local(typ)

    def junk(self, c, depth):
        """Extra values of random types, left beneath branch values."""
        r = self.r
        types = [r.choice(NUM + REF) for _ in range(r.choice([0, 1, 1, 2, 3]))]
        return types, self.produce(c, types, min(depth, 1))

    def dead(self):
        """A little well-typed code after an unconditional branch (validated against the
        polymorphic stack, never run)."""
        return self.r.choice([[], [], ["i32.const 1", "drop"], ["i32.add", "drop"],
                              ["f64.mul", "drop"], ["select", "drop"], ["unreachable"],
                              ["ref.is_null", "drop"], ["drop", "drop"]])

    def block_type(self, params, results):
        s = ""
        if params:
            s += " (param %s)" % " ".join(params)
        if results:
            s += " (result %s)" % " ".join(results)
        return s

    def value_types(self, typ):
        """Result types of a block that yields `typ`: sometimes with more values around it."""
        r = self.r
        extra = [r.choice(NUM + REF) for _ in range(r.choice([0, 0, 1, 2]))]
        pos = r.randint(0, len(extra))
        return extra[:pos] + [typ] + extra[pos:]

    def block_value(self, c, typ, depth):
        types = self.value_types(typ)
        return self.block_multi(c, types, depth) + self.keep_one(c, types, typ)

    def block_multi(self, c, R, depth):
        """Code that leaves values of types R, through one of the branch shapes."""
        r = self.r
        shape = weighted(r, [("plain", 1), ("br_junk", 1.5), ("br_if", 1.5), ("br_if_junk", 2),
                             ("br_outer", 2), ("br_table", 3), ("params", 1.5), ("loop", 1.5),
                             ("if_params", 1.5)])
        bt = self.block_type([], R)
        d = depth - 1
        if shape == "plain":
            return ["block" + bt] + self.stmts(c, d) + self.produce(c, R, d) + ["end"]
        if shape == "br_junk":
            _, junk = self.junk(c, d)
            return (["block" + bt] + self.stmts(c, d) + junk + self.produce(c, R, d) +
                    ["br 0"] + self.dead() + ["end"])
        if shape == "br_if":
            return (["block" + bt] + self.produce(c, R, d) + self.cond(c, d) + ["br_if 0"] +
                    ["end"])
        if shape == "br_if_junk":
            jt, junk = self.junk(c, d)
            code = ["block" + bt] + junk + self.produce(c, R, d) + self.cond(c, d) + ["br_if 0"]
            if r.random() < 0.5:  # not taken: branch anyway, the junk still beneath
                return code + ["br 0"] + self.dead() + ["end"]
            return code + self.consume(c, R) + self.consume(c, jt) + self.produce(c, R, d) + \
                ["end"]
        if shape == "br_outer":
            # br_if out of an inner block of another type, with extra values at both levels.
            S = [r.choice(NUM) for _ in range(r.randint(0, 2))]
            jt1, junk1 = self.junk(c, d)
            jt2, junk2 = self.junk(c, d)
            return (["block" + bt] + junk1 + ["block" + self.block_type([], S)] + junk2 +
                    self.produce(c, R, d) + self.cond(c, d) + ["br_if 1"] + self.consume(c, R) +
                    self.consume(c, jt2) + self.produce(c, S, d) + ["end"] + self.consume(c, S) +
                    self.consume(c, jt1) + self.produce(c, R, d) + ["end"])
        if shape == "br_table":
            n = r.randint(2, 4)
            targets = [str(r.randint(0, n - 1)) for _ in range(r.randint(0, 5))]
            _, junk = self.junk(c, d)
            code = ["block" + bt] * n + junk + self.produce(c, R, d) + self.expr(c, "i32", d)
            if r.random() < 0.7:
                code += ["i32.const 7", "i32.and"]
            code += ["br_table %s %d" % (" ".join(targets), r.randint(0, n - 1))] + self.dead()
            for _ in range(n - 1):
                code += ["end"] + self.consume(c, R) + self.stmts(c, d, 2) + \
                    self.produce(c, R, d)
            return code + ["end"]
        P = [r.choice(NUM + REF) for _ in range(r.randint(1, 3))]
        if shape == "params":
            body = self.consume(c, P) + self.stmts(c, d) + self.produce(c, R, d)
            if r.random() < 0.4:  # or branch out with the values over the parameters
                body = self.produce(c, R, d) + ["br 0"] + self.dead()
            return self.produce(c, P, d) + ["block" + self.block_type(P, R)] + body + ["end"]
        if shape == "loop":
            counter = c.counter()
            return (["i32.const %d" % r.randint(0, 4), "local.set %d" % counter] +
                    self.produce(c, P, d) + ["loop" + self.block_type(P, R)] +
                    self.consume(c, P) + self.stmts(c, d, 2) + self.produce(c, P, d) +
                    ["local.get %d" % counter, "i32.const 1", "i32.sub",
                     "local.tee %d" % counter, "i32.const 0", "i32.gt_s", "br_if 0"] +
                    self.consume(c, P) + self.produce(c, R, d) + ["end"])
        # if with parameters; one arm may branch out early with extra values.
        arms = []
        for _ in range(2):
            if r.random() < 0.3:
                _, junk = self.junk(c, d)
                arms.append(junk + self.produce(c, R, d) + ["br 0"] + self.dead())
            else:
                arms.append(self.consume(c, P) + self.stmts(c, d, 1) + self.produce(c, R, d))
        return (self.produce(c, P, d) + self.cond(c, d) + ["if" + self.block_type(P, R)] +
                arms[0] + ["else"] + arms[1] + ["end"])

    def if_value(self, c, typ, depth):
        bt = self.block_type([], [typ])
        return (self.cond(c, depth) + ["if" + bt] + self.stmts(c, depth, 1) +
                self.expr(c, typ, depth) + ["else"] + self.expr(c, typ, depth) + ["end"])

    def cond(self, c, depth):
        r = self.r
        if r.random() < 0.4:
            return ["i32.const %d" % r.choice([0, 1])]
        return self.expr(c, "i32", min(depth, 2))

    # ---- statements: leave the stack as they found it ----

    def stmts(self, c, depth, most=3):
        code = []
        for _ in range(self.r.randint(0, most)):
            if c.fuel <= 0:
                break
            code += self.stmt(c, depth)
        return code

    def stmt(self, c, depth):
        r = self.r
        c.fuel -= 1
        d = depth - 1
        choices = [("log", 4), ("set_local", 2), ("set_global", 2), ("drop_multi", 2),
                   ("table", 4), ("if", 1.5), ("loop", 1), ("br_table", 1), ("return", 0.4),
                   ("call", 1)]
        if self.has_memory:
            choices += [("store", 2), ("bulk_memory", 0.7)]
        if depth <= 0:
            choices = [("log", 1), ("set_global", 1)]
        what = weighted(r, choices)
        if what == "log":
            if r.random() < 0.15:
                return self.produce(c, NUM, d) + ["call $log_multi"]
            t = r.choice(NUM)
            return self.expr(c, t, d) + ["call %s" % LOG[t]]
        if what == "set_local":
            t = r.choice(NUM + REF)
            return self.expr(c, t, d) + ["local.set %d" % self.pick_local(c, t)]
        if what == "set_global":
            name, t, _ = r.choice(self.globals)
            return self.expr(c, t, d) + ["global.set %s" % name]
        if what == "drop_multi":
            R = [r.choice(NUM + REF) for _ in range(r.randint(0, 3))]
            return self.block_multi(c, R, d) + self.consume(c, R)
        if what == "table":
            return self.table_stmt(c, d)
        if what == "if":
            code = self.cond(c, d) + ["if"] + self.stmts(c, d, 2)
            if r.random() < 0.5:
                code += ["else"] + self.stmts(c, d, 2)
            return code + ["end"]
        if what == "loop":
            counter = c.counter()
            return (["i32.const %d" % r.randint(1, 5), "local.set %d" % counter, "loop"] +
                    self.stmts(c, d, 3) + ["local.get %d" % counter, "i32.const 1", "i32.sub",
                                            "local.tee %d" % counter, "br_if 0", "end"])
        if what == "br_table":
            n = r.randint(1, 3)
            code = ["block"] * n + self.expr(c, "i32", d) + [
                "br_table %s %d" % (" ".join(str(r.randint(0, n - 1))
                                             for _ in range(r.randint(0, 4))),
                                    r.randint(0, n - 1))]
            for _ in range(n):
                code += ["end"] + self.stmts(c, d, 1)
            return code
        if what == "return":
            # Return from inside a conditional block, extra values beneath the results.
            _, junk = self.junk(c, d)
            return (self.cond(c, d) + ["if"] + junk + self.produce(c, c.func.results, d) +
                    ["return"] + self.dead() + ["end"])
        if what == "call":
            cands = [f for f in self.callable]
            if not cands:
                return []
            f = r.choice(cands)
            return self.produce(c, f.params, d) + ["call %s" % f.name] + \
                self.consume(c, f.results)
        if what == "store":
            t = r.choice(NUM)
            ops = {"i32": ["i32.store", "i32.store8", "i32.store16"],
                   "i64": ["i64.store", "i64.store8", "i64.store16", "i64.store32"],
                   "f32": ["f32.store"], "f64": ["f64.store"]}[t]
            value = self.expr(c, t, d)
            if t in ("f32", "f64"):
                value = self.exact(c, value, t)
            return self.address(c, d) + value + \
                ["%s offset=%d" % (r.choice(ops), self.mem_offset())]
        # bulk memory
        op = r.choice(["memory.fill", "memory.copy", "memory.init $da", "memory.init $dp",
                       "data.drop $dp", "data.drop $da", "memory.grow"])
        if op.startswith("data.drop"):
            return [op]
        if op == "memory.grow":
            return ["i32.const %d" % r.choice([0, 1, 1, 2]), "memory.grow", "call $log_i32"]
        n = ["i32.const %d" % r.choice([0, 1, 7, 100, 70000])]
        return self.address(c, d) + self.address(c, d) + n + [op]

    def table_stmt(self, c, depth):
        r = self.r
        # Mostly $tf1, whose contents the dumps show best.
        t = r.choice(self.tables)
        if r.random() < 0.4 and any(u[0] == "$tf1" for u in self.tables):
            t = [u for u in self.tables if u[0] == "$tf1"][0]
        op = weighted(r, [("set", 2), ("fill", 1), ("copy", 2), ("init", 1), ("drop", 0.5),
                          ("log_indirect", 1)])
        if op == "set":
            return self.index(c, t, depth) + self.ref_for(c, t, depth) + ["table.set %s" % t[0]]
        if op == "fill":
            n = r.choice([0, 1, 2, 3, 9])
            return (self.index(c, t, depth, n) + self.ref_for(c, t, depth) +
                    ["i32.const %d" % n, "table.fill %s" % t[0]])
        if op == "copy":
            same = [u for u in self.tables if u[1] == t[1] and (t[0] != "$tf1" or u == t)]
            u = r.choice(same)
            n = r.choice([0, 1, 2, 3, 4, 9])
            if u == t and n > 1 and t[2] > n and r.random() < 0.6:
                # Overlapping ranges, in either direction.
                a = r.randint(0, t[2] - n - 1)
                b = a + r.randint(1, min(n - 1, t[2] - n - a))
                d, s = (a, b) if r.random() < 0.5 else (b, a)
                return ["i32.const %d" % d, "i32.const %d" % s, "i32.const %d" % n,
                        "table.copy %s %s" % (t[0], u[0])]
            return (self.index(c, t, depth, n) + self.index(c, u, depth, n) +
                    ["i32.const %d" % n, "table.copy %s %s" % (t[0], u[0])])
        segs = [s for s in self.elem_passive if s[1] == t[1] and (t[0] != "$tf1" or s[3])]
        if op == "init" and segs:
            s = r.choice(segs)
            n = r.choice([0, 1, 2, s[2]])
            if r.random() < 0.9:
                n = min(n, s[2])
            src = r.randint(0, s[2] - n) if n <= s[2] and r.random() < 0.9 else \
                r.randint(0, s[2])
            return (self.index(c, t, depth, n) + ["i32.const %d" % src, "i32.const %d" % n,
                                                  "table.init %s %s" % (t[0], s[0])])
        if op == "drop" and self.elem_passive:
            return ["elem.drop %s" % r.choice(self.elem_passive)[0]]
        # Which function does a slot hold? Call it and log the answer.
        if t[1] == "funcref":
            return self.call_indirect(c, "i32", depth) + ["call $log_i32"]
        return []

    # ---- functions and the module ----

    def body(self, f, size):
        c = Ctx(f)
        c.fuel = size
        depth = self.r.randint(2, 4)
        for t in NUM + NUM + REF:  # a few locals of every type to read from
            c.local(t)
        code = self.stmts(c, depth, 6)
        if f.export and self.r.random() < 0.7:
            code += self.dump_tables()
        f.body = code + self.produce(c, f.results, depth)

    def random_results(self, refs=True):
        r = self.r
        pool = NUM + (REF if refs and r.random() < 0.2 else [])
        return [r.choice(pool) for _ in range(r.choice([0, 1, 1, 1, 2, 3]))]

    def generate(self):
        r = self.r
        self.make_leaves()
        self.globals[4] = ("$gr", "funcref", "ref.func %s" % r.choice(self.leaves).name
                           if r.random() < 0.7 else "ref.null func")
        # Passive segments, for table.init (declared up front: bodies refer to them).
        for k in range(r.randint(1, 3)):
            if r.random() < 0.75:
                n = r.randint(1, 5)
                self.elem_passive.append(("$ep%d" % k, "funcref", n, r.random() < 0.5))
            else:
                self.elem_passive.append(("$ep%d" % k, "externref", r.randint(1, 3), False))
        for k in range(r.randint(0, 3)):  # helpers with parameters, called directly
            # Some exported: the runner then calls them with zeros (wasm-interp through a
            # wrapper differential.py adds).
            f = Func("$h%d" % k, [r.choice(NUM + REF) for _ in range(r.randint(0, 3))],
                     self.random_results(), export="h%d" % k if r.random() < 0.4 else None)
            self.body(f, r.randint(10, 40))
            self.funcs.append(f)
            self.callable.append(f)
        for k in range(r.randint(4, 10)):
            f = Func("$e%d" % k, [], self.random_results(), export="e%d" % k)
            self.body(f, r.randint(10, 60))
            self.funcs.append(f)
            if r.random() < 0.3:
                self.callable.append(f)
        if r.random() < 0.08:
            # Deep recursion: within both engines' call stacks, beyond picowasm's default 1024
            # frames only (an exhaustion-only difference), or beyond both.
            limit = r.choice([300, 1200, 1 << 30])
            f = Func("$deep", ["i32"], ["i32"])
            f.body = ["local.get 0", "i32.const %d" % limit, "i32.ge_u", "if", "i32.const 0",
                      "return", "end", "local.get 0", "call $log_i32", "local.get 0",
                      "i32.const 1", "i32.add", "call $deep", "i32.const 1", "i32.add"]
            self.funcs.append(f)
            g = Func("$run_deep", [], ["i32"], export="deep")
            g.body = ["i32.const 0", "call $deep"]
            self.funcs.append(g)
            # An export after it shows that the instance still works.
            h = Func("$after", [], ["i32"], export="after_deep")
            h.body = ["global.get $gi"]
            self.funcs.append(h)
        start = None
        if r.random() < 0.3:
            start = Func("$start", [], [])
            start.body = ["i32.const %d" % r.randint(0, 99), "call $log_i32",
                          "global.get $gi", "i32.const 1", "i32.add", "global.set $gi"]
            if r.random() < 0.5:
                start.body += ["i32.const 0", "ref.func %s" % r.choice(self.leaves).name,
                               "table.set $tf0"]
            if r.random() < 0.1:
                start.body += ["unreachable"]  # instantiation fails in both engines
            self.funcs.append(start)
        return self.render(start)

    def render(self, start):
        r = self.r
        out = ["(module"]
        for name, (params, results) in SIGS.items():
            out.append("  (type %s (func%s))" % (name, self.block_type(params, results)))
        for mod, field, params, results in IMPORTS:
            out.append('  (import "%s" "%s" (func $%s%s))' % (
                mod, field, field.replace("-", "_"), self.block_type(params, results)))
        for name, typ, lo, hi in self.tables:
            out.append("  (table %s %d %d %s)" % (name, lo, hi, typ))
        if self.has_memory:
            out.append("  (memory 1 2)")
            out.append('  (data $da (i32.const %d) "%s")' % (
                r.randint(0, 32) if r.random() < 0.8 else
                r.randint(0, 65000 if r.random() < 0.9 else 65536),
                "".join("\\%02x" % r.getrandbits(8) for _ in range(r.randint(0, 32)))))
            out.append('  (data $dp "%s")' % "".join("\\%02x" % r.getrandbits(8)
                                                   for _ in range(r.randint(0, 32))))
        for name, typ, init in self.globals:
            out.append("  (global %s (mut %s) (%s))" % (name, typ, init))
        # Active segments: in bounds, except rarely (instantiation then traps in both).
        for name, typ, lo, hi in self.tables:
            if not lo:
                continue
            n = r.randint((lo + 1) // 2, lo)
            at = r.randint(0, lo - n) if r.random() < 0.97 else lo - n + 1
            if typ == "externref":
                out.append("  (elem (table %s) (i32.const %d) externref%s)" % (
                    name, at, " (ref.null extern)" * n))
            elif r.random() < 0.5:
                items = " ".join(self.pick_leaf(name) for _ in range(n))
                out.append("  (elem (table %s) (i32.const %d) func %s)" % (name, at, items))
            else:
                items = " ".join("(ref.func %s)" % self.pick_leaf(name)
                                 if r.random() < 0.9 else "(ref.null func)" for _ in range(n))
                out.append("  (elem (table %s) (i32.const %d) funcref %s)" % (name, at, items))
        for name, typ, n, pure in self.elem_passive:
            if typ == "funcref":
                items = " ".join("(ref.func %s)" % self.pick_leaf("$tf1" if pure else None)
                                 if r.random() < 0.8 else "(ref.null func)" for _ in range(n))
            else:
                items = " ".join(["(ref.null extern)"] * n)
            out.append("  (elem %s %s %s)" % (name, typ, items))
        out.append("  (elem declare func %s)" % " ".join(f.name for f in self.leaves))
        for f in self.funcs:
            head = "  (func %s" % f.name
            if f.export:
                head += ' (export "%s")' % f.export
            if hasattr(f, "sig"):
                head += " (type %s)" % f.sig
            head += self.block_type(f.params, f.results)
            if f.locals:
                head += " (local %s)" % " ".join(f.locals)
            out.append(head)
            out.extend("    " + line for line in indent(f.body))
            out[-1] += ")"
        if start:
            out.append("  (start $start)")
        return "\n".join(out) + ")\n"


def indent(code):
    """Indents block structure for readability of saved failures."""
    lines, level = [], 0
    for ins in code:
        op = ins.split(" ")[0]
        if op in ("end", "else"):
            level -= 1
        lines.append("  " * level + ins)
        if op in ("block", "loop", "if", "else"):
            level += 1
    return lines or [""]


def weighted(r, choices):
    total = sum(w for _, w in choices)
    x = r.random() * total
    for item, w in choices:
        x -= w
        if x < 0:
            return item
    return choices[-1][0]


def generate(seed):
    return Gen(seed).generate()


if __name__ == "__main__":
    sys.stdout.write(generate(int(sys.argv[1]) if len(sys.argv) > 1 else 1))
