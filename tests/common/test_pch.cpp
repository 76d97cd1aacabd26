// The precompiled headers' owner target (relstore_test_pch): the test
// binaries reuse what it compiles.
#include "common/test_pch.hpp"
