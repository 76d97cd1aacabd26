// Replays the REST fuzz target's seed corpus (tests/fuzz/corpus/rest/) and
// every input it ever failed on (tests/fuzz/regressions/rest/), in every
// build with relstore::rest (part of rest_test: it needs the backends).
#include <gtest/gtest.h>

#include "fuzz/fuzz_targets.hpp"
#include "fuzz/replay.hpp"

namespace rest_regression_test {
namespace {

TEST(FuzzRegressions, Rest) {
  EXPECT_GE(fuzz::replay_target(RELSTORE_FUZZ_DIR, "rest", fuzz::rest), 3u) << "seed corpus not found";
}

}  // namespace
}  // namespace rest_regression_test
