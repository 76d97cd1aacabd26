// memory.hpp: a load's big buffers are kept for the next load, and a game
// can give them back.
#include "relstore/memory.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <string>

#include <relstore/snapshot.hpp>

#include "common/shop_schema.hpp"
#include "common/temp_dir.hpp"

namespace memory_test {

namespace {

using shop::Customer;

// A store whose snapshot is well over 2 MiB (long names), so the load reads
// it into a block that is kept.
shop::store wordy_shop() {
  shop::store db;
  for (std::int64_t c = 1; c <= 1000; ++c) {
    EXPECT_TRUE(db.repo<Customer>().create({.id = c, .name = std::string(4000, static_cast<char>('a' + c % 26))}));
  }
  return db;
}

TEST(BlockCache, ALoadKeepsItsBuffersForTheNextLoadAndReleaseGivesThemBack) {
  const std::size_t limit = relstore::block_cache().limit;
  ASSERT_GE(limit, std::size_t{64} << 20) << "the default keeps a load's buffers";
  const shop::store db = wordy_shop();
  test::temp_dir dir;
  const auto path = dir.path() / "wordy.snap";
  ASSERT_TRUE(relstore::save(db, path));
  const auto file_bytes = std::filesystem::file_size(path);
  ASSERT_GT(file_bytes, std::uintmax_t{3} << 20);

  (void)relstore::release_cached_blocks();
  shop::store loaded;
  ASSERT_TRUE(relstore::load(loaded, path));
  const std::size_t kept = relstore::block_cache().bytes;
  EXPECT_GE(kept, file_bytes) << "the file's buffer is kept";

  ASSERT_TRUE(relstore::load(loaded, path));
  EXPECT_EQ(relstore::block_cache().bytes, kept) << "the second load took the kept blocks and kept them again";
  EXPECT_TRUE(loaded == db);

  EXPECT_EQ(relstore::release_cached_blocks(), kept);
  EXPECT_EQ(relstore::block_cache().bytes, 0u);
  EXPECT_EQ(relstore::block_cache().limit, limit);
  EXPECT_TRUE(loaded == db) << "only freed memory is given back";

  // A limit of 0 keeps nothing.
  (void)relstore::set_block_cache_limit(0);
  ASSERT_TRUE(relstore::load(loaded, path));
  EXPECT_EQ(relstore::block_cache().bytes, 0u);
  (void)relstore::set_block_cache_limit(limit);
  EXPECT_TRUE(loaded == db);
}

}  // namespace

}  // namespace memory_test
