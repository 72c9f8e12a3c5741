# Makes the files the CLI's file-error tests read (test fixture cli_files):
#   cmake -DDIR=folder -DMAX_BYTES=N -P cli_files.cmake
# empty.wasm (0 bytes), at-limit.wasm (MAX_BYTES bytes, not a module), too-large.wasm (one byte
# more) and fifo.wasm (a FIFO nobody writes to).
file(MAKE_DIRECTORY ${DIR})
file(WRITE ${DIR}/empty.wasm "")

# A file of `size` bytes of 'x', kept if it is already there.
function(make_file path size)
  if(EXISTS ${path})
    file(SIZE ${path} have)
    if(have EQUAL size)
      return()
    endif()
  endif()
  string(REPEAT "x" 65536 chunk)
  file(WRITE ${path} "")
  math(EXPR chunks "${size} / 65536")
  math(EXPR rest "${size} % 65536")
  foreach(i RANGE 1 ${chunks})
    file(APPEND ${path} "${chunk}")
  endforeach()
  if(rest GREATER 0)
    string(SUBSTRING "${chunk}" 0 ${rest} tail)
    file(APPEND ${path} "${tail}")
  endif()
endfunction()
make_file(${DIR}/at-limit.wasm ${MAX_BYTES})
math(EXPR over "${MAX_BYTES} + 1")
make_file(${DIR}/too-large.wasm ${over})

if(NOT EXISTS ${DIR}/fifo.wasm)
  execute_process(COMMAND mkfifo ${DIR}/fifo.wasm RESULT_VARIABLE made)
  if(NOT made EQUAL 0)
    message(FATAL_ERROR "mkfifo ${DIR}/fifo.wasm failed")
  endif()
endif()
