# Build-time check of one benchmark module: no imports (it must run with nothing provided by the
# host) and the expected export. Prints the module's size.
# Usage: cmake -DOBJDUMP=wasm-objdump -DMODULE=x.wasm -DEXPORT=bench_x -P check_wasm_module.cmake
execute_process(COMMAND ${OBJDUMP} -x ${MODULE} OUTPUT_VARIABLE details RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "${OBJDUMP} failed on ${MODULE}")
endif()
if(details MATCHES "\nImport\\[")
  message(FATAL_ERROR "${MODULE} has imports:\n${details}")
endif()
if(NOT details MATCHES "-> \"${EXPORT}\"")
  message(FATAL_ERROR "${MODULE} does not export ${EXPORT}")
endif()
file(SIZE ${MODULE} size)
get_filename_component(module_name ${MODULE} NAME)
message(STATUS "${module_name}: ${size} bytes, no imports, exports ${EXPORT}")
