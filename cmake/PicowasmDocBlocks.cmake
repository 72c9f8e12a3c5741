include_guard(GLOBAL)

# picowasm_doc_blocks(<out-var> DOC <doc.md> INFO <info string> FILE <name>)
#
# Extracts the fenced code blocks of DOC whose info string is exactly INFO (```cpp, ```c++, ```cpp
# device: the first word is the language a Markdown viewer highlights, the rest tells the tests
# apart) into ${CMAKE_CURRENT_BINARY_DIR}/docs/<name>, in order, at build time (awk), and sets
# <out-var> to that path. The file is marked HEADER_FILE_ONLY: a docs test includes it from a
# driver that calls the blocks' functions (add the docs dir to its include path: the directory
# of <out-var>). A DOC without such a block fails the build instead of testing nothing.
function(picowasm_doc_blocks out_var)
  cmake_parse_arguments(PARSE_ARGV 1 ARG "" "DOC;INFO;FILE" "")
  if(NOT ARG_DOC OR NOT ARG_INFO OR NOT ARG_FILE)
    message(FATAL_ERROR "picowasm_doc_blocks: DOC, INFO and FILE are required")
  endif()
  find_program(PICOWASM_AWK awk)
  if(NOT PICOWASM_AWK)
    set(PICOWASM_AWK awk)  # the build then fails: a docs test is never skipped
  endif()
  set(_dir ${CMAKE_CURRENT_BINARY_DIR}/docs)
  set(_out ${_dir}/${ARG_FILE})
  # awk's regex: the info string's '+' (c++) must be literal.
  string(REPLACE "+" "[+]" _info "${ARG_INFO}")
  add_custom_command(
    OUTPUT ${_out}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${_dir}
    COMMAND ${PICOWASM_AWK} -v out=${_out}
            "/^```${_info}$/ { inside = 1; n++; next } /^```/ { inside = 0 } inside { print > out } END { if (n == 0) { print \"no ```${ARG_INFO} block\" > \"/dev/stderr\"; exit 1 } }"
            ${ARG_DOC}
    DEPENDS ${ARG_DOC}
    COMMENT "Extracting the ${ARG_INFO} blocks of ${ARG_DOC}"
    VERBATIM)
  set_source_files_properties(${_out} PROPERTIES HEADER_FILE_ONLY ON)
  set(${out_var} ${_out} PARENT_SCOPE)
endfunction()
