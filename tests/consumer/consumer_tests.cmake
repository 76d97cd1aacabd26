# Proves both integration paths in ctest: find_package after an install, and
# add_subdirectory. Packaging does not change under sanitizers, so the
# sanitizer build skips these (they would only rebuild the library again).
if(NOT RELSTORE_SANITIZE)
  set(_modes subdirectory)
  if(RELSTORE_INSTALL)
    list(PREPEND _modes package)  # needs the install rules
  endif()
  foreach(mode ${_modes})
    add_test(NAME consumer.${mode}
             COMMAND ${CMAKE_COMMAND} -DMODE=${mode} -DSOURCE_DIR=${PROJECT_SOURCE_DIR}
                     -DBUILD_DIR=${PROJECT_BINARY_DIR} -DWORK_DIR=${CMAKE_CURRENT_BINARY_DIR}/consumer-${mode}
                     -DCXX=${CMAKE_CXX_COMPILER} -P ${CMAKE_CURRENT_SOURCE_DIR}/consumer/run_consumer.cmake)
    set_tests_properties(consumer.${mode} PROPERTIES TIMEOUT 900 RESOURCE_LOCK consumer)
  endforeach()
endif()
