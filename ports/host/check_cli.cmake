# Runs the CLI and checks both its exit status and its combined stdout+stderr.
#   cmake -DCLI=path "-DARGS=a|b" -DEXPECTED_STATUS=N -DREGEX=re [-DNO_CONTROL=ON]
#         [-DJSON_PARSER=python3] -P check_cli.cmake
# The regex sees the output with leading/trailing whitespace stripped. NO_CONTROL: the output must
# not contain control characters other than tab, newline and carriage return (a raw ESC from a
# module's name, say). JSON_PARSER: stdout alone must be one JSON document (checked with Python's
# json module).
string(REPLACE "|" ";" args "${ARGS}")
if(JSON_PARSER)
  execute_process(COMMAND ${CLI} ${args} RESULT_VARIABLE status OUTPUT_VARIABLE stdout
                  ERROR_VARIABLE stderr)
  set(out "${stdout}${stderr}")
else()
  execute_process(COMMAND ${CLI} ${args} RESULT_VARIABLE status OUTPUT_VARIABLE out
                  ERROR_VARIABLE out)
endif()
string(STRIP "${out}" out)
message("${out}")
if(NOT status STREQUAL EXPECTED_STATUS)
  message(FATAL_ERROR "exit status ${status}, expected ${EXPECTED_STATUS}")
endif()
if(NOT out MATCHES "${REGEX}")
  message(FATAL_ERROR "output does not match: ${REGEX}")
endif()
if(NO_CONTROL)
  # Every C0 control character except tab (9), newline (10) and carriage return (13), and DEL.
  set(controls "")
  foreach(code RANGE 1 31)
    if(NOT code EQUAL 9 AND NOT code EQUAL 10 AND NOT code EQUAL 13)
      string(ASCII ${code} c)
      string(APPEND controls "${c}")
    endif()
  endforeach()
  string(ASCII 127 del)
  if(out MATCHES "[${controls}${del}]")
    message(FATAL_ERROR "output contains a raw control character")
  endif()
endif()
if(JSON_PARSER)
  execute_process(COMMAND ${JSON_PARSER} -c "import json, sys; json.loads(sys.argv[1])" "${stdout}"
                  RESULT_VARIABLE parsed)
  if(NOT parsed EQUAL 0)
    message(FATAL_ERROR "stdout is not one JSON document")
  endif()
endif()
