# CMake toolchain file: bare-metal RV32IMAC (soft float, ilp32) with Debian's gcc-riscv64-unknown-elf
# (a multilib compiler: -march/-mabi select the rv32imac/ilp32 libraries) and picolibc
# (picolibc-riscv64-unknown-elf). Usage:
#   cmake -S . -B build-rv32 -DCMAKE_TOOLCHAIN_FILE=cmake/riscv32-unknown-elf-gcc.cmake \
#         -DCMAKE_BUILD_TYPE=MinSizeRel
set(CMAKE_SYSTEM_PROCESSOR riscv32)
set(PICOWASM_RISCV_PREFIX riscv64-unknown-elf- CACHE STRING "Prefix of the cross tools")
set(PICOWASM_CROSS_PREFIX ${PICOWASM_RISCV_PREFIX})
include(${CMAKE_CURRENT_LIST_DIR}/bare-metal-gcc.cmake)

# Plain rv32imac (no _zicsr in -march, which would miss the rv32imac multilib): the few CSR reads
# of the port enable Zicsr locally (.option arch). medany: code and data live at 0x80000000.
set(PICOWASM_RISCV_ARCH_FLAGS "-march=rv32imac -mabi=ilp32 -mcmodel=medany --specs=picolibc.specs")
set(CMAKE_C_FLAGS_INIT "${PICOWASM_RISCV_ARCH_FLAGS} -ffunction-sections -fdata-sections")
# The toolchain has no C++ library: freestanding-cxx/ provides the few headers the engine includes.
# Same code-generation choices as the Arm toolchain file (no unwinding, RTTI, guards, atexit).
set(CMAKE_CXX_FLAGS_INIT "${CMAKE_C_FLAGS_INIT} -idirafter ${CMAKE_CURRENT_LIST_DIR}/freestanding-cxx \
-fno-exceptions -fno-rtti -fno-threadsafe-statics -fno-use-cxa-atexit")
set(CMAKE_ASM_FLAGS_INIT "${PICOWASM_RISCV_ARCH_FLAGS}")
# Link C++ with the C driver: g++ would add -lstdc++, which this toolchain does not have (the
# firmware needs nothing from it: no exceptions, RTTI, heap or thread-safe statics).
set(CMAKE_CXX_LINK_EXECUTABLE
    "<CMAKE_C_COMPILER> <FLAGS> <CMAKE_CXX_LINK_FLAGS> <LINK_FLAGS> <OBJECTS> -o <TARGET> <LINK_LIBRARIES>")
# The compile flags (with the specs file, which must appear once) are on the link line too.
set(CMAKE_EXE_LINKER_FLAGS_INIT "-Wl,--gc-sections")
