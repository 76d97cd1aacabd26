# Proves both integration paths in ctest, by building tests/consumer as a
# separate project and running it:
#   consumer.find_package     cmake --install this build, then find_package(relstore)
#   consumer.add_subdirectory add_subdirectory(<relstore source tree>)
# Included from tests/CMakeLists.txt: PROJECT_SOURCE_DIR is the relstore root,
# PROJECT_BINARY_DIR its build tree (built before ctest runs).
#
# The consumer uses this build's compiler and build type: the build type picks
# the Boost.MultiIndex safe-mode definitions, which the installed library and
# the consumer must agree on.
set(_relstore_consumer_build_type "${CMAKE_BUILD_TYPE}")
if(NOT _relstore_consumer_build_type)
  set(_relstore_consumer_build_type Release)
endif()

set(_relstore_consumer_modes add_subdirectory)
if(RELSTORE_INSTALL)
  list(PREPEND _relstore_consumer_modes find_package)  # needs the install rules
endif()

foreach(_mode IN LISTS _relstore_consumer_modes)
  set(_args -DMODE=${_mode} -DSOURCE_DIR=${PROJECT_SOURCE_DIR} -DBUILD_DIR=${PROJECT_BINARY_DIR}
            -DWORK_DIR=${CMAKE_CURRENT_BINARY_DIR}/consumer-${_mode} -DCXX=${CMAKE_CXX_COMPILER}
            -DBUILD_TYPE=${_relstore_consumer_build_type})
  # An installed sanitizer build holds instrumented code: the consumer must link
  # the sanitizer runtimes. (add_subdirectory builds relstore afresh, uninstrumented.)
  if(_mode STREQUAL "find_package" AND RELSTORE_SANITIZE)
    list(APPEND _args "-DLINKER_FLAGS=-fsanitize=address,undefined")
  endif()
  add_test(NAME consumer.${_mode}
           COMMAND ${CMAKE_COMMAND} ${_args} -P ${CMAKE_CURRENT_LIST_DIR}/run_consumer.cmake)
  # Each runs a parallel build of its own; one at a time. The longest tests
  # of the suite: a high COST makes ctest start them first, beside the
  # others, instead of alone at the end.
  set_tests_properties(consumer.${_mode} PROPERTIES TIMEOUT 600 RESOURCE_LOCK relstore_consumer COST 1000)
endforeach()
