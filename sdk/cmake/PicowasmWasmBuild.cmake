# PicowasmWasmBuild.cmake: the compile-then-link steps that turn C/C++ sources into one .wasm,
# shared by picowasm_add_guest (PicowasmGuest.cmake: no libc, wasm-ld) and
# picowasm_add_wasi_program (wasi/cmake/PicowasmWasi.cmake: wasi-libc, clang as the linker).
#
#   picowasm_wasm_build(<target> OUTPUT <wasm> OBJECT_DIR <dir> KIND <words for messages>
#                       SOURCES src...
#                       C_COMMAND <compiler and flags for C>... [CXX_COMMAND <... for C++>...]
#                       LINK <linker and flags>... [LINK_AFTER <flags after the objects>...]
#                       [POST_LINK <command run after the link>...]
#                       [DEPENDS file...] [LINK_DEPENDS file...] [EXCLUDE_FROM_ALL])
#
# Each source becomes <OBJECT_DIR>/<file name>.o by `<C or CXX_COMMAND> -MD -MF <o>.d -c -o <o>
# <source>` (.cc/.cpp/.cxx are C++, anything else C; the depfile tracks the headers); then
# `<LINK> <objects> <LINK_AFTER>` and POST_LINK produce OUTPUT, and the custom target <target>
# (in ALL unless EXCLUDE_FROM_ALL) depends on it.
#
# Compiling and linking are separate steps on purpose, and the link must not carry an -O flag:
# when clang links for wasm with -O it runs wasm-opt if binaryen is on the PATH, so the module's
# bytes would depend on the machine. A LINK or LINK_AFTER argument starting with -O is refused.
include_guard(GLOBAL)

function(picowasm_wasm_build target)
  cmake_parse_arguments(PARSE_ARGV 1 B "EXCLUDE_FROM_ALL" "OUTPUT;OBJECT_DIR;KIND"
    "SOURCES;C_COMMAND;CXX_COMMAND;LINK;LINK_AFTER;POST_LINK;DEPENDS;LINK_DEPENDS")
  foreach(required OUTPUT OBJECT_DIR KIND SOURCES C_COMMAND LINK)
    if(NOT B_${required})
      message(FATAL_ERROR "picowasm_wasm_build(${target}): no ${required}")
    endif()
  endforeach()
  foreach(arg IN LISTS B_LINK B_LINK_AFTER)
    if(arg MATCHES "^-O")
      message(FATAL_ERROR "picowasm_wasm_build(${target}): ${arg} in the link: clang would run "
                          "wasm-opt when it is on the PATH (optimise when compiling instead)")
    endif()
  endforeach()
  get_filename_component(name ${B_OUTPUT} NAME_WLE)

  set(objects)
  foreach(src IN LISTS B_SOURCES)
    get_filename_component(src ${src} ABSOLUTE)
    get_filename_component(base ${src} NAME)
    get_filename_component(ext ${src} LAST_EXT)
    if(ext MATCHES "^\\.(cc|cpp|cxx)$")
      if(NOT B_CXX_COMMAND)
        message(FATAL_ERROR "picowasm_wasm_build(${target}): ${base} is C++, which ${B_KIND} "
                            "builds do not take")
      endif()
      set(compile ${B_CXX_COMMAND})
    else()
      set(compile ${B_C_COMMAND})
    endif()
    set(obj ${B_OBJECT_DIR}/${base}.o)
    add_custom_command(
      OUTPUT ${obj}
      COMMAND ${CMAKE_COMMAND} -E make_directory ${B_OBJECT_DIR}
      COMMAND ${compile} -MD -MF ${obj}.d -c -o ${obj} ${src}
      DEPENDS ${src} ${B_DEPENDS}
      DEPFILE ${obj}.d
      COMMENT "Compiling ${B_KIND} object ${name}/${base}"
      VERBATIM)
    list(APPEND objects ${obj})
  endforeach()

  set(post)
  if(B_POST_LINK)
    set(post COMMAND ${B_POST_LINK})
  endif()
  get_filename_component(out_dir ${B_OUTPUT} DIRECTORY)
  add_custom_command(
    OUTPUT ${B_OUTPUT}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${out_dir}
    COMMAND ${B_LINK} ${objects} ${B_LINK_AFTER}
    ${post}
    DEPENDS ${objects} ${B_LINK_DEPENDS}
    COMMENT "Linking ${B_KIND} ${name}.wasm"
    VERBATIM)

  set(all ALL)
  if(B_EXCLUDE_FROM_ALL)
    set(all)
  endif()
  add_custom_target(${target} ${all} DEPENDS ${B_OUTPUT} SOURCES ${B_SOURCES})
endfunction()
