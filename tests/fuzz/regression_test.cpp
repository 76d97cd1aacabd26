// Replays every fuzz target's seed corpus (tests/fuzz/corpus/<target>/) and
// every input it ever crashed on (tests/fuzz/regressions/<target>/), and the
// golden snapshots through the load target, in every build.
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "fuzz/fuzz_targets.hpp"

namespace {

using target = int (*)(const std::uint8_t*, std::size_t);

std::size_t replay(target fn, const std::filesystem::path& dir) {
  std::size_t ran = 0;
  if (!std::filesystem::is_directory(dir)) return 0;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (!e.is_regular_file() || e.path().extension() == ".md") continue;
    std::ifstream in(e.path(), std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(fn(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()), 0) << e.path();
    ++ran;
  }
  return ran;
}

std::size_t replay_target(const char* name, target fn) {
  const std::filesystem::path fuzz = RELSTORE_FUZZ_DIR;
  replay(fn, fuzz / "regressions" / name);
  return replay(fn, fuzz / "corpus" / name);
}

TEST(FuzzRegressions, Load) {
  replay_target("load", fuzz::load);
  // Its seeds are the golden snapshots.
  EXPECT_GE(replay(fuzz::load, RELSTORE_TEST_DATA_DIR), 3u) << "the golden snapshots were not found";
}
TEST(FuzzRegressions, Filter) { EXPECT_GE(replay_target("filter", fuzz::filter), 3u) << "seed corpus not found"; }
TEST(FuzzRegressions, CreateJson) {
  EXPECT_GE(replay_target("create_json", fuzz::create_json), 3u) << "seed corpus not found";
}
TEST(FuzzRegressions, Import) { EXPECT_GE(replay_target("import", fuzz::import), 3u) << "seed corpus not found"; }

}  // namespace
