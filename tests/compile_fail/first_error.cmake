# Builds TARGET in BUILD_DIR, which must fail, and checks that the first
# error the compiler prints matches EXPECT: the library's own one-line
# static_assert comes before any error from Boost or from the user's code.
execute_process(COMMAND ${CMAKE_COMMAND} --build ${BUILD_DIR} --target ${TARGET}
                RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(status EQUAL 0)
  message(FATAL_ERROR "${TARGET} compiled, but must not:\n${out}")
endif()
string(REGEX MATCH "[^\n]*error:[^\n]*" first "${out}")
if(NOT first MATCHES "${EXPECT}")
  message(FATAL_ERROR "the first error of ${TARGET} is not the expected one (${EXPECT}):\n${first}\n\nfull output:\n${out}")
endif()
message(STATUS "first error as expected: ${first}")
