# Runs the CLI and checks both its exit status and its combined stdout+stderr.
#   cmake -DCLI=path "-DARGS=a|b" -DEXPECTED_STATUS=N -DREGEX=re -P check_cli.cmake
# The regex sees the output with leading/trailing whitespace stripped.
string(REPLACE "|" ";" args "${ARGS}")
execute_process(COMMAND ${CLI} ${args} RESULT_VARIABLE status OUTPUT_VARIABLE out
                ERROR_VARIABLE out)
string(STRIP "${out}" out)
message("${out}")
if(NOT status STREQUAL EXPECTED_STATUS)
  message(FATAL_ERROR "exit status ${status}, expected ${EXPECTED_STATUS}")
endif()
if(NOT out MATCHES "${REGEX}")
  message(FATAL_ERROR "output does not match: ${REGEX}")
endif()
