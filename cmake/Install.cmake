# `cmake --install`: the headers, every layer library, the CMake package (find_package(switchboard),
# targets switchboard::<layer>) with its version file, and a pkg-config file.
include(CMakePackageConfigHelpers)

set(SWITCHBOARD_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/switchboard)
get_property(sb_layers GLOBAL PROPERTY SWITCHBOARD_LAYERS)

install(TARGETS ${sb_layers} EXPORT switchboardTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT dev
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT dev)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/switchboard DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} COMPONENT dev)
install(EXPORT switchboardTargets NAMESPACE switchboard:: DESTINATION ${SWITCHBOARD_CMAKE_DIR} COMPONENT dev)

configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/switchboardConfig.cmake.in
                              ${PROJECT_BINARY_DIR}/switchboardConfig.cmake
                              INSTALL_DESTINATION ${SWITCHBOARD_CMAKE_DIR})
# Before 1.0 a minor version may change the API.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/switchboardConfigVersion.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/switchboardConfig.cmake ${PROJECT_BINARY_DIR}/switchboardConfigVersion.cmake
        DESTINATION ${SWITCHBOARD_CMAKE_DIR} COMPONENT dev)

# pkg-config: every layer, in link order, with what they link.
configure_file(${PROJECT_SOURCE_DIR}/cmake/switchboard.pc.in ${PROJECT_BINARY_DIR}/switchboard.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/switchboard.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig COMPONENT dev)
