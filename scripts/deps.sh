#!/usr/bin/env bash
# Installs the Debian packages needed to build and test picowasm, but only those that are missing.
# As root it installs them with apt-get; otherwise it lists them and fails. Silent when all are
# present. Targets Debian 12 (bookworm).
set -euo pipefail

# One line per purpose; a new toolchain is one more line here.
packages=(
  cmake make g++ clang                              # build
  wabt                                              # wat2wasm, wast2json: examples, spec suite
  libgtest-dev libgmock-dev libbenchmark-dev        # tests and benchmarks
  libspdlog-dev libfmt-dev nlohmann-json3-dev       # host CLI and spec runner
  libmbedtls-dev openssl                            # app packages: SHA-256, ECDSA; interop test
  dpkg-dev                                          # apt-get source mbedtls (firmware build)
  lld                                               # wasm-ld: benchmark modules (clang wasm32)
  binaryen python3                                  # differential test: wasm-opt -ttf, driver
  valgrind                                          # bench-compare.sh: exact x86-64 instruction counts
  python3-jsonschema                                # run records: CLI JSON against its schema
  wasi-libc libclang-rt-14-dev-wasm32               # WASI test programs (clang wasm32-wasi)
  gcc-arm-none-eabi libnewlib-arm-none-eabi         # Cortex-M4 port: cross compiler, newlib-nano,
  libstdc++-arm-none-eabi-newlib qemu-system-arm    # libstdc++ headers; QEMU mps2-an38x/an505
  gcc-riscv64-unknown-elf picolibc-riscv64-unknown-elf  # RISC-V port: rv32imac compiler, C library,
  qemu-system-misc                                  # qemu-system-riscv32 (virt)
)

# The Cortex-M firmware compiles mbedTLS from Debian's source package (package/device/), which
# `apt-get source` fetches through a deb-src entry for bookworm: added here (as root) if missing.
if ! apt-get source --print-uris mbedtls >/dev/null 2>&1; then
  if [[ "$(id -u)" -ne 0 ]]; then
    echo "picowasm needs a deb-src entry for bookworm (apt-get source mbedtls); as root run:" >&2
    echo "  scripts/deps.sh" >&2
    exit 1
  fi
  echo "deps.sh: adding a deb-src entry for bookworm (/etc/apt/sources.list.d/picowasm-deb-src.sources)"
  cat >/etc/apt/sources.list.d/picowasm-deb-src.sources <<'SRC'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
  apt-get update -q
fi

is_installed() {
  [[ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" == installed ]]
}

missing=()
for pkg in "${packages[@]}"; do
  is_installed "$pkg" || missing+=("$pkg")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

if [[ "$(id -u)" -ne 0 ]]; then
  echo "picowasm needs these Debian packages, which are not installed:" >&2
  echo "  ${missing[*]}" >&2
  echo "install them as root:" >&2
  echo "  apt-get update && apt-get install -y --no-install-recommends ${missing[*]}" >&2
  exit 1
fi

echo "deps.sh: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
