#!/usr/bin/env bash
# Flash and RAM cost of the app-package parser, the verifier and the app store (package/, store/)
# on Cortex-M4, arm-none-eabi-gcc -Os: package/footprint/measure_m4.cpp linked five times (nothing;
# open(); open() + verify() with verify_pooled, mbedTLS on its static pool; + admit() with the
# engine's load(); + the store's operations) with --gc-sections; the differences are what each
# part adds to a firmware. mbedTLS comes from Debian's source package (apt-get source mbedtls,
# which needs a deb-src entry for bookworm: scripts/deps.sh adds it), built with
# package/device/mbedtls_config.h as the firmware build does (package/device/CMakeLists.txt).
# The engine and the board layer come from a -Os cross build (bench/cortex-m/cross-build.sh size).
# Where QEMU and the host CLI ($PICOWASM_CLI, default build/ports/host/picowasm) are there, it also
# runs package/footprint/verify_m4.cpp on QEMU mps2-an386: the instructions to open and verify a
# signed package of $PICOWASM_PACKAGE_KIB KiB (default 16, about a CoreMark module) and the verify
# pool's high-water mark. mbedTLS is built with MBEDTLS_ECP_NIST_OPTIM (5x faster P-256, 0.8 KiB
# more); PICOWASM_MBEDTLS_FAST=0 leaves it out.
#   scripts/package-footprint-m4.sh [BUILD_DIR]     (default build/package-m4)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-$root/build/package-m4}"
mkdir -p "$build"
build="$(cd "$build" && pwd)"

bash "$root/package/device/fetch_mbedtls.sh" "$build/_deps"
src="$build/_deps/mbedtls"

cpu=(-mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16)
common=("${cpu[@]}" -Os -ffunction-sections -fdata-sections
        "-DMBEDTLS_CONFIG_FILE=\"$root/package/device/mbedtls_config.h\""
        -I"$src/include" -I"$root/include" -I"$root/board/include" -I"$root/package/include"
        -I"$root/store/include")
[[ "${PICOWASM_MBEDTLS_FAST:-1}" == 1 ]] || common+=(-DPICOWASM_MBEDTLS_NO_NIST_OPTIM)
obj="$build/obj"
rm -rf "$obj"
mkdir -p "$obj"
for f in bignum ecp ecp_curves ecdsa asn1parse asn1write sha256 platform_util constant_time \
         platform memory_buffer_alloc; do
  arm-none-eabi-gcc "${common[@]}" -c "$src/library/$f.c" -o "$obj/mbedtls_$f.o"
done
for f in manifest digest verify_mbedtls verify_pool admit; do
  arm-none-eabi-g++ -std=c++17 "${common[@]}" -fno-exceptions -fno-rtti -fno-threadsafe-statics \
    -c "$root/package/src/$f.cpp" -o "$obj/package_$f.o"
done
arm-none-eabi-g++ -std=c++17 "${common[@]}" -fno-exceptions -fno-rtti -fno-threadsafe-statics \
  -c "$root/store/src/store.cpp" -o "$obj/store.o"
arm-none-eabi-ar rcs "$obj/libpkg.a" "$obj"/package_*.o "$obj"/store.o "$obj"/mbedtls_*.o
# The engine and the board layer (admit() loads the module; the grants), -Os.
bash "$root/bench/cortex-m/cross-build.sh" "$build/engine" size picowasm picowasm_board
engine=("$build/engine/libpicowasm.a" "$build/engine/board/libpicowasm_board.a")

declare -A flash ram
for m in 0 1 2 3 4; do
  arm-none-eabi-g++ -std=c++17 "${common[@]}" -fno-exceptions -fno-rtti -DMEASURE=$m \
    -nostartfiles -Wl,--gc-sections -Wl,-e,measure -Wl,-Map,"$build/measure$m.map" \
    --specs=nano.specs --specs=nosys.specs \
    "$root/package/footprint/measure_m4.cpp" "$obj/libpkg.a" "${engine[@]}" -o "$build/measure$m.elf"
  read -r text data bss < <(arm-none-eabi-size "$build/measure$m.elf" | awk 'NR == 2 { print $1, $2, $3 }')
  flash[$m]=$((text + data))
  ram[$m]=$((data + bss))
done
echo "== package parser and verifier on Cortex-M4, arm-none-eabi-gcc $(arm-none-eabi-gcc -dumpversion) -Os, $(basename "$src")$([[ "${PICOWASM_MBEDTLS_FAST:-1}" == 1 ]] && echo ", MBEDTLS_ECP_NIST_OPTIM")"
echo "parser (open: section, COSE_Sign1, manifest):              $((flash[1] - flash[0])) bytes flash"
echo "digests + ECDSA P-256 verify (mbedTLS on the pool):         $((flash[2] - flash[1])) bytes flash, $((ram[2] - ram[1])) bytes RAM (VerifyContext: keyring + pool)"
echo "admit (policy checks + the engine's load()):                $((flash[3] - flash[2])) bytes flash"
echo "store (mount ... uninstall):                                $((flash[4] - flash[3])) bytes flash, $((ram[4] - ram[3])) bytes RAM (Store + InstallInfo)"
echo "package_flash_bytes=$((flash[2] - flash[0])) store_flash_bytes=$((flash[4] - flash[3]))"

cli="${PICOWASM_CLI:-$root/build/ports/host/picowasm}"
if ! command -v qemu-system-arm >/dev/null || [[ ! -x "$cli" ]]; then
  echo "(qemu-system-arm or $cli missing: no instruction count)"
  exit 0
fi
kib="${PICOWASM_PACKAGE_KIB:-16}"
# A module of that size: an empty module with one custom section of padding (hashing cost depends
# only on the bytes), packed with a fresh key.
python3 - "$build/module.wasm" "$kib" <<'PY'
import sys
size = int(sys.argv[2]) * 1024
name = b"pad"
body_len = size - 8 - 1 - 3  # header, section id, 3-byte LEB128 size
content = bytes([len(name)]) + name + bytes(body_len - 1 - len(name))
leb = bytes([(body_len & 0x7F) | 0x80, ((body_len >> 7) & 0x7F) | 0x80, body_len >> 14])
open(sys.argv[1], "wb").write(b"\0asm\1\0\0\0" + b"\0" + leb + content)
PY
rm -f "$build/key" "$build/key.pub"
"$cli" keygen "$build/key" >/dev/null
echo '{"app_id": "coremark-sized", "version": 1, "resources": {"memory_bytes": 0, "stack_bytes": 4096, "fuel": 1000000}, "grants": ["time"]}' >"$build/manifest.json"
"$cli" pack "$build/module.wasm" --manifest "$build/manifest.json" --key "$build/key" \
  -o "$build/package.wasm" >/dev/null
python3 - "$build/package.wasm" "$build/key.pub" "$build/verify_m4_data.h" <<'PY'
import base64, sys
pkg = open(sys.argv[1], "rb").read()
pem = open(sys.argv[2]).read().split("-----")[2]
point = base64.b64decode("".join(pem.split()))[-65:]  # SubjectPublicKeyInfo ends with the point
def arr(b): return ",".join(str(x) for x in b)
open(sys.argv[3], "w").write(
    "#include <stddef.h>\n#include <stdint.h>\n"
    f"static const uint8_t kPackage[] = {{{arr(pkg)}}};\n"
    f"static const size_t kPackageSize = {len(pkg)};\n"
    f"static const uint8_t kPublicKey[65] = {{{arr(point)}}};\n")
PY
port="$root/ports/cortex-m4"
# The board library: the port's sources and the printf every port shares (ports/common).
for f in "$port/startup.c" "$port/uart.c" "$port/timer.c" "$root/ports/common/arm_semihosting.c" \
  "$root/ports/common/board_printf.c"; do
  arm-none-eabi-gcc "${cpu[@]}" -Os -ffunction-sections -fdata-sections -I"$port" \
    -I"$root/ports/common" -c "$f" -o "$obj/port_$(basename "$f" .c).o"
done
arm-none-eabi-g++ -std=c++17 "${common[@]}" -fno-exceptions -fno-rtti -fno-threadsafe-statics \
  -I"$port" -I"$root/ports/common" -I"$build" -nostartfiles -T"$port/mps2_an386.ld" -L"$port" \
  -Wl,--gc-sections \
  --specs=nano.specs --specs=nosys.specs "$root/package/footprint/verify_m4.cpp" \
  "$obj"/port_*.o "$obj/libpkg.a" "${engine[@]}" -o "$build/verify_m4.elf"
out=$(QEMU_M4_TIMEOUT=300 bash "$root/scripts/run-qemu-m4.sh" "$build/verify_m4.elf")
echo "$out"
grep -q "status ok" <<<"$out" || { echo "verify_m4 did not verify the package" >&2; exit 1; }
