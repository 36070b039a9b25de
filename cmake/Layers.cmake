# sb_add_layer(<layer> <sources...>): the library target of one layer, switchboard::<layer>,
# with the public headers of include/ and the project's compile options.
function(sb_add_layer layer)
  add_library(switchboard_${layer} ${ARGN})
  add_library(switchboard::${layer} ALIAS switchboard_${layer})
  target_include_directories(switchboard_${layer} PUBLIC
    $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include>
    $<INSTALL_INTERFACE:include>)
  target_link_libraries(switchboard_${layer} PRIVATE sb_options)
endfunction()
