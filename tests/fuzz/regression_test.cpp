// Replays every input the fuzzer ever crashed on (tests/fuzz/regressions/)
// and the golden snapshots through the fuzz target, in every build.
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

TEST(FuzzRegressions, EveryKeptInputRunsCleanly) {
  std::size_t ran = 0;
  for (const char* dir : {RELSTORE_FUZZ_REGRESSIONS_DIR, RELSTORE_TEST_DATA_DIR}) {
    for (const auto& e : std::filesystem::directory_iterator(dir)) {
      if (!e.is_regular_file() || e.path().extension() == ".md") continue;
      std::ifstream in(e.path(), std::ios::binary);
      const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      EXPECT_EQ(LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()), 0)
          << e.path();
      ++ran;
    }
  }
  EXPECT_GE(ran, 3u) << "the golden snapshots were not found";
}

}  // namespace
