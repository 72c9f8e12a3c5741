# CTest sdk.link_refuses_opt (cmake -P): picowasm_wasm_build refuses a link command with an -O
# flag, which would let clang run wasm-opt behind the build's back. It fails at the check, before
# any command is added (add_custom_command is not available in script mode anyway).
include(${CMAKE_CURRENT_LIST_DIR}/../cmake/PicowasmWasmBuild.cmake)
picowasm_wasm_build(probe OUTPUT ${CMAKE_CURRENT_LIST_DIR}/probe.wasm OBJECT_DIR probe.dir
                    KIND "test" SOURCES probe.c C_COMMAND clang --target=wasm32 -O2
                    LINK clang --target=wasm32-wasi LINK_AFTER -Os -o probe.wasm)
message(FATAL_ERROR "picowasm_wasm_build accepted -Os in the link")
