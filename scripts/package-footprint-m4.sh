#!/usr/bin/env bash
# Flash cost of the app-package parser and verifier (package/) on Cortex-M4, arm-none-eabi-gcc -Os:
# package/footprint/measure_m4.cpp linked three times (nothing; open(); open() + verify() with
# the mbedTLS hook) with --gc-sections; the differences are what each part adds to a firmware.
# mbedTLS comes from Debian's source package (apt-get source mbedtls, which needs a deb-src entry
# for bookworm: added as root if missing), built with package/footprint/mbedtls_config_m4.h.
#   scripts/package-footprint-m4.sh [BUILD_DIR]     (default build/package-m4)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-$root/build/package-m4}"
mkdir -p "$build"
build="$(cd "$build" && pwd)"

src="$(find "$build" -maxdepth 1 -type d -name 'mbedtls-2.*' | head -n1)"
if [[ -z "$src" ]]; then
  if ! apt-get source --print-uris mbedtls >/dev/null 2>&1; then
    [[ "$(id -u)" -eq 0 ]] || { echo "needs a deb-src entry for bookworm (run as root to add one)" >&2; exit 1; }
    cat >/etc/apt/sources.list.d/picowasm-deb-src.sources <<'SRC'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
    apt-get update -q >/dev/null
  fi
  (cd "$build" && apt-get source -q mbedtls >/dev/null 2>&1)
  src="$(find "$build" -maxdepth 1 -type d -name 'mbedtls-2.*' | head -n1)"
  [[ -n "$src" ]] || { echo "apt-get source mbedtls failed" >&2; exit 1; }
fi

cpu=(-mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16)
common=("${cpu[@]}" -Os -ffunction-sections -fdata-sections
        "-DMBEDTLS_CONFIG_FILE=\"$root/package/footprint/mbedtls_config_m4.h\""
        -I"$src/include" -I"$root/include" -I"$root/board/include" -I"$root/package/include")
obj="$build/obj"
mkdir -p "$obj"
for f in bignum ecp ecp_curves ecdsa asn1parse asn1write sha256 platform_util constant_time; do
  arm-none-eabi-gcc "${common[@]}" -c "$src/library/$f.c" -o "$obj/mbedtls_$f.o"
done
for f in manifest digest verify_mbedtls; do
  arm-none-eabi-g++ -std=c++17 "${common[@]}" -fno-exceptions -fno-rtti -fno-threadsafe-statics \
    -c "$root/package/src/$f.cpp" -o "$obj/package_$f.o"
done
arm-none-eabi-ar rcs "$obj/libpkg.a" "$obj"/package_*.o "$obj"/mbedtls_*.o

declare -A flash
for m in 0 1 2; do
  arm-none-eabi-g++ -std=c++17 "${common[@]}" -fno-exceptions -fno-rtti -DMEASURE=$m \
    -nostartfiles -Wl,--gc-sections -Wl,-e,measure -Wl,-Map,"$build/measure$m.map" \
    --specs=nano.specs --specs=nosys.specs \
    "$root/package/footprint/measure_m4.cpp" "$obj/libpkg.a" -o "$build/measure$m.elf"
  read -r text data _ < <(arm-none-eabi-size "$build/measure$m.elf" | awk 'NR == 2 { print $1, $2, $3 }')
  flash[$m]=$((text + data))
done
echo "== package parser and verifier on Cortex-M4, arm-none-eabi-gcc $(arm-none-eabi-gcc -dumpversion) -Os, $(basename "$src")"
echo "parser (open: section, COSE_Sign1, manifest):              $((flash[1] - flash[0])) bytes"
echo "digests + ECDSA P-256 verify (mbedTLS, libc malloc & co.): $((flash[2] - flash[1])) bytes"
echo "package_flash_bytes=$((flash[2] - flash[0]))"
