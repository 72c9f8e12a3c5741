#!/usr/bin/env bash
# Build step of lifecycle_qemu: a fresh test key (and a stranger's key), the demo app's versions
# packed with `picowasm pack`, and the firmware's inbox (make_inbox.py). The firmware's report does
# not depend on the keys or the signature bytes.
#   make_packages.sh CLI WAT2WASM PYTHON3 SOURCE_DIR OUT_DIR
set -euo pipefail
cli=$1 wat2wasm=$2 python=$3 src=$4 out=$5
mkdir -p "$out"
rm -f "$out"/vendor "$out"/vendor.pub "$out"/stranger "$out"/stranger.pub
"$cli" keygen "$out/vendor" >/dev/null
"$cli" keygen "$out/stranger" >/dev/null
pack() {  # VERSION WAT KEY OUTPUT
  "$wat2wasm" "$src/apps/$2.wat" -o "$out/$2.wasm"
  printf '{"app_id": "counter", "version": %s, "resources": {"memory_bytes": 65536, "stack_bytes": 1024, "fuel": 10000}, "grants": []}\n' \
    "$1" >"$out/counter_v$1.json"
  "$cli" pack "$out/$2.wasm" --manifest "$out/counter_v$1.json" --key "$out/$3" -o "$out/$4" >/dev/null
}
pack 1 counter_v1 vendor counter_v1.pkg.wasm
pack 2 counter_v2 vendor counter_v2.pkg.wasm
pack 3 counter_v3_trap vendor counter_v3.pkg.wasm
pack 4 counter_v2 stranger counter_v4_stranger.pkg.wasm
"$python" "$src/make_inbox.py" "$out/inbox.bin" "$out/vendor.pub" \
  v1="$out/counter_v1.pkg.wasm" v2="$out/counter_v2.pkg.wasm" v3-traps="$out/counter_v3.pkg.wasm" \
  v4-stranger="$out/counter_v4_stranger.pkg.wasm"
