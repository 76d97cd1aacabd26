// Replays every fuzz target's seed corpus (tests/fuzz/corpus/<target>/) and
// every input it ever crashed on (tests/fuzz/regressions/<target>/), and the
// golden snapshots through the load target, in every build.
#include <gtest/gtest.h>

#include <cstddef>

#include "fuzz/fuzz_targets.hpp"
#include "fuzz/replay.hpp"

namespace {

std::size_t replay_target(const char* name, fuzz::target fn) {
  return fuzz::replay_target(RELSTORE_FUZZ_DIR, name, fn);
}

TEST(FuzzRegressions, Load) {
  replay_target("load", fuzz::load);
  // Its seeds are the golden snapshots.
  EXPECT_GE(fuzz::replay(fuzz::load, RELSTORE_TEST_DATA_DIR), 3u) << "the golden snapshots were not found";
}
TEST(FuzzRegressions, Filter) { EXPECT_GE(replay_target("filter", fuzz::filter), 3u) << "seed corpus not found"; }
TEST(FuzzRegressions, CreateJson) {
  EXPECT_GE(replay_target("create_json", fuzz::create_json), 3u) << "seed corpus not found";
}
TEST(FuzzRegressions, Import) { EXPECT_GE(replay_target("import", fuzz::import), 3u) << "seed corpus not found"; }

}  // namespace
