#!/usr/bin/env python3
"""Rewrites a linked guest module's memory to 1-byte pages (the custom-page-sizes proposal).

wasm-ld (LLVM 14) can only write 64 KiB pages. For an app that needs a few KiB, this replaces the
module's one defined memory by (memory N N (pagesize 1)): limits flags 0x09 (maximum present,
page-size exponent follows), min = max = N, exponent 0. N is what the module itself needs: the
highest of the top of its stack (the initial value of global 0, wasm-ld's __stack_pointer), the
end of its last active data segment and, if the module exports it, __heap_base (the end of .bss,
which wasm-ld leaves out of the data segments: link with --export=__heap_base), plus --extra
bytes, rounded up to --align.
Everything else is copied byte for byte, so the output is a deterministic function of the input.

The app must not assume 64 KiB pages: memory.size and memory.grow now count bytes (the SDK's
apps use neither).

usage: set_page_size.py IN.wasm OUT.wasm [--extra BYTES] [--align BYTES]
"""
import argparse
import sys


class Malformed(Exception):
    pass


def read_u32(data, pos):
    """LEB128 u32 at pos: (value, next position)."""
    result = shift = 0
    while True:
        if pos >= len(data):
            raise Malformed("unexpected end in a LEB128 integer")
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            break
        shift += 7
        if shift > 28:
            raise Malformed("LEB128 integer too long")
    if result > 0xFFFFFFFF:
        raise Malformed("integer too large")
    return result, pos


def leb_u32(value):
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def i32_const_expr(data, pos):
    """An i32.const N end expression at pos: (N, next position); others are refused."""
    if data[pos] != 0x41:
        raise Malformed("offset or initialiser is not an i32.const")
    value, pos = read_u32_signed(data, pos + 1)
    if data[pos] != 0x0B:
        raise Malformed("constant expression longer than one i32.const")
    return value & 0xFFFFFFFF, pos + 1


def read_u32_signed(data, pos):
    result = shift = 0
    while True:
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            if byte & 0x40:
                result -= 1 << shift
            return result, pos


def sections(data):
    if data[:8] != b"\0asm\x01\0\0\0":
        raise Malformed("not a WebAssembly 1.0 binary module")
    pos = 8
    while pos < len(data):
        start = pos
        sid = data[pos]
        size, pos = read_u32(data, pos + 1)
        yield sid, start, pos, pos + size
        pos += size


def needed_bytes(data):
    stack_top = 0
    data_end = 0
    memories = 0
    globals_init = []
    heap_base_global = None
    imported_globals = 0
    for sid, _, body, _end in sections(data):
        if sid == 2:
            count, pos = read_u32(data, body)
            for _ in range(count):
                for _name in range(2):
                    n, pos = read_u32(data, pos)
                    pos += n
                if data[pos] == 2:
                    raise Malformed("the module imports its memory: nothing to rewrite")
                kind = data[pos]
                pos += 1
                if kind == 0:
                    _, pos = read_u32(data, pos)
                elif kind == 1:
                    pos += 1
                    flags = data[pos]
                    _, pos = read_u32(data, pos + 1)
                    if flags & 1:
                        _, pos = read_u32(data, pos)
                elif kind == 3:
                    pos += 2
                    imported_globals += 1
        elif sid == 5:
            memories, _ = read_u32(data, body)
        elif sid == 6:
            count, pos = read_u32(data, body)
            for i in range(count):
                if data[pos] != 0x7F:
                    raise Malformed("global %d is not an i32" % i)
                value, pos = i32_const_expr(data, pos + 2)
                globals_init.append(value)
            if globals_init and imported_globals == 0:
                stack_top = globals_init[0]  # __stack_pointer
        elif sid == 7:
            count, pos = read_u32(data, body)
            for _ in range(count):
                n, pos = read_u32(data, pos)
                name = bytes(data[pos:pos + n])
                kind = data[pos + n]
                index, pos = read_u32(data, pos + n + 1)
                if name == b"__heap_base" and kind == 3:
                    heap_base_global = index
        elif sid == 11:
            count, pos = read_u32(data, body)
            for _ in range(count):
                flags, pos = read_u32(data, pos)
                if flags == 1:
                    n, pos = read_u32(data, pos)
                    pos += n
                    continue
                if flags == 2:
                    _, pos = read_u32(data, pos)
                elif flags != 0:
                    raise Malformed("unknown data segment flags %d" % flags)
                offset, pos = i32_const_expr(data, pos)
                n, pos = read_u32(data, pos)
                pos += n
                data_end = max(data_end, offset + n)
    if memories != 1:
        raise Malformed("expected exactly one defined memory, found %d" % memories)
    heap_base = 0
    if heap_base_global is not None:
        heap_base = globals_init[heap_base_global - imported_globals]
    return max(stack_top, data_end, heap_base)


def rewrite(data, pages):
    out = bytearray()
    for sid, start, body, end in sections(data):
        if sid != 5:
            out += data[start:end]
            continue
        memory = b"\x01" + b"\x09" + leb_u32(pages) + leb_u32(pages) + b"\x00"
        out += bytes([5]) + leb_u32(len(memory)) + memory
    return bytes(data[:8]) + bytes(out)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("input")
    parser.add_argument("output")
    parser.add_argument("--extra", type=int, default=0, help="bytes beyond stack and data")
    parser.add_argument("--align", type=int, default=16, help="round the size up to this")
    args = parser.parse_args()
    with open(args.input, "rb") as f:
        data = f.read()
    try:
        need = needed_bytes(data) + args.extra
    except (Malformed, IndexError) as e:
        print("set_page_size.py: %s: %s" % (args.input, e), file=sys.stderr)
        return 1
    size = (need + args.align - 1) // args.align * args.align
    with open(args.output, "wb") as f:
        f.write(rewrite(data, size))
    print("set_page_size.py: %s: memory of %d 1-byte pages" % (args.output, size))
    return 0


if __name__ == "__main__":
    sys.exit(main())
