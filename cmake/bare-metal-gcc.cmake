# Shared part of the bare-metal GCC toolchain files (arm-none-eabi-gcc.cmake,
# riscv32-unknown-elf-gcc.cmake): include it after setting PICOWASM_CROSS_PREFIX (the tools' prefix)
# and CMAKE_SYSTEM_PROCESSOR.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_CROSSCOMPILING ON)

set(CMAKE_C_COMPILER ${PICOWASM_CROSS_PREFIX}gcc)
set(CMAKE_CXX_COMPILER ${PICOWASM_CROSS_PREFIX}g++)
set(CMAKE_ASM_COMPILER ${PICOWASM_CROSS_PREFIX}gcc)
find_program(CMAKE_OBJCOPY ${PICOWASM_CROSS_PREFIX}objcopy)
find_program(CMAKE_SIZE ${PICOWASM_CROSS_PREFIX}size)

# A bare-metal link needs a linker script and startup code that try_compile() cannot know about.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

# Never pick up host libraries or headers.
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
