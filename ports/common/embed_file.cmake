# Build-time helper: writes a C fragment holding one binary file as a const byte array, so the bytes
# are placed in .rodata (flash) of a firmware that cannot read files. Used by
# picowasm_embed_modules() (firmware.cmake), whose generated table #includes the fragment (so
# `sizeof SYMBOL` is the file size); no xxd needed.
#   cmake -DINPUT=fib.wasm -DOUTPUT=embedded_fib.inc -DSYMBOL=embedded_fib -P embed_file.cmake
foreach(var INPUT OUTPUT SYMBOL)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "embed_file.cmake: -D${var}=... is required")
  endif()
endforeach()

file(READ "${INPUT}" hex HEX)
string(LENGTH "${hex}" hex_length)
if(hex_length EQUAL 0)
  message(FATAL_ERROR "embed_file.cmake: ${INPUT} is empty")
endif()
math(EXPR size "${hex_length} / 2")

# 16 bytes per line, each two hex digits -> "0xNN,".
set(bytes "")
set(offset 0)
while(offset LESS hex_length)
  string(SUBSTRING "${hex}" ${offset} 32 line)
  string(REGEX REPLACE "(..)" "0x\\1," line "${line}")
  string(APPEND bytes "  ${line}\n")
  math(EXPR offset "${offset} + 32")
endwhile()

get_filename_component(input_name "${INPUT}" NAME)
file(WRITE "${OUTPUT}.tmp"
     "/* Generated from ${input_name} by ports/common/embed_file.cmake; do not edit. */\n"
     "static const uint8_t ${SYMBOL}[${size}] = {\n${bytes}};\n")
# Only touch OUTPUT when the bytes changed, so an unchanged module does not trigger a relink.
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
