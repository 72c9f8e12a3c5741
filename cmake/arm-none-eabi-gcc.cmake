# CMake toolchain file: bare-metal Cortex-M with the Arm GNU toolchain (Debian gcc-arm-none-eabi)
# and newlib-nano. The core is a parameter (default cortex-m4):
#   cmake -S . -B build-m4 -DCMAKE_TOOLCHAIN_FILE=cmake/arm-none-eabi-gcc.cmake \
#         -DCMAKE_BUILD_TYPE=MinSizeRel
#         [-DPICOWASM_ARM_CPU=cortex-m0|cortex-m3|cortex-m4|cortex-m7|cortex-m33]
set(CMAKE_SYSTEM_PROCESSOR arm)
set(PICOWASM_ARM_PREFIX arm-none-eabi- CACHE STRING "Prefix of the cross tools")
set(PICOWASM_CROSS_PREFIX ${PICOWASM_ARM_PREFIX})
include(${CMAKE_CURRENT_LIST_DIR}/bare-metal-gcc.cmake)

set(PICOWASM_ARM_CPU cortex-m4 CACHE STRING
    "Cortex-M core: cortex-m0, cortex-m3, cortex-m4, cortex-m7, cortex-m33")
# try_compile() projects read this file again: hand them the core too.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES PICOWASM_ARM_CPU)
# Cores with an FPU use it (hard-float ABI): single precision on the M4 and M33, double too on the
# M7 (QEMU's cortex-m7 has the double-precision FPv5); the others call libgcc's soft float.
if(PICOWASM_ARM_CPU STREQUAL "cortex-m4")
  set(_fpu "-mfloat-abi=hard -mfpu=fpv4-sp-d16")
elseif(PICOWASM_ARM_CPU STREQUAL "cortex-m7")
  set(_fpu "-mfloat-abi=hard -mfpu=fpv5-d16")
elseif(PICOWASM_ARM_CPU STREQUAL "cortex-m33")
  set(_fpu "-mfloat-abi=hard -mfpu=fpv5-sp-d16")
elseif(PICOWASM_ARM_CPU MATCHES "^cortex-m(0|0plus|3)$")
  set(_fpu "-mfloat-abi=soft")
else()
  message(FATAL_ERROR "PICOWASM_ARM_CPU=${PICOWASM_ARM_CPU}: expected cortex-m0, cortex-m3, "
                      "cortex-m4, cortex-m7 or cortex-m33")
endif()
set(PICOWASM_ARM_CPU_FLAGS "-mcpu=${PICOWASM_ARM_CPU} -mthumb ${_fpu}")
# Per-function sections let --gc-sections drop everything the firmware does not call.
set(CMAKE_C_FLAGS_INIT "${PICOWASM_ARM_CPU_FLAGS} -ffunction-sections -fdata-sections")
# No unwinding tables, no RTTI, no guard variables, no __cxa_atexit registry: none of it is needed
# on a single-threaded target whose main never returns to a C runtime.
set(CMAKE_CXX_FLAGS_INIT "${CMAKE_C_FLAGS_INIT} -fno-exceptions -fno-rtti -fno-threadsafe-statics \
-fno-use-cxa-atexit")
set(CMAKE_ASM_FLAGS_INIT "${PICOWASM_ARM_CPU_FLAGS}")
# newlib-nano for memcpy & co.; nosys stubs satisfy any syscall a library function may reference.
set(CMAKE_EXE_LINKER_FLAGS_INIT
    "${PICOWASM_ARM_CPU_FLAGS} --specs=nano.specs --specs=nosys.specs -Wl,--gc-sections")
