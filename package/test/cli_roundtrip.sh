#!/usr/bin/env bash
# CLI round trip keygen -> pack -> verify -> inspect, checked against independent oracles:
# sha256sum and cose_tool.py (its own wasm/CBOR readers) for the digests, and openssl both ways
# for the signature (openssl verifies ours; picowasm verifies openssl's).
#   cli_roundtrip.sh PICOWASM WORKDIR [PYTHON3]
set -euo pipefail
cli="$1"
work="$2"
python="${3:-python3}"
tool="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/cose_tool.py"
rm -rf "$work"
mkdir -p "$work"
cd "$work"

fail() { echo "FAIL: $*" >&2; exit 1; }
# expect STATUS REGEX CMD...: runs CMD, checks its exit status and that its output matches REGEX.
expect() {
  local want="$1" regex="$2"
  shift 2
  local out status=0
  out="$("$@" 2>&1)" || status=$?
  [[ $status -eq $want ]] || fail "$* exited $status, expected $want: $out"
  grep -Eq -- "$regex" <<<"$out" || fail "$* printed '$out', expected /$regex/"
  echo "ok: $* -> $status"
}

# (module (import "pw_gpio" "write" (func (param i32 i32) (result i32))) (memory 1))
printf '\0asm\1\0\0\0\1\7\1\x60\2\x7f\x7f\1\x7f\2\x11\1\7pw_gpio\5write\0\0\5\3\1\0\1' >app.wasm
cat >app.json <<'JSON'
{"app_id": "com.example.blink", "version": 3, "min_hal_abi": "1.0",
 "resources": {"memory_bytes": 65536, "stack_bytes": 4096, "fuel": 100000},
 "grants": ["gpio:13:out", "time", "rate:gpio:10/s"]}
JSON

expect 0 "key id: [0-9a-f]{64}" "$cli" keygen key
[[ "$(stat -c %a key)" == 600 ]] || fail "private key mode is $(stat -c %a key), not 600"
expect 1 "key exists; keygen never overwrites" "$cli" keygen key
expect 0 "^packed pkg.wasm: app \"com.example.blink\" version 3" \
  "$cli" pack app.wasm --manifest app.json --key key -o pkg.wasm
expect 0 "^ok: app \"com.example.blink\" version 3" "$cli" verify pkg.wasm --pub key.pub

# Any Wasm tool still reads a package: wabt validates it and lists the custom section.
command -v wasm-validate >/dev/null && command -v wasm-objdump >/dev/null || fail "wabt is missing"
wasm-validate pkg.wasm || fail "wasm-validate refuses the package"
wasm-objdump -h pkg.wasm | grep -q 'Custom .*"picowasm.package"' || fail "wasm-objdump: no section"

# The code digest: sha256sum of the module as it was (the section is appended), and cose_tool's
# digest of the package without its section, both as inspect shows it.
want="$(sha256sum app.wasm | cut -d' ' -f1)"
[[ "$("$python" "$tool" codedigest pkg.wasm)" == "$want" ]] || fail "cose_tool code digest"
expect 0 "code digest: sha-256 $want" "$cli" inspect pkg.wasm
expect 0 "grants: gpio:13:out time rate:gpio:10/s" "$cli" inspect pkg.wasm
expect 0 "app id: \"com.example.blink\"" "$cli" inspect pkg.wasm
expect 0 "resources: memory 65536 bytes, stack 4096 bytes, fuel 100000 per activation" \
  "$cli" inspect pkg.wasm
sed 's/com.example.blink/blink\\u001b[2J/' app.json >esc.json  # app ids never hold controls
expect 1 "'app_id' may only hold letters, digits" \
  "$cli" pack app.wasm --manifest esc.json --key key -o esc.wasm

# openssl verifies picowasm's signature over the Sig_structure; the package digest is its SHA-256.
"$python" "$tool" tbs pkg.wasm tbs.bin sig.der
openssl dgst -sha256 -verify key.pub -signature sig.der tbs.bin | grep -q "Verified OK" ||
  fail "openssl does not verify the package signature"
digest="$(openssl dgst -sha256 -r tbs.bin | cut -d' ' -f1)"
expect 0 "package digest: $digest" "$cli" verify pkg.wasm --pub key.pub

# picowasm verifies a signature made by openssl with openssl's own key.
openssl ecparam -name prime256v1 -genkey -noout -out ossl.pem 2>/dev/null
openssl pkey -in ossl.pem -pubout -out ossl.pub
openssl pkey -in ossl.pem -pubout -outform DER -out ossl.pub.der
openssl dgst -sha256 -sign ossl.pem -out ossl.sig.der tbs.bin
"$python" "$tool" splice pkg.wasm ossl.pub.der ossl.sig.der ossl.pkg.wasm
expect 0 "^ok: app" "$cli" verify ossl.pkg.wasm --pub ossl.pub
expect 1 "unknown_key" "$cli" verify ossl.pkg.wasm --pub key.pub
# ... and one that openssl made over other bytes is refused.
printf 'other bytes' >other.bin
openssl dgst -sha256 -sign ossl.pem -out other.sig.der other.bin
"$python" "$tool" splice pkg.wasm ossl.pub.der other.sig.der other.pkg.wasm
expect 1 "^error: bad_signature: signature does not verify \(field signature\)" \
  "$cli" verify other.pkg.wasm --pub ossl.pub

# Hostile inputs through the CLI: a flipped code byte, a truncated package, an unsigned module.
"$python" - <<'PY'
data = bytearray(open("pkg.wasm", "rb").read())
data[30] ^= 0x20  # inside the import's module name
open("tampered.wasm", "wb").write(bytes(data))
open("cut.wasm", "wb").write(bytes(data[:len(data) - 40]))
PY
expect 1 "^error: digest_mismatch: code digest does not match the manifest \(field code-digest\)" \
  "$cli" verify tampered.wasm --pub key.pub
expect 1 "^error: truncated" "$cli" verify cut.wasm --pub key.pub
expect 1 "^error: no_package_section" "$cli" verify app.wasm --pub key.pub
expect 0 "^package: none" "$cli" inspect app.wasm
expect 1 "already carries a picowasm.package section" \
  "$cli" pack pkg.wasm --manifest app.json --key key -o again.wasm
sed 's/"time"/"gpio:99"/' app.json >bad.json
expect 1 "grant 'gpio:99': pin 99 out of range" \
  "$cli" pack app.wasm --manifest bad.json --key key -o bad.wasm
expect 2 "pack needs APP.wasm, --manifest FILE, --key KEY and -o PKG.wasm" "$cli" pack app.wasm
echo "cli round trip: all checks passed"
