// Whole-file reads: the bytes a load checks and decodes are the file's,
// exactly, whatever the file's size, and a file that cannot be read whole
// is an io_error, never a crash.
#include "relstore/detail/file_io.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstddef>
#include <fstream>
#include <string>
#include <utility>

#include "common/temp_dir.hpp"
#include "common/test_helpers.hpp"
#include "relstore/detail/block_allocator.hpp"

namespace file_io_test {

namespace {

using relstore::detail::file_bytes;
using relstore::detail::read_regular_file;

void write_file(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// Bytes that differ from one offset to the next, so a chunk read twice or
// skipped shows.
std::string pattern(std::size_t n) {
  std::string s(n, '\0');
  for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>((i * 131 + i / 4099) & 0xFF);
  return s;
}

TEST(ReadRegularFile, AFileLargerThanAHugePageIsReadWholeAndExactly) {
  test::temp_dir dir;
  const auto path = dir.path() / "big";
  // Not a multiple of a page or of a huge page.
  const std::string bytes = pattern(relstore::detail::huge_page_bytes * 2 + 12'345);
  write_file(path, bytes);
  auto read = read_regular_file(relstore::default_file_system(), path);
  ASSERT_TRUE(read) << read.error().message();
  EXPECT_EQ(read->size(), bytes.size());
  EXPECT_TRUE(read->view() == bytes);
}

TEST(ReadRegularFile, AnEmptyFileIsAnEmptyBuffer) {
  test::temp_dir dir;
  const auto path = dir.path() / "empty";
  write_file(path, "");
  auto read = read_regular_file(relstore::default_file_system(), path);
  ASSERT_TRUE(read) << read.error().message();
  EXPECT_EQ(read->size(), 0u);
  EXPECT_TRUE(read->view().empty());
}

// Reads return a few bytes at a time, then the end of the file comes early:
// what the file held when it was read, no more and no less.
class trickling_fs : public relstore::file_system {
 public:
  explicit trickling_fs(std::size_t stop_after) : stop_after_(stop_after) {}
  ssize_t read(int fd, void* data, std::size_t size) override {
    if (given_ >= stop_after_) return 0;
    const std::size_t n = std::min({size, std::size_t{1000}, stop_after_ - given_});
    const ssize_t got = file_system::read(fd, data, n);
    if (got > 0) given_ += static_cast<std::size_t>(got);
    return got;
  }

 private:
  std::size_t stop_after_;
  std::size_t given_ = 0;
};

TEST(ReadRegularFile, AFileThatShrinksWhileReadIsWhatWasRead) {
  test::temp_dir dir;
  const auto path = dir.path() / "shrinking";
  const std::string bytes = pattern(10'000);
  write_file(path, bytes);
  trickling_fs fs(6'500);
  auto read = read_regular_file(fs, path);
  ASSERT_TRUE(read) << read.error().message();
  EXPECT_TRUE(read->view() == bytes.substr(0, 6'500));
}

// A file whose size is more than memory holds: an io_error naming the path
// and the size. (A sanitizer's allocator reports the request itself.)
class swollen_fs : public relstore::file_system {
 public:
  int fstat(int fd, struct stat* st) override {
    const int r = file_system::fstat(fd, st);
    st->st_size = off_t{1} << 60;
    return r;
  }
};

TEST(ReadRegularFile, AFileLargerThanMemoryIsAnIoErrorNotACrash) {
#ifdef RELSTORE_TEST_ASAN
  GTEST_SKIP() << "AddressSanitizer aborts on an allocation this size";
#endif
  test::temp_dir dir;
  const auto path = dir.path() / "swollen";
  write_file(path, "x");
  swollen_fs fs;
  auto read = read_regular_file(fs, path);
  ASSERT_FALSE(read);
  EXPECT_EQ(read.error().code, relstore::errc::io_error);
  EXPECT_TRUE(test::has(read.error().message(), "swollen")) << read.error().message();
  EXPECT_TRUE(test::has(read.error().message(), "1152921504606846976 bytes do not fit in memory"))
      << read.error().message();
}

TEST(FileBytes, AMovedBufferOwnsTheBytesAndLeavesAnEmptyOne) {
  file_bytes a(100);
  std::fill_n(a.data(), 100, 'q');
  a.set_size(60);
  file_bytes b(std::move(a));
  EXPECT_EQ(a.size(), 0u);  // NOLINT(bugprone-use-after-move): the moved-from state is the contract
  EXPECT_EQ(a.data(), nullptr);
  EXPECT_EQ(b.view(), std::string(60, 'q'));
  file_bytes c(10);
  c = std::move(b);
  EXPECT_EQ(c.capacity(), 100u);
  EXPECT_EQ(c.view(), std::string(60, 'q'));
}

}  // namespace

}  // namespace file_io_test
