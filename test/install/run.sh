#!/usr/bin/env bash
# install_consumer: installs the build tree's picowasm into a fresh prefix and builds a separate
# project against it three ways (find_package, pkg-config, add_subdirectory), running each.
#   run.sh SOURCE_DIR BUILD_DIR
# Checks: the consumer runs and prints the module's result; the installed tree holds the public
# headers and no internal ones; as a subproject only the libraries build and none of the
# project's own flags (warnings-as-errors, -fno-exceptions) reach the consumer's compile line,
# while C++17 does (the consumer asks for C++14), and the parent's build type is left unset.
set -euo pipefail
src="$1" build="$2"
work="$build/install-consumer"
rm -rf "$work"
mkdir -p "$work"
prefix="$work/prefix"
fail() { echo "install_consumer: FAIL: $*" >&2; exit 1; }
expect='add(40, 2) = 42 via pw_gpio'

cmake --install "$build" --prefix "$prefix" >/dev/null
for f in include/picowasm/picowasm.hpp include/picowasm/picowasm.h include/picowasm/config.h \
         include/picowasm/board.hpp include/picowasm/board_drivers.h \
         share/picowasm/sdk/include/pw_hal.h share/picowasm/sdk/cmake/PicowasmGuest.cmake; do
  [[ -f "$prefix/$f" ]] || fail "not installed: $f"
done
libdir=$(dirname "$(find "$prefix" -name libpicowasm.a | head -n1)")
[[ -f "$libdir/libpicowasm.a" && -f "$libdir/libpicowasm_board.a" ]] || fail "libraries not installed"
[[ -f "$libdir/cmake/picowasm/picowasmConfigVersion.cmake" ]] || fail "no package version file"
if find "$prefix" -path '*runtime*' -o -name 'interpreter*' | grep -q .; then
  fail "internal headers installed"
fi

echo "== find_package"
cmake -S "$src/test/install" -B "$work/pkg" -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$work/pkg" >/dev/null
out=$("$work/pkg/consumer")
[[ "$out" == "$expect" ]] || fail "find_package consumer printed '$out'"
echo "$out"
# 0.x: another minor version is not promised compatible, so asking for 0.2 is refused.
if cmake -S "$src/test/install" -B "$work/pkg-0.2" -DCMAKE_PREFIX_PATH="$prefix" \
     -DPICOWASM_WANT=0.2 >/dev/null 2>&1; then
  fail "find_package(picowasm 0.2) accepted the 0.1 package"
fi

echo "== pkg-config"
pc_flags=$(PKG_CONFIG_PATH="$libdir/pkgconfig" pkg-config --cflags --libs picowasm)
c++ -std=c++17 -o "$work/consumer-pc" "$src/test/install/consumer.cpp" $pc_flags
out=$("$work/consumer-pc")
[[ "$out" == "$expect" ]] || fail "pkg-config consumer printed '$out'"
echo "$out"

echo "== add_subdirectory"
cmake -S "$src/test/install" -B "$work/sub" -DPICOWASM_SOURCE_DIR="$src" >/dev/null
targets=$(cmake --build "$work/sub" --target help)
for t in picowasm_cli picowasm-spec bench-wasm picowasm-board-test examples-apps; do
  if grep -qw -- "$t" <<<"$targets"; then fail "subproject builds $t"; fi
done
cmake --build "$work/sub" -j2 >/dev/null
out=$("$work/sub/consumer")
[[ "$out" == "$expect" ]] || fail "subproject consumer printed '$out'"
echo "$out"
line=$(python3 -c 'import json,sys
for e in json.load(open(sys.argv[1])):
    if e["file"].endswith("consumer.cpp"): print(e["command"])' "$work/sub/compile_commands.json")
[[ -n "$line" ]] || fail "no compile line for consumer.cpp"
for flag in -Werror -Wall -fno-exceptions -fno-rtti; do
  if grep -qw -- "$flag" <<<"$line"; then fail "the consumer's compile line has $flag: $line"; fi
done
# The consumer asks for C++14; picowasm's targets raise it to the C++17 its headers need.
grep -Eq -- '-std=(c|gnu)\+\+17' <<<"$line" || fail "C++17 is not a usage requirement: $line"
# A parent that chose no build type keeps none (picowasm picks RelWithDebInfo only top-level).
build_type=$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$work/sub/CMakeCache.txt")
[[ -z "$build_type" ]] || fail "the subproject set the parent's build type to $build_type"
echo "install_consumer: ok"
