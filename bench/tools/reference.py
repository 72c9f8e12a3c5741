#!/usr/bin/env python3
"""Expected checksums for bench/programs, computed independently of the C code.

Each value comes from a different method than the program's own:
  fib     exact iteration on Python integers, mod 2^32
  sieve   runs * pi(65536), pi counted by trial division (and known: pi(2^16) = 6542)
  crc32   zlib.crc32 of the repeated buffer
  matmul  exact integer arithmetic, with the weights folded into B first (linearity), so it
          does n^2 work per A row instead of the program's n^3 loop nest
  sha256  hashlib.sha256 of the whole padded-by-hashlib message
  sort    Python's sorted()
  mixed   Python lists (slicing, list.index, stable sorted) for the list phase, regexes for the
          token kinds, zlib.crc32 for the CRC
  listsort  Python's stable sorted() for the merge sort, bisect for the list walks
  crc16   binascii.crc_hqx (CRC-16/CCITT-FALSE) and a bytewise loop checked against the CRC
          catalogue's check value (CRC-16/MODBUS)
  q15     Python integers (no overflow) with the documented rounding and saturation
  nmea    a regular expression of the sentence grammar instead of the character state machine
  calls   plain Python functions and lambdas for the call graph
  biquad  double arithmetic rounded to float32 after every operation (exact emulation)
  dense8  Python integer dot products
  cbor    the generated items' figures computed from the items (encoded size by the shortest-form
          rule), with no CBOR encoder or decoder

Usage:
  reference.py [PROGRAM PARAM ...]     print expected values (all check sets when no arguments)
  reference.py --dump crc32|sha256|crc16 P
                                       write the program's input message to stdout, e.g.
                                       `reference.py --dump sha256 3 | sha256sum`
"""
import binascii
import bisect
import hashlib
import re
import struct
import sys
import zlib
from fractions import Fraction

MASK32 = 0xFFFFFFFF
MASK64 = (1 << 64) - 1


def lcg(state):
    """Yields the Numerical Recipes LCG's successive states."""
    while True:
        state = (state * 1664525 + 1013904223) & MASK32
        yield state


def signed32(v):
    v &= MASK32
    return v - (1 << 32) if v & 0x80000000 else v


def signed16(v):
    v &= 0xFFFF
    return v - (1 << 16) if v & 0x8000 else v


def signed64(v):
    v &= MASK64
    return v - (1 << 64) if v & (1 << 63) else v


def fib(n):
    n = max(0, min(n, 40))
    a, b = 0, 1
    for _ in range(n):
        a, b = b, a + b
    return signed32(a)


def prime_count_below(limit):
    count = 0
    for candidate in range(2, limit):
        d = 2
        while d * d <= candidate and candidate % d:
            d += 1
        count += d * d > candidate
    return count


PI_65536 = prime_count_below(65536)
assert PI_65536 == 6542


def sieve(runs):
    return signed32(max(runs, 0) * PI_65536)


def crc32_message(passes):
    rng = lcg(1)
    buffer = bytes(next(rng) >> 24 for _ in range(16384))
    return buffer * max(passes, 0)


def crc32(passes):
    return signed32(zlib.crc32(crc32_message(passes)))


def matmul(n):
    n = max(1, min(n, 64))
    rng = lcg(7)

    def level():  # the entry is level / 4
        return (next(rng) >> 24) % 17 - 8

    b = [[level() for _ in range(n)] for _ in range(n)]
    # sum_ij C_ij w_ij = sum_i sum_k A_ik (sum_j B_kj w_ij), and w_ij depends on i only mod 5.
    folded = [[sum(b[k][j] * ((r + 2 * j) % 5 + 1) for j in range(n)) for k in range(n)]
              for r in range(5)]
    total = 0  # in units of 1/16
    for _ in range(64):
        for i in range(n):
            row = [level() for _ in range(n)]
            total += sum(a * f for a, f in zip(row, folded[i % 5]))
    value = Fraction(total, 16)
    assert Fraction(float(value)) == value  # the double result is exact
    return float(value)


def sha256_message(blocks):
    rng = lcg(0x5EED)
    buffer = bytes(next(rng) >> 24 for _ in range(4096))
    return b"".join(buffer[64 * (b % 64):64 * (b % 64) + 64] for b in range(max(blocks, 0)))


def sha256(blocks):
    return signed32(struct.unpack(">I", hashlib.sha256(sha256_message(blocks)).digest()[:4])[0])


def sort(runs):
    rng = lcg(42)
    checksum = 0
    for _ in range(max(runs, 0)):
        values = sorted(signed32(next(rng)) for _ in range(4096))
        checksum += sum(v * (i + 1) for i, v in enumerate(values))
    return signed64(checksum)


TEXT_ALPHABET = "0123456789.+-eE,; \tabxz"
SEPARATORS = ",; \t"
INTEGER_TOKEN = re.compile(r"[+-]?[0-9]+")
FRACTION = r"[+-]?[0-9]*\.[0-9]*"
FLOAT_TOKEN = re.compile(rf"{FRACTION}|({FRACTION}|[+-]?[0-9]+)[eE][+-]?[0-9]+")
IDENTIFIER_TOKEN = re.compile(r"[abxzeE][abxzeE0-9]*")


def token_state_changes(token):
    """State changes of the program's tokenizer inside one token, found by the same token
    grammar: the state changes exactly where the prefix moves to another grammar category."""
    categories = []
    for end in range(1, len(token) + 1):
        prefix = token[:end]
        if categories and categories[-1] == "invalid":
            category = "invalid"
        elif re.fullmatch(r"[+-]", prefix):
            category = "sign"
        elif INTEGER_TOKEN.fullmatch(prefix):
            category = "integer"
        elif re.fullmatch(FRACTION, prefix):
            category = "fraction"
        elif re.fullmatch(rf"({FRACTION}|[+-]?[0-9]+)[eE]", prefix):
            category = "exponent mark"
        elif re.fullmatch(rf"({FRACTION}|[+-]?[0-9]+)[eE][+-]", prefix):
            category = "exponent sign"
        elif re.fullmatch(rf"({FRACTION}|[+-]?[0-9]+)[eE][+-]?[0-9]+", prefix):
            category = "exponent"
        elif IDENTIFIER_TOKEN.fullmatch(prefix):
            category = "identifier"
        else:
            category = "invalid"
        categories.append(category)
    return sum(1 for i, c in enumerate(categories) if i == 0 or c != categories[i - 1])


def mixed(iterations):
    rng = lcg(2024)
    words = []
    for _ in range(max(iterations, 0)):
        # 1. list: the pool index is the node's value; head insertion then reverse = pool order.
        keys = [(next(rng) >> 20) & 0x3FF for _ in range(128)]
        order = list(range(128))
        for _ in range(16):
            draw = next(rng)
            key = keys[(draw >> 20) & 127] if draw & 0x80000000 else (draw >> 8) & 0x3FF
            found = [keys[v] for v in order]
            if key in found:
                position = found.index(key)
                order.insert(0, order.pop(position))
                words.append(position)
            else:
                words.append(-1)
        order = sorted(order, key=lambda v: keys[v])
        order_hash = 0
        for v in order:
            order_hash = (order_hash * 31 + ((keys[v] << 8) ^ v)) & MASK32
        words.append(order_hash)
        # 2. matrix
        a = [[(next(rng) >> 24) - 128 for _ in range(8)] for _ in range(8)]
        b = [[next(rng) >> 28 for _ in range(8)] for _ in range(8)]
        c = [[sum(a[i][k] * b[k][j] for k in range(8)) & MASK32 for j in range(8)]
             for i in range(8)]
        for i in range(8):
            words.append(sum(c[i][j] ^ (c[j][i] >> 3) for j in range(8)))
        words.append(max(signed32(v) for row in c for v in row))
        # 3. parser: the text split at separators, each token classified by the grammar.
        text = "".join(TEXT_ALPHABET[(next(rng) >> 24) % len(TEXT_ALPHABET)] for _ in range(256))
        tokens = [t for t in re.split(f"[{SEPARATORS}]", text) if t]
        counts = [0, 0, 0, 0]
        integer_sum = 0
        transitions = 0
        for token in tokens:
            if INTEGER_TOKEN.fullmatch(token):
                counts[0] += 1
                integer_sum += int(token)
            elif FLOAT_TOKEN.fullmatch(token):
                counts[1] += 1
            elif IDENTIFIER_TOKEN.fullmatch(token):
                counts[2] += 1
            else:
                counts[3] += 1
            transitions += token_state_changes(token) + 1  # + 1: the separator ends the token
        words += counts + [transitions, integer_sum]
    data = b"".join(struct.pack("<I", w & MASK32) for w in words)
    return signed32(zlib.crc32(data))


def listsort(runs):
    rng = lcg(77)
    h = 0
    for _ in range(max(runs, 0)):
        keys = [next(rng) >> 20 for _ in range(2048)]
        order = sorted(range(2048), key=lambda i: keys[i])  # stable, like the list merge sort
        for i in order:
            h = (h * 31 + ((keys[i] << 11) ^ i)) & MASK32
        ordered_keys = [keys[i] for i in order]
        for _ in range(64):
            h = (h * 31 + bisect.bisect_left(ordered_keys, next(rng) >> 20)) & MASK32
    return signed32(h)


def crc16_message(passes):
    rng = lcg(5)
    return bytes(next(rng) >> 24 for _ in range(4096)) * max(passes, 0)


def crc16_modbus(data):
    crc = 0xFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc


# The catalogue's check values (CRC RevEng): the CRC of b"123456789".
assert binascii.crc_hqx(b"123456789", 0xFFFF) == 0x29B1  # CRC-16/CCITT-FALSE
assert crc16_modbus(b"123456789") == 0x4B37  # CRC-16/MODBUS


def crc16(passes):
    data = crc16_message(passes)
    return signed32((binascii.crc_hqx(data, 0xFFFF) << 16) | crc16_modbus(data))


def q15(runs):
    rng = lcg(15)
    n = 24
    b = [[0x4000 if i == j else 0 for j in range(n)] for i in range(n)]
    h = 0
    for _ in range(max(runs, 0)):
        a = [[signed16(next(rng) >> 16) for _ in range(n)] for _ in range(n)]
        c = [[max(-32768, min(32767, (sum(a[i][k] * b[k][j] for k in range(n)) + (1 << 14)) >> 15))
              for j in range(n)] for i in range(n)]
        for i in range(n):
            for j in range(0, n, 2):
                word = (((c[i][j] & 0xFFFF) << 16) | (c[i][j + 1] & 0xFFFF)) & 0xFFF0FFF0
                h = ((h ^ word) * 16777619) & MASK32
        b = c
    return signed32(h)


NMEA_NOISE = "$,*.0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ\r\n"
NMEA_SENTENCE = re.compile(r"\$([A-Z]{5})((?:,[0-9]*(?:\.[0-9]*)?)*)\*([0-9A-F]{2})\r\n")


def nmea(runs):
    rng = lcg(183)

    def draw(n):
        return (next(rng) >> 24) % n

    h = 0
    for _ in range(max(runs, 0)):
        text = ""
        while len(text) + 64 <= 4096:
            body = "".join(chr(ord("A") + draw(26)) for _ in range(5))
            for _ in range(1 + draw(6)):
                body += "," + "".join(str(draw(10)) for _ in range(draw(5)))
                if draw(2):
                    body += "." + "".join(str(draw(10)) for _ in range(draw(3)))
            checksum = 0
            for ch in body:
                checksum ^= ord(ch)
            sentence = list(f"${body}*{checksum:02X}\r\n")
            if draw(256) < 48:
                at = (next(rng) >> 16) % len(sentence)
                sentence[at] = NMEA_NOISE[draw(len(NMEA_NOISE))]
            text += "".join(sentence)
        good = bad = fields = field_sum = 0
        matches = list(NMEA_SENTENCE.finditer(text))
        for m in matches:
            checksum = 0
            for ch in m.group(1) + m.group(2):
                checksum ^= ord(ch)
            if checksum == int(m.group(3), 16):
                good += 1
                values = m.group(2).split(",")[1:]
                fields += len(values)
                field_sum += sum(int(v.split(".")[0] or "0") for v in values)
            else:
                bad += 1
        abandoned = text.count("$") - len(matches)
        for x in (good, bad, abandoned, fields, field_sum):
            h = (h * 31 + x) & MASK32
    return signed32(h)


def calls(steps):
    def mix(a, b):
        return ((a ^ b) * 0x9E3779B1) & MASK32

    def rotate_left(v, n):
        n &= 31
        return ((v << n) | (v >> (32 - n))) & MASK32 if n else v

    ops = [lambda a, b: (a + b) & MASK32, lambda a, b: (a - b) & MASK32, lambda a, b: a ^ b,
           lambda a, b: (a * (b | 1)) & MASK32]

    def nest(n, acc):
        return acc if n == 0 else mix(nest(n - 1, (acc + n) & MASK32), n)

    state = 1
    for i in range(max(steps, 0)):
        x = rotate_left(mix(state, i), i)
        x = ops[x >> 30](x, state)
        c = max(-1000, min(1000, (x & 0xFFFF) - 0x8000))
        state = (x + c) & MASK32
        if i & 63 == 63:
            state ^= nest(16, state)
    return signed32(state)


def f32(v):
    """Rounds to the nearest float32 (exact for the products and sums of floats: a double holds
    every such result before this one rounding)."""
    return struct.unpack("<f", struct.pack("<f", v))[0]


def biquad(blocks):
    rng = lcg(9)
    sections = [[0.0625, 0.125, 0.0625, -1.25, 0.5], [0.25, -0.5, 0.25, -0.75, 0.25],
                [0.5, 0.0, -0.5, -0.5, 0.375]]
    state = [[0.0, 0.0] for _ in sections]
    total = energy = 0.0
    for _ in range(max(blocks, 0)):
        block = [((next(rng) >> 20) - 2048) / 2048 for _ in range(256)]
        for (b0, b1, b2, a1, a2), z in zip(sections, state):
            for i, x in enumerate(block):
                y = f32(f32(b0 * x) + z[0])
                z[0] = f32(f32(f32(b1 * x) - f32(a1 * y)) + z[1])
                z[1] = f32(f32(b2 * x) - f32(a2 * y))
                block[i] = y
        for y in block:
            total += y
            energy += y * y
    return total + 0.25 * energy


def dense8(samples):
    rng = lcg(8)

    def int8():
        return (next(rng) >> 24) - 128

    def layer(inputs, weights, biases, relu):
        out = []
        for row, bias in zip(weights, biases):
            q = max(-128, min(127, ((bias + sum(x * w for x, w in zip(inputs, row))) * 181 + (1 << 17)) >> 18))
            out.append(max(q, 0) if relu else q)
        return out

    w1, b1, w2, b2 = [], [], [], []
    for _ in range(32):
        w1.append([int8() for _ in range(64)])
        b1.append((next(rng) >> 20) - 2048)
    for _ in range(10):
        w2.append([int8() for _ in range(32)])
        b2.append((next(rng) >> 20) - 2048)
    h = 0
    for _ in range(max(samples, 0)):
        out = layer(layer([int8() for _ in range(64)], w1, b1, True), w2, b2, False)
        best = out.index(max(out))  # the first maximum
        h = (h * 31 + best * 256 + (out[best] & 0xFF)) & MASK32
    return signed32(h)


def cbor(runs):
    """The figures of the items the program generates, from the items themselves: encoded size
    by the RFC 8949 shortest-form rule, no CBOR encoder or decoder involved."""
    rng = lcg(8949)

    def draw(n):
        return (next(rng) >> 24) % n

    def head_size(value):
        return 1 if value < 24 else 2 if value < 0x100 else 3 if value < 0x10000 else 5

    def item(depth, f):
        f["items"] += 1
        kind = draw(8 if depth < 2 else 6)
        if kind == 0:
            value = draw(24)
            f["size"] += 1
            f["unsigned"] += value
        elif kind in (1, 2):
            shift = 8 * draw(4)
            value = next(rng) >> shift
            f["size"] += head_size(value)
            if kind == 1:
                f["unsigned"] += value
            else:
                f["negative"] += -1 - value
        elif kind in (3, 4):
            length = draw(20)
            data = [next(rng) >> 24 if kind == 3 else ord("a") + draw(26) for _ in range(length)]
            f["size"] += head_size(length) + length
            f["string_bytes"] += length
            for byte in data:
                f["xor"] ^= byte
        elif kind == 5:
            value = 0x10000 + draw(200)
            f["size"] += head_size(value)
            f["unsigned"] += value
        elif kind == 6:
            count = draw(5)
            f["size"] += head_size(count)
            for _ in range(count):
                item(depth + 1, f)
        else:
            pairs = draw(4)
            f["size"] += head_size(pairs) + pairs  # keys 0..3 take one byte each
            for _ in range(pairs):
                item(depth + 1, f)

    h = 0
    for _ in range(max(runs, 0)):
        f = dict(size=0, items=0, unsigned=0, negative=0, string_bytes=0, xor=0)
        while f["size"] < 3584:
            item(0, f)
        for x in (f["size"], f["items"], f["unsigned"], f["negative"], f["string_bytes"], f["xor"],
                  0):
            h = (h * 31 + x) & MASK32
    return signed32(h)


PROGRAMS = {"fib": fib, "sieve": sieve, "crc32": crc32, "matmul": matmul, "sha256": sha256,
            "sort": sort, "mixed": mixed, "listsort": listsort, "crc16": crc16, "q15": q15,
            "nmea": nmea, "calls": calls, "biquad": biquad, "dense8": dense8, "cbor": cbor}

# The parameter sets native_check.c tests: edge cases, small, default, Cortex-M.
CHECK_SETS = {
    "fib": [0, 1, 2, 20, 33, 25],
    "sieve": [0, 1, 3, 400, 5],
    "crc32": [0, 1, 3, 400, 16],
    "matmul": [1, 5, 64, 100, 7],
    "sha256": [0, 1, 3, 64, 65, 40000, 500],
    "sort": [0, 2, 48, 1],
    "mixed": [0, 1, 5, 1000, 32],
    "listsort": [0, 1, 2, 40],
    "crc16": [0, 1, 2, 200, 3],
    "q15": [0, 1, 2, 800, 13],
    "nmea": [0, 1, 2, 400, 7],
    "calls": [0, 1, 64, 1000000, 16000],
    "biquad": [0, 1, 2, 4000, 32],
    "dense8": [0, 1, 2, 20000, 300],
    "cbor": [0, 1, 2, 300, 5],
}


def c_initializer(name, param, value):
    """One row of native_check.c's table: {name, param, integer, real}."""
    if isinstance(value, float):
        return f'{{"{name}", {param}, 0, {value.hex()}}},'  # hex float: exact
    if -(1 << 31) <= value < (1 << 31):
        return f'{{"{name}", {param}, {value}, 0.0}},'
    return f'{{"{name}", {param}, INT64_C({value}), 0.0}},'


def main(argv):
    if argv[:1] == ["--dump"]:
        dump = {"crc32": crc32_message, "sha256": sha256_message, "crc16": crc16_message}[argv[1]]
        sys.stdout.buffer.write(dump(int(argv[2])))
        return
    if argv:
        pairs = [(argv[i], int(argv[i + 1])) for i in range(0, len(argv), 2)]
    else:
        pairs = [(name, p) for name, params in CHECK_SETS.items() for p in params]
    for name, param in pairs:
        print("    " + c_initializer(name, param, PROGRAMS[name](param)))


if __name__ == "__main__":
    main(sys.argv[1:])
