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

Usage:
  reference.py [PROGRAM PARAM ...]     print expected values (all check sets when no arguments)
  reference.py --dump crc32|sha256 P   write the program's input message to stdout, e.g.
                                       `reference.py --dump sha256 3 | sha256sum`
"""
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


PROGRAMS = {"fib": fib, "sieve": sieve, "crc32": crc32, "matmul": matmul, "sha256": sha256,
            "sort": sort, "mixed": mixed}

# The parameter sets native_check.c tests: edge cases, small, default, Cortex-M.
CHECK_SETS = {
    "fib": [0, 1, 2, 20, 33, 25],
    "sieve": [0, 1, 3, 400, 5],
    "crc32": [0, 1, 3, 400, 16],
    "matmul": [1, 5, 64, 100, 7],
    "sha256": [0, 1, 3, 64, 65, 40000, 500],
    "sort": [0, 2, 48, 1],
    "mixed": [0, 1, 5, 1000, 32],
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
        dump = {"crc32": crc32_message, "sha256": sha256_message}[argv[1]]
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
