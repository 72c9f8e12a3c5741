#!/usr/bin/env bash
# package.verify_pool: a fresh key, fib.wasm packed with it by the CLI, the public point read with
# openssl, then picowasm-verify-pool-test (verify_pool_test.cpp).
#   verify_pool.sh CLI TEST_BINARY MODULE.wasm WORK_DIR
set -euo pipefail
cli=$1 test_bin=$2 module=$3 work=$4
rm -rf "$work"
mkdir -p "$work"
"$cli" keygen "$work/key" >/dev/null
echo '{"app_id": "fib", "version": 1, "resources": {"memory_bytes": 0, "stack_bytes": 1024, "fuel": 1000}, "grants": []}' >"$work/fib.json"
"$cli" pack "$module" --manifest "$work/fib.json" --key "$work/key" -o "$work/fib.pkg.wasm" >/dev/null
# The SubjectPublicKeyInfo of a P-256 key ends with the 65-byte uncompressed point.
point=$(openssl pkey -pubin -in "$work/key.pub" -outform DER | tail -c 65 | od -An -v -tx1 | tr -d ' \n')
exec "$test_bin" "$work/fib.pkg.wasm" "$point"
