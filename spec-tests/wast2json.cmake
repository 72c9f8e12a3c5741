# Converts one .wast file with wast2json into its own folder (run with cmake -P at build time).
#   -DWAST2JSON=<tool> -DWAST=<file.wast> -DOUT_DIR=<folder> -DNAME=<name> -DFLAGS=<list>
# The folder is emptied first so no stale .wasm files survive a change of the .wast. wast2json
# 1.0.32 can exit 0 after printing validation errors, so any stderr output is an error too.
foreach(var WAST2JSON WAST OUT_DIR NAME)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "wast2json.cmake: ${var} not set")
  endif()
endforeach()

file(REMOVE_RECURSE "${OUT_DIR}")
file(MAKE_DIRECTORY "${OUT_DIR}")
execute_process(
  COMMAND "${WAST2JSON}" ${FLAGS} "${WAST}" -o "${OUT_DIR}/${NAME}.json"
  RESULT_VARIABLE status
  OUTPUT_VARIABLE out
  ERROR_VARIABLE err)
if(NOT status EQUAL 0 OR NOT err STREQUAL "")
  # Remove the output so the next build tries again instead of trusting a half result.
  file(REMOVE_RECURSE "${OUT_DIR}")
  message(FATAL_ERROR "wast2json ${FLAGS} ${WAST} failed (status ${status}):\n${err}${out}")
endif()
