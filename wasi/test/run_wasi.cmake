# Runs a WASI program through the CLI and checks its exit status, its stdout byte for byte against
# a file written by hand, and optionally its stderr against a regex.
#   cmake -DCLI=path "-DARGS=a|b" -DEXPECTED_STATUS=N -DEXPECTED=file [-DINPUT=file]
#         [-DSTDERR_REGEX=re] -P run_wasi.cmake
string(REPLACE "|" ";" args "${ARGS}")
if(INPUT)
  set(input INPUT_FILE ${INPUT})
else()
  set(input INPUT_FILE /dev/null)
endif()
execute_process(COMMAND ${CLI} ${args} ${input} RESULT_VARIABLE status OUTPUT_VARIABLE out
                ERROR_VARIABLE err)
message("stdout:\n${out}\nstderr:\n${err}")
if(NOT status STREQUAL EXPECTED_STATUS)
  message(FATAL_ERROR "exit status ${status}, expected ${EXPECTED_STATUS}")
endif()
file(READ ${EXPECTED} expected)
if(NOT out STREQUAL expected)
  message(FATAL_ERROR "stdout differs from ${EXPECTED}:\n${expected}")
endif()
if(DEFINED STDERR_REGEX AND NOT err MATCHES "${STDERR_REGEX}")
  message(FATAL_ERROR "stderr does not match: ${STDERR_REGEX}")
endif()
