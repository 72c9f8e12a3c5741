# PicowasmGuest.cmake: builds picowasm guest apps (C or C++ -> one .wasm each) with clang
# --target=wasm32 and wasm-ld, no libc, against sdk/include/pw_hal.h.
#
#   include(path/to/sdk/cmake/PicowasmGuest.cmake)
#   if(PICOWASM_GUEST_TOOLCHAIN_FOUND)
#     picowasm_add_guest(blink SOURCES blink.c)
#   endif()
#
#   picowasm_add_guest(<name> SOURCES src...
#                      [STACK_SIZE bytes]                        default 4096 (multiple of 16)
#                      [MEMORY_PAGES n | INITIAL_MEMORY bytes]   default 1 page (64 KiB)
#                      [MAX_MEMORY_PAGES n]                      default = initial; 0: no maximum
#                      [BYTE_PAGES] [HEAP_BYTES bytes]           1-byte pages, sized to fit
#                      [EXPORTS symbol...]                       besides pw_main
#                      [OUTPUT_DIR dir]                          default CMAKE_CURRENT_BINARY_DIR
#                      [OPT -O2|-Os|...]                         default -O2
#                      [TARGET name]                             default <name>-wasm
#                      [INCLUDE_DIRS dir...] [COMPILE_OPTIONS opt...] [DEPENDS file...]
#                      [EXCLUDE_FROM_ALL])
#
# Produces <OUTPUT_DIR>/<name>.wasm from a custom target (property PICOWASM_GUEST_WASM holds the
# path), also reachable through the aggregate target picowasm-guests. Every app must define
# pw_main (the link fails otherwise). The only undefined symbols allowed are imports declared
# with import_module/import_name (pw_hal.h's): anything else, such as a memcpy the compiler
# synthesised, fails the link instead of becoming an `env` import.
#
# BYTE_PAGES (the custom-page-sizes proposal, docs/guest.md): after the link, set_page_size.py
# rewrites the memory to 1-byte pages, min = max = stack + data + .bss (+ HEAP_BYTES), rounded up
# to 16: an app that needs 1.5 KiB then gets 1.5 KiB of linear memory instead of a 64 KiB page.
# The app must not count on 64 KiB pages (memory.size/memory.grow then count bytes).
#
# Compiling and linking are separate steps (PicowasmWasmBuild.cmake): when clang itself links for
# wasm with -O it runs wasm-opt if binaryen is on the PATH, which would make the output
# machine-dependent.
include_guard(GLOBAL)
include(${CMAKE_CURRENT_LIST_DIR}/PicowasmWasmBuild.cmake)

get_filename_component(PICOWASM_SDK_DIR "${CMAKE_CURRENT_LIST_DIR}/.." ABSOLUTE)
set(PICOWASM_SDK_INCLUDE_DIR "${PICOWASM_SDK_DIR}/include")

find_program(PICOWASM_WASM_CLANG NAMES clang-14 clang)
find_program(PICOWASM_WASM_LD NAMES wasm-ld-14 wasm-ld)
if(PICOWASM_WASM_CLANG AND PICOWASM_WASM_LD)
  set(PICOWASM_GUEST_TOOLCHAIN_FOUND TRUE)
else()
  set(PICOWASM_GUEST_TOOLCHAIN_FOUND FALSE)
endif()

# -ffreestanding: clang's own <stdint.h>, not the host's. -fno-builtin: loops stay loops, not
# memset/strlen calls. -mbulk-memory (Wasm 2.0): the copies and fills clang does emit (struct
# copies, array initialisers) become memory.copy/memory.fill, not calls into a libc we lack.
set(PICOWASM_GUEST_C_FLAGS --target=wasm32 -ffreestanding -fno-builtin -nostdlib -mbulk-memory
    -Wall -Wextra)

function(picowasm_add_guest name)
  cmake_parse_arguments(PARSE_ARGV 1 G "EXCLUDE_FROM_ALL;BYTE_PAGES"
    "STACK_SIZE;MEMORY_PAGES;INITIAL_MEMORY;MAX_MEMORY_PAGES;OUTPUT_DIR;OPT;TARGET;HEAP_BYTES"
    "SOURCES;EXPORTS;INCLUDE_DIRS;COMPILE_OPTIONS;DEPENDS")
  if(G_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "picowasm_add_guest(${name}): unknown arguments ${G_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT G_SOURCES)
    message(FATAL_ERROR "picowasm_add_guest(${name}): no SOURCES")
  endif()
  if(NOT PICOWASM_GUEST_TOOLCHAIN_FOUND)
    message(FATAL_ERROR "picowasm_add_guest(${name}): clang or wasm-ld (Debian: lld) not found")
  endif()

  # ---- Memory layout: checked here, so a typo fails at configure time, not in wasm-ld ----------
  if(NOT DEFINED G_STACK_SIZE)
    set(G_STACK_SIZE 4096)
  endif()
  math(EXPR _misaligned "${G_STACK_SIZE} % 16")
  if(G_STACK_SIZE LESS 16 OR NOT _misaligned EQUAL 0)
    message(FATAL_ERROR "picowasm_add_guest(${name}): STACK_SIZE must be a multiple of 16 >= 16")
  endif()
  if(DEFINED G_MEMORY_PAGES AND DEFINED G_INITIAL_MEMORY)
    message(FATAL_ERROR "picowasm_add_guest(${name}): MEMORY_PAGES or INITIAL_MEMORY, not both")
  elseif(DEFINED G_INITIAL_MEMORY)
    math(EXPR _partial "${G_INITIAL_MEMORY} % 65536")
    if(NOT _partial EQUAL 0 OR G_INITIAL_MEMORY LESS 65536)
      message(FATAL_ERROR
        "picowasm_add_guest(${name}): INITIAL_MEMORY must be a multiple of 65536 (one page)")
    endif()
    math(EXPR _pages "${G_INITIAL_MEMORY} / 65536")
  elseif(DEFINED G_MEMORY_PAGES)
    set(_pages ${G_MEMORY_PAGES})
  else()
    set(_pages 1)
  endif()
  if(_pages LESS 1)
    message(FATAL_ERROR "picowasm_add_guest(${name}): at least one memory page")
  endif()
  math(EXPR _initial "${_pages} * 65536")
  if(NOT G_STACK_SIZE LESS _initial)
    message(FATAL_ERROR "picowasm_add_guest(${name}): STACK_SIZE does not fit the memory")
  endif()
  set(_memory_flags --initial-memory=${_initial})
  if(NOT DEFINED G_MAX_MEMORY_PAGES)
    set(G_MAX_MEMORY_PAGES ${_pages})
  endif()
  if(NOT G_MAX_MEMORY_PAGES EQUAL 0)
    if(G_MAX_MEMORY_PAGES LESS _pages)
      message(FATAL_ERROR "picowasm_add_guest(${name}): MAX_MEMORY_PAGES below the initial size")
    endif()
    math(EXPR _max "${G_MAX_MEMORY_PAGES} * 65536")
    list(APPEND _memory_flags --max-memory=${_max})
  endif()

  if(NOT G_OUTPUT_DIR)
    set(G_OUTPUT_DIR ${CMAKE_CURRENT_BINARY_DIR})
  endif()
  if(NOT G_OPT)
    set(G_OPT -O2)
  endif()
  if(NOT G_TARGET)
    set(G_TARGET ${name}-wasm)
  endif()
  set(_wasm ${G_OUTPUT_DIR}/${name}.wasm)
  set(_obj_dir ${CMAKE_CURRENT_BINARY_DIR}/CMakeFiles/${G_TARGET}.dir)

  set(_includes -I${PICOWASM_SDK_INCLUDE_DIR})
  foreach(dir IN LISTS G_INCLUDE_DIRS)
    get_filename_component(dir ${dir} ABSOLUTE)
    list(APPEND _includes -I${dir})
  endforeach()
  set(_compile_after ${G_OPT} ${_includes} ${G_COMPILE_OPTIONS})

  # ---- Link: no entry, stack first (an overflow traps below address 0 instead of overwriting
  # data), fixed memory, pw_main and the requested exports -------------------------------------
  set(_exports --export=pw_main)
  foreach(sym IN LISTS G_EXPORTS)
    list(APPEND _exports --export=${sym})
  endforeach()
  if(G_BYTE_PAGES)
    # Linked with 64 KiB pages first; __heap_base tells the rewrite where .bss ends.
    find_program(PICOWASM_GUEST_PYTHON3 python3 REQUIRED)
    if(NOT DEFINED G_HEAP_BYTES)
      set(G_HEAP_BYTES 0)
    endif()
    set(_linked ${_obj_dir}/${name}.64k.wasm)
    set(_rewrite ${PICOWASM_GUEST_PYTHON3} ${PICOWASM_SDK_DIR}/cmake/set_page_size.py
                 ${_linked} ${_wasm} --extra ${G_HEAP_BYTES})
    list(APPEND _exports --export=__heap_base)
  else()
    set(_linked ${_wasm})
    set(_rewrite)
  endif()

  set(_exclude)
  if(G_EXCLUDE_FROM_ALL)
    set(_exclude EXCLUDE_FROM_ALL)
  endif()
  picowasm_wasm_build(${G_TARGET} OUTPUT ${_wasm} OBJECT_DIR ${_obj_dir} KIND "wasm32 guest"
    SOURCES ${G_SOURCES}
    C_COMMAND ${PICOWASM_WASM_CLANG} ${PICOWASM_GUEST_C_FLAGS} -x c -std=c99 ${_compile_after}
    CXX_COMMAND ${PICOWASM_WASM_CLANG} ${PICOWASM_GUEST_C_FLAGS} -x c++ -std=c++17 -fno-exceptions
                -fno-rtti ${_compile_after}
    LINK ${PICOWASM_WASM_LD} -m wasm32 --no-entry --stack-first -z stack-size=${G_STACK_SIZE}
         ${_memory_flags} ${_exports} -o ${_linked}
    POST_LINK ${_rewrite}
    DEPENDS ${G_DEPENDS} LINK_DEPENDS ${PICOWASM_SDK_DIR}/cmake/set_page_size.py ${_exclude})
  set_target_properties(${G_TARGET} PROPERTIES PICOWASM_GUEST_WASM ${_wasm})
  if(NOT TARGET picowasm-guests)
    add_custom_target(picowasm-guests)
  endif()
  add_dependencies(picowasm-guests ${G_TARGET})
endfunction()
