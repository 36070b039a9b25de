# `cpack -G DEB` in a top-level build: two Debian packages.
#   switchboard      /usr/bin/switchboard, /etc/switchboard/switchboard.toml (a conffile) and the
#                    hardened systemd unit; its dependencies from dpkg-shlibdeps.
#   switchboard-dev  the headers, the layer libraries and the CMake and pkg-config files.
install(FILES ${PROJECT_SOURCE_DIR}/packaging/switchboard.toml DESTINATION /etc/switchboard COMPONENT bin)
install(FILES ${PROJECT_SOURCE_DIR}/packaging/switchboard.service DESTINATION lib/systemd/system COMPONENT bin)
file(WRITE ${PROJECT_BINARY_DIR}/packaging/conffiles "/etc/switchboard/switchboard.toml\n")

set(CPACK_PACKAGE_NAME switchboard)
set(CPACK_PACKAGE_VENDOR switchboard)
set(CPACK_PACKAGE_CONTACT "switchboard developers <dev@switchboard.invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_COMPONENTS_ALL bin dev)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_BIN_PACKAGE_NAME switchboard)
set(CPACK_DEBIAN_BIN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_BIN_PACKAGE_CONTROL_EXTRA ${PROJECT_BINARY_DIR}/packaging/conffiles)
set(CPACK_DEBIAN_DEV_PACKAGE_NAME switchboard-dev)
set(CPACK_DEBIAN_DEV_PACKAGE_SECTION libdevel)
set(CPACK_DEBIAN_DEV_PACKAGE_DEPENDS
    "libboost1.81-dev, libboost-json1.81-dev, libboost-url1.81-dev, libssl-dev, libspdlog-dev, libsqlite3-dev, libhiredis-dev, pkg-config")
include(CPack)
