// Replays a fuzz target's inputs as a test: each file of a directory (but
// its README.md) goes through the target, which must return 0. Shared by
// fuzz_regression_test and rest_test (whose target needs relstore::rest).
#pragma once

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

namespace fuzz {

using target = int (*)(const std::uint8_t*, std::size_t);

// Returns how many files it replayed (0 when `dir` is no directory).
inline std::size_t replay(target fn, const std::filesystem::path& dir) {
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

// Replays `fuzz_dir`/regressions/`name` (every input it ever crashed on),
// then `fuzz_dir`/corpus/`name`; returns how many seeds the corpus held.
inline std::size_t replay_target(const std::filesystem::path& fuzz_dir, const char* name, target fn) {
  replay(fn, fuzz_dir / "regressions" / name);
  return replay(fn, fuzz_dir / "corpus" / name);
}

}  // namespace fuzz
