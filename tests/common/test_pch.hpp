// The headers every test file parses, precompiled once per build for the
// test binaries (tests/CMakeLists.txt, RELSTORE_TEST_PCH): about 4 s of a
// test file's 10-15 s at -O0 was parsing them. Each test file still includes
// what it uses; a build with -DRELSTORE_TEST_PCH=OFF checks that.
#pragma once

#include <gtest/gtest.h>

#include "relstore/relstore.hpp"
