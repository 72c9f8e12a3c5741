#!/usr/bin/env bash
# store.cli: `picowasm store` over a flash image file, step by step, each step's exit status and
# output checked against hand-written expectations (docs/lifecycle.md's story): v1 installed,
# tried and confirmed; v2 the same (v1 kept as the previous version); an unsigned package, a
# stranger's package, a downgrade and a wrong-size image refused with their typed errors, v1 still
# kept after each (a refused package only ever touched the spare slot); v3, which traps, rolled
# back to v2 by its trial run (its admitted install had replaced v1); v2's digest revoked: no
# version left to run, and the same package refused by a policy that revokes its digest.
#   store_cli.sh CLI WAT2WASM PYTHON3 SOURCE_DIR WORK_DIR
set -euo pipefail
cli=$1 wat2wasm=$2 python=$3 src=$4 work=$5
rm -rf "$work"
mkdir -p "$work"
cd "$work"
apps="$src/ports/cortex-m4/lifecycle/apps"
failures=0

# check STATUS REGEX CMD...: runs CMD, whose exit status must be STATUS and whose stdout+stderr
# must match the extended regex REGEX (newlines turned into '|' first).
check() {
  local want=$1 regex=$2 status=0 out
  shift 2
  out=$("$@" 2>&1) || status=$?
  local flat
  flat=$(printf '%s' "$out" | tr '\n' '|')
  if [[ $status -ne $want ]] || ! grep -Eq -- "$regex" <<<"$flat"; then
    echo "FAILED: $* (exit $status, want $want)"
    echo "  expected /$regex/, got: $flat"
    failures=$((failures + 1))
  else
    echo "ok: ${*:2:3} -> $status"
  fi
}

"$cli" keygen vendor >/dev/null
"$cli" keygen stranger >/dev/null
for v in 1 2 3; do
  wat=$([[ $v == 3 ]] && echo counter_v3_trap || echo counter_v$v)
  "$wat2wasm" "$apps/$wat.wat" -o "v$v.wasm"
  printf '{"app_id": "counter", "version": %s, "resources": {"memory_bytes": 65536, "stack_bytes": 1024, "fuel": 10000}, "grants": []}\n' "$v" >"v$v.json"
  "$cli" pack "v$v.wasm" --manifest "v$v.json" --key vendor -o "v$v.pkg.wasm" >/dev/null
done
"$cli" pack v2.wasm --manifest v2.json --key stranger -o v2-stranger.pkg.wasm >/dev/null
echo '{"publishers": [{"key": "vendor.pub", "grants": ["time", "log"]}], "max_memory_bytes": 65536}' >policy.json

check 1 "error: no store image .*img.bin \(picowasm store format" "$cli" store list img.bin
# 2 metadata blocks of 4 KiB, then 4 x 2 + 1 (the spare) slots of 64 KiB: 8 + 576 = 584 KiB.
check 0 "^formatted img.bin: 4 app entries, two 64 KiB slots each and a spare \(584 KiB image\)" "$cli" store format img.bin
[[ $(stat -c %s img.bin) -eq $((584 * 1024)) ]] || { echo "FAILED: image size"; failures=$((failures + 1)); }
check 0 "^$" "$cli" store list img.bin
check 0 '^\{"apps":\[\]\}$' "$cli" store list img.bin --json
check 6 "error: run counter: no_such_app" "$cli" store run img.bin counter --board virtual

# v1: install (pending), a trial run that ends cleanly, confirm.
check 0 "^installed counter v1 in slot A: pending" "$cli" store install img.bin v1.pkg.wasm --policy policy.json
check 0 "^counter \(min version 0\)\|  A: v1 pending, [0-9]+ bytes, digest [0-9a-f]{64}\|  B: empty$" "$cli" store list img.bin
check 0 "running counter v1 from slot A \(trial\)\|store: counter v1: pw_main returned 1\|store: trial of v1: 1 of 3 clean runs to confirm" \
  "$cli" store run img.bin counter --board virtual
check 0 "^counter: trial version confirmed" "$cli" store confirm img.bin counter
check 6 "error: confirm counter: no_trial" "$cli" store confirm img.bin counter
check 0 "running counter v1 from slot A\|store: counter v1: pw_main returned 1$" "$cli" store run img.bin counter --board virtual

# v2: three clean trial runs confirm it by themselves (the rule); v1 stays as the previous version.
check 0 "^installed counter v2 in slot B: pending" "$cli" store install img.bin v2.pkg.wasm --policy policy.json
check 0 "from slot B \(trial\).*pw_main returned 2055.*1 of 3 clean runs" "$cli" store run img.bin counter --board virtual
check 0 "2 of 3 clean runs" "$cli" store run img.bin counter --board virtual
check 0 "store: v2 confirmed" "$cli" store run img.bin counter --board virtual
check 0 "min version 2\)\|  A: v1 previous, .*\|  B: v2 confirmed, " "$cli" store list img.bin

# Refused packages: each its typed error, exit 5, nothing recorded: v2 stays confirmed with its
# floor and v1 stays as the fallback (each install streamed into the spare slot, which no record
# names; list --json shows where each version is: v1 in pool slot 8, the spare after format, v2
# in pool slot 0, given up by v1's record when v1 was installed).
check 5 "refused: no_package_section" "$cli" store install img.bin v2.wasm --policy policy.json
check 5 "install counter refused: refused: .*unknown_key" "$cli" store install img.bin v2-stranger.pkg.wasm --policy policy.json
check 5 "install counter refused: refused: .*downgrade" "$cli" store install img.bin v1.pkg.wasm --policy policy.json
check 0 "^counter \(min version 2\)\|  A: v1 previous, .*\|  B: v2 confirmed, " "$cli" store list img.bin
check 0 '"slots":\[\{[^]]*"pool_slot":8,"state":"previous","version":1\},\{[^]]*"pool_slot":0,"state":"confirmed","version":2\}\]' \
  "$cli" store list img.bin --json
echo '{"publishers": [{"key": "vendor.pub"}], "bogus": 1}' >bad-policy.json
check 1 "policy bad-policy.json: unknown key 'bogus'" "$cli" store install img.bin v2.pkg.wasm --policy bad-policy.json
head -c 1000 img.bin >short.bin
check 1 "error: .*short.bin" "$cli" store list short.bin
check 2 "store install takes IMG PKG.wasm --policy FILE" "$cli" store install img.bin v2.pkg.wasm
check 2 "unknown store subcommand 'frob'" "$cli" store frob img.bin

# v3 traps in its trial run: rolled back to v2, which then runs.
check 0 "^installed counter v3 in slot A: pending" "$cli" store install img.bin v3.pkg.wasm --policy policy.json
check 3 "from slot A \(trial\).*integer divide by zero.*the trial of v3 failed: rolled back to v2" \
  "$cli" store run img.bin counter --board virtual
check 0 "running counter v2 from slot B\|store: counter v2: pw_main returned 2055$" "$cli" store run img.bin counter --board virtual

# Revoking v2's digest: nothing left to run (v3's install replaced v1, then v3 rolled back).
digest=$("$cli" store list img.bin --json | "$python" -c 'import json, sys
app = json.load(sys.stdin)["apps"][0]
print([s for s in app["slots"] if s.get("version") == 2][0]["digest"])')
check 0 "revoked 1 slot\(s\)\|counter: its running version was revoked: unloaded, no version left to run" \
  "$cli" store revoke img.bin --digest "$digest"
check 6 "error: run counter: nothing_to_run" "$cli" store run img.bin counter --board virtual
check 2 "one of --digest D, --app ID\[@V1-V2\], --key KEY.pub" "$cli" store revoke img.bin
check 2 "is not 64 hex digits" "$cli" store revoke img.bin --digest abc
printf '{"publishers": [{"key": "vendor.pub"}], "revoked_digests": ["%s"]}\n' "$digest" >revoking.json
check 5 "refused: .*revoked_package" "$cli" store install img.bin v2.pkg.wasm --policy revoking.json

if [[ $failures -ne 0 ]]; then
  echo "store cli: $failures check(s) FAILED"
  exit 1
fi
echo "store cli: all checks passed"
