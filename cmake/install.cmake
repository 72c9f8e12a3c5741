# Install rules (included from the top-level CMakeLists.txt): the public headers, the static
# libraries `picowasm` (engine) and `picowasm_board` (board API), the guest SDK, a CMake package
# and a pkg-config file. A firmware project then uses
#
#   find_package(picowasm 0.1 CONFIG REQUIRED)
#   target_link_libraries(firmware PRIVATE picowasm::picowasm)      # + picowasm::board
#
# or `pkg-config --cflags --libs picowasm`. Only what a user needs is installed: no internal
# headers (src/), no tools' flags, no warnings-as-errors.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(PICOWASM_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/picowasm CACHE STRING
    "Where the CMake package files go, relative to the prefix")
set(PICOWASM_INSTALL_SDKDIR ${CMAKE_INSTALL_DATADIR}/picowasm/sdk)

set_target_properties(picowasm PROPERTIES EXPORT_NAME picowasm)
set_target_properties(picowasm_board PROPERTIES EXPORT_NAME board)
install(TARGETS picowasm picowasm_board EXPORT picowasm-targets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/picowasm
                  ${PROJECT_SOURCE_DIR}/board/include/picowasm
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} FILES_MATCHING PATTERN "*.h" PATTERN "*.hpp")
# The guest SDK keeps its layout (PicowasmGuest.cmake finds include/ beside cmake/).
install(DIRECTORY ${PROJECT_SOURCE_DIR}/sdk/include ${PROJECT_SOURCE_DIR}/sdk/cmake
        DESTINATION ${PICOWASM_INSTALL_SDKDIR})

install(EXPORT picowasm-targets NAMESPACE picowasm:: DESTINATION ${PICOWASM_INSTALL_CMAKEDIR})
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/picowasmConfig.cmake.in
  ${PROJECT_BINARY_DIR}/picowasmConfig.cmake INSTALL_DESTINATION ${PICOWASM_INSTALL_CMAKEDIR}
  PATH_VARS PICOWASM_INSTALL_SDKDIR)
# 0.x: a minor version may break compatibility, so only the same minor version is compatible.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/picowasmConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/picowasmConfig.cmake
              ${PROJECT_BINARY_DIR}/picowasmConfigVersion.cmake
        DESTINATION ${PICOWASM_INSTALL_CMAKEDIR})

# pkg-config: the board library is listed first so that a static link resolves it before the engine.
# Relocatable: the prefix is found from the .pc file's own place, so `cmake --install --prefix`
# anywhere gives a working file.
file(RELATIVE_PATH PICOWASM_PC_TO_PREFIX /root/${CMAKE_INSTALL_LIBDIR}/pkgconfig /root)
configure_file(${CMAKE_CURRENT_LIST_DIR}/picowasm.pc.in ${PROJECT_BINARY_DIR}/picowasm.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/picowasm.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
