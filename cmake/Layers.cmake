include(GNUInstallDirs)

# sb_add_layer(<layer> <sources...>): the library target of one layer, switchboard::<layer>
# (switchboard_<layer> in this tree), with the public headers of include/ and the project's
# compile options. Every layer is installed and exported (cmake/Install.cmake).
function(sb_add_layer layer)
  add_library(switchboard_${layer} ${ARGN})
  add_library(switchboard::${layer} ALIAS switchboard_${layer})
  set_target_properties(switchboard_${layer} PROPERTIES EXPORT_NAME ${layer})
  target_include_directories(switchboard_${layer} PUBLIC
    $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include>
    $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
  target_compile_features(switchboard_${layer} PUBLIC cxx_std_20)
  # The project's warnings are its own business, not a consumer's.
  target_link_libraries(switchboard_${layer} PRIVATE $<BUILD_INTERFACE:sb_options>)
  set_property(GLOBAL APPEND PROPERTY SWITCHBOARD_LAYERS switchboard_${layer})
endfunction()
