#!/usr/bin/env bash
# Quick look at picowasm: installs missing Debian packages (as root), builds the host CLI and the
# example modules into build/, inspects one example module and runs two others, then runs the
# guest apps on the virtual board (one at a time, then three together under the supervisor),
# signs and verifies an app package (and, where QEMU is installed, runs the apps on the Cortex-M4
# board).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/deps.sh

# An existing build/ keeps its own settings (build type, options).
if [[ ! -f build/CMakeCache.txt ]]; then
  cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo
fi
cmake --build build -j"$(nproc)" --target picowasm_cli examples examples-apps

picowasm=build/ports/host/picowasm
examples=build/examples

# Echoes a command, then runs it.
show() {
  echo
  echo "\$ $*"
  "$@"
}

# What a module needs and offers: blink imports its GPIO and delay functions from the firmware.
show "$picowasm" inspect "$examples/blink.wasm"
# The 20th Fibonacci number, computed by wasm code (expect i32:6765).
show "$picowasm" run "$examples/fib.wasm" --invoke fib 20
# CRC-32 of the 9 bytes "123456789" the module keeps in its memory: 0xCBF43926, printed as a
# signed i32 (expect i32:-873187034).
show "$picowasm" run "$examples/crc32.wasm" --invoke crc32 0 9

# Guest apps in C (examples/apps, built with the SDK) on the virtual board: each gets only the
# capabilities granted on the command line. stdout is the app's UART output; log records and the
# outcome go to stderr. The clock is virtual: waits take no real time.
apps=build/examples/apps
board=("$picowasm" run --board virtual)
# Like show, for runs that end with a non-zero exit status on purpose.
show_status() {
  echo
  echo "\$ $*"
  local status=0
  "$@" || status=$?
  echo "(exit status $status)"
}
# blink: pin 2 toggled 6 times 500 ms apart.
show "${board[@]}" --grant gpio:2:out --grant time --grant log "$apps/blink.wasm"
# thermostat: the TMP105 at 0x48 reads 20.0 C, then 23.0 C from 6 s on; the relay on pin 5 goes on,
# then off (hysteresis 22.0 C +/- 0.5 C).
show "${board[@]}" --grant i2c:0:0x48 --grant uart:0:w --grant gpio:5:out --grant time \
  --grant log --temp 20 --temp 23@6000000 "$apps/thermostat.wasm"
# The UART console, fed a script.
show "${board[@]}" --grant uart:0 --grant time --grant gpio:2:out --grant i2c:0:0x48 --grant log \
  --uart-input 'help\nled on\ntemp\nquit\n' "$apps/uart_console.wasm"
# Without grants nothing is granted: refused at link time, naming the import and the grant.
show_status "${board[@]}" "$apps/blink.wasm"
# bad_pin uses pin 13, which it was not granted: every call is DENIED (counted), none reaches the
# board; with --trap-on-denial the first one traps.
show "${board[@]}" --grant gpio:2:out --grant log "$apps/bad_pin.wasm"
show_status "${board[@]}" --grant gpio:2:out --grant log --trap-on-denial "$apps/bad_pin.wasm"
# A rate limit of 3 GPIO calls a second against the virtual clock: some reads are RATE_LIMITED.
show "${board[@]}" --grant gpio:2:out --grant time --grant log --grant rate:gpio:3/s \
  "$apps/blink.wasm"
# Revoking GPIO at 1.2 s of virtual time: the next toggle answers REVOKED and blink gives up.
show "${board[@]}" --grant gpio:2:out --grant time --grant log --revoke gpio@1200000 \
  "$apps/blink.wasm"
# A spin loop stopped by fuel (exit status 4), a memory bomb by the memory limit and a wild pointer
# by the bounds check (traps, exit status 3).
show_status "${board[@]}" --grant log --fuel 1000000 "$apps/spin.wasm"
show_status "${board[@]}" --grant log --max-memory-pages 16 "$apps/memory_bomb.wasm"
show_status "${board[@]}" --grant log --grant uart:0:w "$apps/wild_pointer.wasm"

# Three apps at once under the supervisor (docs/supervisor.md), each with its own grants and
# policy from a board file: the thermostat (priority 1), blink, and the spin loop, which the
# watchdog allows 20000 units of fuel a second: it is killed as soon as it has used them,
# restarted after 0.1 s and 0.2 s (back-off doubling), then given up. Blink still toggles every
# 0.5 s and the thermostat samples every second, as when each runs alone; every line names its app.
show "${board[@]}" --board-file examples/boards/three_apps.board

# Signed app packages (docs/lifecycle.md): a publisher key, blink packed with its manifest (the
# grants it asks for, its resource needs), verified, and refused once a code byte changes or when
# checked against another key. Keys and packages go to a scratch folder.
pkg=$(mktemp -d)
show "$picowasm" keygen "$pkg/vendor"
"$picowasm" keygen "$pkg/other" >/dev/null
cat >"$pkg/blink.json" <<'JSON'
{"app_id": "blink", "version": 3, "min_hal_abi": "1.0",
 "resources": {"memory_bytes": 65536, "stack_bytes": 4096, "fuel": 1000000},
 "grants": ["gpio:2:out", "time", "log"]}
JSON
show "$picowasm" pack "$apps/blink.wasm" --manifest "$pkg/blink.json" --key "$pkg/vendor" \
  -o "$pkg/blink.pkg.wasm"
show "$picowasm" verify "$pkg/blink.pkg.wasm" --pub "$pkg/vendor.pub"
echo; echo "\$ $picowasm inspect $pkg/blink.pkg.wasm | sed -n '/^package:/,\$p'"
"$picowasm" inspect "$pkg/blink.pkg.wasm" | sed -n '/^package:/,$p'
show_status "$picowasm" verify "$pkg/blink.pkg.wasm" --pub "$pkg/other.pub"
python3 -c 'import sys; d = bytearray(open(sys.argv[1], "rb").read()); d[100] ^= 1
open(sys.argv[2], "wb").write(bytes(d))' "$pkg/blink.pkg.wasm" "$pkg/tampered.wasm"
show_status "$picowasm" verify "$pkg/tampered.wasm" --pub "$pkg/vendor.pub"
rm -rf "$pkg"

# The app store (docs/lifecycle.md) on a flash image file: an app updated from v1 to v2 (each runs
# in trial, then is confirmed), an unsigned and a stranger's package refused, a broken v3 rolled
# back by its own trial run, and v2 revoked by its digest. The apps return their version from
# pw_main (ports/cortex-m4/lifecycle/apps); the firmware side runs as CTest lifecycle_qemu.
st=$(mktemp -d)
"$picowasm" keygen "$st/vendor" >/dev/null
"$picowasm" keygen "$st/stranger" >/dev/null
for v in 1 2 3; do
  wat=ports/cortex-m4/lifecycle/apps/counter_v$v.wat
  [[ $v == 3 ]] && wat=ports/cortex-m4/lifecycle/apps/counter_v3_trap.wat
  wat2wasm "$wat" -o "$st/counter-v$v.wasm"
  printf '{"app_id": "counter", "version": %s, "resources": {"memory_bytes": 65536, "stack_bytes": 1024, "fuel": 10000}, "grants": []}\n' \
    "$v" >"$st/v$v.json"
  "$picowasm" pack "$st/counter-v$v.wasm" --manifest "$st/v$v.json" --key "$st/vendor" \
    -o "$st/counter-v$v.pkg.wasm" >/dev/null
done
"$picowasm" pack "$st/counter-v2.wasm" --manifest "$st/v2.json" --key "$st/stranger" \
  -o "$st/counter-v2-stranger.pkg.wasm" >/dev/null
echo '{"publishers": [{"key": "vendor.pub", "grants": ["time", "log"]}]}' >"$st/policy.json"
img="$st/flash.img"
store=("$picowasm" store)
show "${store[@]}" format "$img"
show "${store[@]}" install "$img" "$st/counter-v1.pkg.wasm" --policy "$st/policy.json"
show "${store[@]}" run "$img" counter --board virtual
show "${store[@]}" confirm "$img" counter
# The update: v2 goes to the other slot, runs in trial, is confirmed; v1 stays as the fallback.
show "${store[@]}" install "$img" "$st/counter-v2.pkg.wasm" --policy "$st/policy.json"
show "${store[@]}" run "$img" counter --board virtual
show "${store[@]}" confirm "$img" counter
show "${store[@]}" list "$img"
# Refused before anything is recorded (exit status 5): no signature, a key the policy does not trust.
show_status "${store[@]}" install "$img" "$st/counter-v2.wasm" --policy "$st/policy.json"
show_status "${store[@]}" install "$img" "$st/counter-v2-stranger.pkg.wasm" --policy "$st/policy.json"
# Nothing was recorded, and nothing lost: v1 is still there as the fallback (refused packages only
# ever go to the spare slot).
show "${store[@]}" list "$img"
# A broken update: v3 is signed and valid, but traps; its trial run rolls back to v2.
show "${store[@]}" install "$img" "$st/counter-v3.pkg.wasm" --policy "$st/policy.json"
show_status "${store[@]}" run "$img" counter --board virtual
show "${store[@]}" run "$img" counter --board virtual
# Revocation: v2's package digest (from list --json) revoked; v3's install replaced v1, so nothing
# is left.
v2_digest=$("${store[@]}" list "$img" --json | python3 -c 'import json, sys
print([s for s in json.load(sys.stdin)["apps"][0]["slots"] if s.get("version") == 2][0]["digest"])')
show "${store[@]}" revoke "$img" --digest "$v2_digest"
show_status "${store[@]}" run "$img" counter --board virtual
rm -rf "$st"

# The same apps on the Cortex-M4 board, where QEMU and the Arm toolchain are installed: firmware
# hal-apps-m4 on QEMU mps2-an386 runs each app on the board's real peripherals (its LEDs, the
# SBCon I2C bus with a TMP105 at 25.0 C, the UART); log records and reports come first, then the
# app's UART output (ports/cortex-m4/README.md).
if command -v qemu-system-arm >/dev/null && command -v arm-none-eabi-gcc >/dev/null; then
  bash bench/cortex-m/cross-build.sh build/cortex-m4 speed hal-apps-m4
  show python3 ports/cortex-m4/hal_apps/run_hal_apps.py --show \
    --firmware build/cortex-m4/ports/cortex-m4/hal_apps/hal-apps-m4.elf \
    blink thermostat bad_pin spin wild_pointer
else
  echo
  echo "(qemu-system-arm or arm-none-eabi-gcc missing: no Cortex-M4 run)"
fi
