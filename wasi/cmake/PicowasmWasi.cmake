# PicowasmWasi.cmake: builds C programs for WASI (wasm32-wasi, Debian's wasi-libc and
# libclang-rt-14-dev-wasm32) into .wasm commands that `picowasm run` runs.
#
#   picowasm_add_wasi_program(<name> SOURCES src... [LIBS m...] [OUTPUT_DIR dir] [OPT -O2])
#
# Produces <OUTPUT_DIR>/<name>.wasm (property PICOWASM_WASI_WASM of target <name>-wasi). Compiling
# and linking are separate steps, and the link gets no -O (sdk/cmake/PicowasmWasmBuild.cmake, as
# for guest apps): clang would otherwise run wasm-opt when binaryen is on the PATH, and the output
# would depend on the machine. Debian's wasi-libc carries DWARF, four fifths of a program's bytes:
# the link drops it (the name section stays), so that the firmware embedding the programs
# (wasi_qemu) stays small.
include_guard(GLOBAL)
include(${CMAKE_CURRENT_LIST_DIR}/../../sdk/cmake/PicowasmWasmBuild.cmake)

find_program(PICOWASM_WASI_CLANG NAMES clang-14 clang)
# The sysroot clang finds by default on Debian; without it no WASI program can be built, and the
# tests that need them must not silently disappear: configuring fails instead.
set(PICOWASM_WASI_SYSROOT_LIBC /usr/lib/wasm32-wasi/libc.a)

function(picowasm_require_wasi_toolchain)
  if(NOT PICOWASM_WASI_CLANG OR NOT EXISTS ${PICOWASM_WASI_SYSROOT_LIBC})
    message(FATAL_ERROR "WASI test programs need clang and wasi-libc: install the Debian packages "
                        "wasi-libc and libclang-rt-14-dev-wasm32 (scripts/deps.sh)")
  endif()
endfunction()

function(picowasm_add_wasi_program name)
  cmake_parse_arguments(PARSE_ARGV 1 W "" "OUTPUT_DIR;OPT" "SOURCES;LIBS")
  picowasm_require_wasi_toolchain()
  if(NOT W_OUTPUT_DIR)
    set(W_OUTPUT_DIR ${CMAKE_CURRENT_BINARY_DIR})
  endif()
  if(NOT W_OPT)
    set(W_OPT -O2)
  endif()
  set(libs "")
  foreach(l IN LISTS W_LIBS)
    list(APPEND libs -l${l})
  endforeach()
  set(wasm ${W_OUTPUT_DIR}/${name}.wasm)
  picowasm_wasm_build(${name}-wasi OUTPUT ${wasm} OBJECT_DIR ${CMAKE_CURRENT_BINARY_DIR}/${name}.dir
    KIND "WASI program" SOURCES ${W_SOURCES}
    C_COMMAND ${PICOWASM_WASI_CLANG} --target=wasm32-wasi ${W_OPT} -Wall -Wextra -Werror
    LINK ${PICOWASM_WASI_CLANG} --target=wasm32-wasi
    LINK_AFTER ${libs} -Wl,--strip-debug -o ${wasm})
  set_target_properties(${name}-wasi PROPERTIES PICOWASM_WASI_WASM ${wasm})
endfunction()
