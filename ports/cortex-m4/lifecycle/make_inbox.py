#!/usr/bin/env python3
"""Writes the lifecycle firmware's inbox (lifecycle_m4.cpp): what QEMU preloads into PSRAM at
kInboxAddress, standing in for what a device receives over the air. Little-endian:
  "PWIN", count, then per item: kind (1 trusted key: the 65-byte SEC1 point; 2 package),
  size, a 16-byte NUL-padded label, the bytes padded to 4.
  make_inbox.py OUT KEY.pub LABEL=PKG.wasm...
"""
import base64
import struct
import sys

out, pub, packages = sys.argv[1], sys.argv[2], sys.argv[3:]
pem = open(pub).read().split("-----")[2]
point = base64.b64decode("".join(pem.split()))[-65:]  # SubjectPublicKeyInfo ends with the point
assert point[0] == 4 and len(point) == 65, "not an uncompressed P-256 point"
items = [(1, "trusted-key", point)]
for spec in packages:
    label, path = spec.split("=", 1)
    items.append((2, label, open(path, "rb").read()))
blob = b"PWIN" + struct.pack("<I", len(items))
for kind, label, data in items:
    assert len(label) < 16
    blob += struct.pack("<II", kind, len(data)) + label.encode().ljust(16, b"\0") + data
    blob += b"\0" * (-len(data) % 4)
open(out, "wb").write(blob)
