#!/usr/bin/env python3
"""Rewrites a wasm-ld module's memory to the custom-page-sizes proposal's 1-byte pages, sized to
what the module needs, so it fits a microcontroller with a few KiB of RAM (docs/porting.md, the
Cortex-M0 port).

    small_memory.py IN.wasm OUT.wasm

The module must define one memory and export the global `__heap_base` (link with
`wasm-ld --export=__heap_base -z stack-size=N`): whether the stack comes first or after the data,
everything the program addresses lies below __heap_base. The memory section becomes limits flags
0x09 (a maximum, and bit 3: a page-size exponent follows), min = max = __heap_base rounded up to
16 bytes, page-size exponent 0 (1-byte pages). Every other byte of the module is kept, so the
output is a deterministic function of the input. Clang 14 cannot emit such a memory itself.
Exits 1 with a message naming the problem for any module it cannot handle.
"""
import sys

SECTION_GLOBAL, SECTION_MEMORY, SECTION_EXPORT = 6, 5, 7
EXTERN_GLOBAL = 3
OP_I32_CONST, OP_END = 0x41, 0x0B
LIMITS_HAS_MAX, LIMITS_PAGE_SIZE = 0x01, 0x08
ALIGN = 16  # keeps the end of memory aligned for any access the program makes


class BadModule(Exception):
    pass


class Reader:
    def __init__(self, data, pos=0, end=None):
        self.data, self.pos, self.end = data, pos, len(data) if end is None else end

    def byte(self):
        if self.pos >= self.end:
            raise BadModule(f"unexpected end at offset {self.pos}")
        self.pos += 1
        return self.data[self.pos - 1]

    def leb(self, signed):
        result, shift = 0, 0
        while True:
            b = self.byte()
            result |= (b & 0x7F) << shift
            shift += 7
            if not b & 0x80:
                if signed and b & 0x40:
                    result -= 1 << shift
                return result
            if shift > 35:
                raise BadModule(f"LEB128 too long at offset {self.pos}")

    def name(self):
        n = self.leb(False)
        self.pos += n
        return bytes(self.data[self.pos - n:self.pos]).decode("utf-8")


def uleb(value):
    out = bytearray()
    while True:
        b = value & 0x7F
        value >>= 7
        out.append(b | (0x80 if value else 0))
        if not value:
            return bytes(out)


def sections(data):
    if data[:8] != b"\0asm\1\0\0\0":
        raise BadModule("not a wasm 1.0 binary (magic or version)")
    r = Reader(data, 8)
    while r.pos < len(data):
        start = r.pos
        sid = r.byte()
        size = r.leb(False)
        body = r.pos
        if body + size > len(data):
            raise BadModule(f"section {sid} at offset {start} runs past the end")
        yield sid, start, body, body + size
        r.pos = body + size


def global_inits(data, body, end):
    """The i32.const initial value of each defined global (None if not a constant i32)."""
    r = Reader(data, body, end)
    inits = []
    for _ in range(r.leb(False)):
        r.byte()  # value type
        r.byte()  # mutability
        op = r.byte()
        value = r.leb(True) if op == OP_I32_CONST else None
        while op != OP_END:  # the rest of the constant expression
            op = r.byte()
        inits.append(value)
    return inits


def heap_base_export(data, body, end):
    r = Reader(data, body, end)
    for _ in range(r.leb(False)):
        name = r.name()
        kind = r.byte()
        index = r.leb(False)
        if name == "__heap_base" and kind == EXTERN_GLOBAL:
            return index
    return None


def shrink(data):
    found = {}
    for sid, start, body, end in sections(data):
        if sid in (SECTION_GLOBAL, SECTION_MEMORY, SECTION_EXPORT):
            found[sid] = (start, body, end)
    if SECTION_MEMORY not in found:
        raise BadModule("no memory section (nothing to shrink)")
    index = None
    if SECTION_EXPORT in found and SECTION_GLOBAL in found:
        index = heap_base_export(data, *found[SECTION_EXPORT][1:])
    if index is None:
        raise BadModule("no exported global __heap_base (link with --export=__heap_base)")
    inits = global_inits(data, *found[SECTION_GLOBAL][1:])
    # wasm-ld modules import no globals: the export's index is the defined global's.
    if index >= len(inits) or inits[index] is None or inits[index] <= 0:
        raise BadModule("__heap_base is not a positive i32 constant")
    need = (inits[index] + ALIGN - 1) // ALIGN * ALIGN

    start, body, end = found[SECTION_MEMORY]
    r = Reader(data, body, end)
    if r.leb(False) != 1:
        raise BadModule("expected exactly one memory")
    flags = r.byte()
    if flags & ~LIMITS_HAS_MAX:
        raise BadModule(f"memory limits flags 0x{flags:02x}: expected a plain 32-bit memory")
    pages = r.leb(False)
    if need > pages * 65536:
        raise BadModule(f"__heap_base {need} lies beyond the declared {pages} pages")
    limits = bytes([1, LIMITS_HAS_MAX | LIMITS_PAGE_SIZE]) + uleb(need) + uleb(need) + uleb(0)
    section = bytes([SECTION_MEMORY]) + uleb(len(limits)) + limits
    return data[:start] + section + data[end:], need


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    src, dst = sys.argv[1], sys.argv[2]
    with open(src, "rb") as f:
        data = f.read()
    try:
        out, need = shrink(data)
    except BadModule as e:
        sys.exit(f"{src}: {e}")
    with open(dst, "wb") as f:
        f.write(out)
    print(f"{dst}: memory of {need} bytes in 1-byte pages")


if __name__ == "__main__":
    main()
