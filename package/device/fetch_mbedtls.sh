#!/usr/bin/env bash
# Unpacks mbedTLS 2.28 from Debian's source package into DEST/mbedtls (once: a later run finds the
# stamp and does nothing), for the device build of the package verifier (mbedtls_device.cmake).
# `apt-get source` needs a deb-src entry for bookworm and dpkg-dev: scripts/deps.sh sets up both.
#   fetch_mbedtls.sh DEST
set -euo pipefail
dest=$1
stamp="$dest/mbedtls.stamp"
[[ -f "$stamp" ]] && exit 0  # cached: CMake runs this only while the stamp is missing

fail() {
  echo "picowasm: cannot get mbedTLS's sources for the device build: $1" >&2
  echo "picowasm: they come from Debian's source package (apt-get source mbedtls), which needs a" >&2
  echo "picowasm: deb-src entry for bookworm and dpkg-dev: run scripts/deps.sh as root" >&2
  exit 1
}
command -v apt-get >/dev/null || fail "apt-get not found"
command -v dpkg-source >/dev/null || fail "dpkg-source not found (Debian package dpkg-dev)"

mkdir -p "$dest"
tmp="$(mktemp -d "$dest/fetch.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
if ! (cd "$tmp" && apt-get source -q mbedtls) >"$tmp.log" 2>&1; then
  cat "$tmp.log" >&2
  rm -f "$tmp.log"
  fail "apt-get source mbedtls failed"
fi
rm -f "$tmp.log"
src="$(find "$tmp" -maxdepth 1 -type d -name 'mbedtls-2.28.*' | head -n1)"
[[ -n "$src" ]] || fail "apt-get source unpacked no mbedtls-2.28.* folder (the config is for 2.28)"
rm -rf "$dest/mbedtls"
mv "$src" "$dest/mbedtls"
basename "$src" >"$stamp"
echo "picowasm: $(cat "$stamp") from Debian's source package in $dest/mbedtls"
