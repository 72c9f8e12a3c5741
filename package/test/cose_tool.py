#!/usr/bin/env python3
"""Independent oracle for the package tests: reads a package with its own small wasm and CBOR
readers (sharing no code with picowasm) and talks to openssl in its formats.

  cose_tool.py codedigest PKG             SHA-256 of the module without the package section
  cose_tool.py tbs PKG TBS SIG_DER        the COSE Sig_structure, and the signature as DER
  cose_tool.py splice PKG PUB_DER SIG_DER OUT
                                          the package with kid = SHA-256(public point of PUB_DER)
                                          and the signature from SIG_DER (openssl's, as r || s)
"""
import hashlib
import sys

NAME = b"picowasm.package"


def leb(data, pos):
    value, shift = 0, 0
    while True:
        b = data[pos]
        pos += 1
        value |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            return value, pos


def find_section(data):
    """(start, end, content_start) of the package section."""
    assert data[:8] == b"\0asm\1\0\0\0", "not a wasm module"
    pos = 8
    while pos < len(data):
        start = pos
        sid = data[pos]
        size, pos = leb(data, pos + 1)
        end = pos + size
        if sid == 0:
            n, p = leb(data, pos)
            if data[p:p + n] == NAME:
                return start, end, p + n
        pos = end
    raise SystemExit("no package section")


def cbor_item(data, pos):
    """(major, value, next_pos): value is the argument, or the bytes of a byte/text string."""
    ib = data[pos]
    major, info = ib >> 5, ib & 31
    pos += 1
    if info < 24:
        arg = info
    else:
        n = 1 << (info - 24)
        arg = int.from_bytes(data[pos:pos + n], "big")
        pos += n
    if major in (2, 3):
        return major, data[pos:pos + arg], pos + arg
    return major, arg, pos


def cose_parts(data):
    """protected, kid, payload, signature and their positions."""
    _, _, content = find_section(data)
    major, tag, pos = cbor_item(data, content)
    assert (major, tag) == (6, 18), "COSE_Sign1 tag"
    major, n, pos = cbor_item(data, pos)
    assert (major, n) == (4, 4)
    _, prot, pos = cbor_item(data, pos)
    major, n, pos = cbor_item(data, pos)
    assert (major, n) == (5, 1)
    _, key, pos = cbor_item(data, pos)
    assert key == 4
    _, kid, pos = cbor_item(data, pos)
    kid_at = pos - len(kid)
    _, payload, pos = cbor_item(data, pos)
    _, sig, pos = cbor_item(data, pos)
    return prot, kid, kid_at, payload, sig, pos - len(sig)


def head(major, n):
    if n < 24:
        return bytes([major << 5 | n])
    if n < 256:
        return bytes([major << 5 | 24, n])
    return bytes([major << 5 | 25]) + n.to_bytes(2, "big")


def der_int(b):
    b = b.lstrip(b"\0") or b"\0"
    if b[0] & 0x80:
        b = b"\0" + b
    return b"\x02" + bytes([len(b)]) + b


def raw_to_der(sig):
    body = der_int(sig[:32]) + der_int(sig[32:])
    return b"\x30" + bytes([len(body)]) + body


def der_to_raw(der):
    assert der[0] == 0x30
    pos = 2
    out = b""
    for _ in range(2):
        assert der[pos] == 0x02
        n = der[pos + 1]
        out += der[pos + 2:pos + 2 + n].lstrip(b"\0").rjust(32, b"\0")
        pos += 2 + n
    return out


def main():
    cmd, path = sys.argv[1], sys.argv[2]
    data = open(path, "rb").read()
    if cmd == "codedigest":
        start, end, _ = find_section(data)
        print(hashlib.sha256(data[:start] + data[end:]).hexdigest())
    elif cmd == "tbs":
        prot, _, _, payload, sig, _ = cose_parts(data)
        tbs = b"\x84" + head(3, 10) + b"Signature1" + head(2, len(prot)) + prot + b"\x40" + \
            head(2, len(payload)) + payload
        open(sys.argv[3], "wb").write(tbs)
        open(sys.argv[4], "wb").write(raw_to_der(sig))
    elif cmd == "splice":
        spki = open(sys.argv[3], "rb").read()
        point = spki[-65:]  # SubjectPublicKeyInfo ends with the BIT STRING's uncompressed point
        assert point[0] == 4
        _, _, kid_at, _, _, sig_at = cose_parts(data)
        sig = der_to_raw(open(sys.argv[4], "rb").read())
        out = bytearray(data)
        out[kid_at:kid_at + 32] = hashlib.sha256(point).digest()
        out[sig_at:sig_at + 64] = sig
        open(sys.argv[5], "wb").write(bytes(out))
    else:
        raise SystemExit("unknown command " + cmd)


if __name__ == "__main__":
    main()
