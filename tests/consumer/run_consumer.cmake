# cmake -P script: builds tests/consumer against relstore, runs it and checks
# that it prints "consumer ok". Registered by consumer_tests.cmake.
# Inputs:
#   MODE          find_package | add_subdirectory
#   SOURCE_DIR    the relstore source tree
#   BUILD_DIR     relstore's (already built) build tree; installed in find_package mode
#   WORK_DIR      scratch directory, recreated on every run
#   CXX           the C++ compiler
#   BUILD_TYPE    the consumer's CMAKE_BUILD_TYPE (default Release)
#   LINKER_FLAGS  optional CMAKE_EXE_LINKER_FLAGS for the consumer (sanitizer runtimes)
cmake_minimum_required(VERSION 3.20)

foreach(var MODE SOURCE_DIR BUILD_DIR WORK_DIR CXX)
  if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
    message(FATAL_ERROR "run_consumer.cmake: -D${var}=... is required")
  endif()
endforeach()
if(NOT BUILD_TYPE)
  set(BUILD_TYPE Release)
endif()

# Runs a command; fails the test with its output if it exits nonzero.
function(run_step what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "consumer (${MODE}): ${what} failed (${rc}):\n${out}")
  endif()
endfunction()

file(REMOVE_RECURSE "${WORK_DIR}")
set(configure_args -G Ninja "-DCMAKE_BUILD_TYPE=${BUILD_TYPE}" "-DCMAKE_CXX_COMPILER=${CXX}")
if(MODE STREQUAL "find_package")
  run_step("cmake --install" ${CMAKE_COMMAND} --install "${BUILD_DIR}" --prefix "${WORK_DIR}/prefix")
  # The tool is installed too, and works from there on a snapshot it did not write.
  if(EXISTS "${BUILD_DIR}/tools/relstore-snapshot")
    run_step("the installed relstore-snapshot" "${WORK_DIR}/prefix/bin/relstore-snapshot" verify
             "${SOURCE_DIR}/tests/data/shop_v1.binary.snap")
  endif()
  list(APPEND configure_args -DRELSTORE_CONSUMER_MODE=package "-DCMAKE_PREFIX_PATH=${WORK_DIR}/prefix")
elseif(MODE STREQUAL "add_subdirectory")
  # relstore is built afresh inside the consumer's build, so any build type
  # proves the path: one with no optimisation flags compiles it in well under
  # half the time of -O3 (this test was the last and longest of CI's ctest).
  list(FILTER configure_args EXCLUDE REGEX "^-DCMAKE_BUILD_TYPE=")
  list(APPEND configure_args -DCMAKE_BUILD_TYPE=NoOpt)
  # relstore::rest is left out here: the find_package path links it from the
  # install, and its build (half a minute of CI) proves nothing new.
  list(APPEND configure_args -DRELSTORE_CONSUMER_MODE=subdirectory "-DRELSTORE_SOURCE_DIR=${SOURCE_DIR}"
              -DRELSTORE_BUILD_TESTS=OFF -DRELSTORE_BUILD_TOOLS=OFF -DRELSTORE_BUILD_BENCH=OFF
              -DRELSTORE_BUILD_REST=OFF)
else()
  message(FATAL_ERROR "run_consumer.cmake: MODE must be find_package or add_subdirectory, not '${MODE}'")
endif()
if(LINKER_FLAGS)
  list(APPEND configure_args "-DCMAKE_EXE_LINKER_FLAGS=${LINKER_FLAGS}")
endif()

run_step("configuring" ${CMAKE_COMMAND} -S "${SOURCE_DIR}/tests/consumer" -B "${WORK_DIR}/build" ${configure_args})
run_step("building" ${CMAKE_COMMAND} --build "${WORK_DIR}/build")

execute_process(COMMAND "${WORK_DIR}/build/consumer" RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0 OR NOT out MATCHES "consumer ok")
  message(FATAL_ERROR "consumer (${MODE}): the program failed (${rc}):\n${out}${err}")
endif()
message(STATUS "consumer (${MODE}) ok")
