# CMake toolchain file: bare-metal Cortex-M4F with the Arm GNU toolchain (Debian gcc-arm-none-eabi)
# and newlib-nano. Usage:
#   cmake -S . -B build-m4 -DCMAKE_TOOLCHAIN_FILE=cmake/arm-none-eabi-gcc.cmake \
#         -DCMAKE_BUILD_TYPE=MinSizeRel
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)
set(CMAKE_CROSSCOMPILING ON)

set(PICOWASM_ARM_PREFIX arm-none-eabi- CACHE STRING "Prefix of the cross tools")
set(CMAKE_C_COMPILER ${PICOWASM_ARM_PREFIX}gcc)
set(CMAKE_CXX_COMPILER ${PICOWASM_ARM_PREFIX}g++)
set(CMAKE_ASM_COMPILER ${PICOWASM_ARM_PREFIX}gcc)
find_program(CMAKE_OBJCOPY ${PICOWASM_ARM_PREFIX}objcopy)
find_program(CMAKE_SIZE ${PICOWASM_ARM_PREFIX}size)

# A bare-metal link needs a linker script and startup code that try_compile() cannot know about.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

set(PICOWASM_ARM_CPU_FLAGS "-mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16")
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

# Never pick up host libraries or headers.
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
