// block_allocator: big blocks start on huge pages and are backed by them,
// and a freed one is kept for the next block of its size, within a limit.
#include "relstore/detail/block_allocator.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "common/memory_probe.hpp"
#include "common/test_helpers.hpp"
#include "relstore/detail/column_table.hpp"
#include "relstore/memory.hpp"

#ifdef RELSTORE_TEST_ASAN
#include <sanitizer/asan_interface.h>
#endif

namespace block_allocator_test {

namespace {

using relstore::detail::allocate_block;
using relstore::detail::free_block;
using relstore::detail::huge_block_bytes;

constexpr std::size_t huge_page = relstore::detail::huge_page_bytes;

// Within a test: no block is kept, and none is left from earlier tests.
struct no_kept_blocks {
  std::size_t limit = relstore::block_cache().limit;
  no_kept_blocks() { (void)relstore::set_block_cache_limit(0); }
  ~no_kept_blocks() { (void)relstore::set_block_cache_limit(limit); }
  no_kept_blocks(const no_kept_blocks&) = delete;
  no_kept_blocks& operator=(const no_kept_blocks&) = delete;
};
// Within a test: blocks are kept up to `bytes`, starting from none.
struct kept_up_to {
  std::size_t limit = relstore::block_cache().limit;
  explicit kept_up_to(std::size_t bytes) {
    (void)relstore::set_block_cache_limit(0);
    (void)relstore::set_block_cache_limit(bytes);
  }
  ~kept_up_to() {
    (void)relstore::set_block_cache_limit(0);
    (void)relstore::set_block_cache_limit(limit);
  }
  kept_up_to(const kept_up_to&) = delete;
  kept_up_to& operator=(const kept_up_to&) = delete;
};

// A big bucket array (a million-row table's hashed index) is advised too.
TEST(BlockAllocator, ABigBlockStartsOnAHugePageAndIsAdvisedAsOne) {
  using relstore::detail::allocate_block;
  using relstore::detail::free_block;
  const std::size_t big = 3 * huge_page + 100;
  void* b = allocate_block(big, 8);
  void* s = allocate_block(1000, 8);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(b) % huge_page, 0u);
  static_cast<std::byte*>(b)[big - 1] = std::byte{1};  // the whole block is usable
  if (relstore::detail::huge_pages_allowed()) {
    EXPECT_NE(test::vm_flags_of(b).find(" hg"), std::string::npos) << test::vm_flags_of(b);
  }
  free_block(b, big, 8);
  free_block(s, 1000, 8);
}

// A block that does not fill its last huge page still gets one there: an
// 8,000,000-byte column faulted its last 1.7 MB in 400 small pages (about
// 4 ms on this VM) when only its whole huge pages were advised.
TEST(BlockAllocator, TouchingEveryPageOfABlockTakesAFewFaultsNotHundreds) {
#ifdef RELSTORE_TEST_ASAN
  GTEST_SKIP() << "AddressSanitizer's shadow memory faults in as the block is touched";
#endif
  if (!relstore::detail::huge_pages_allowed()) GTEST_SKIP() << "transparent huge pages are off";
  const no_kept_blocks fresh;  // a kept block would be resident already
  const std::size_t n = 8'000'000;
  auto* b = static_cast<volatile char*>(relstore::detail::allocate_block(n, 8));
  const long before = test::minor_faults();
  for (std::size_t i = 0; i < n; i += 4096) b[i] = 1;
  b[n - 1] = 1;
  const long faults = test::minor_faults() - before;
  const std::string huge = test::smaps_line_of(const_cast<char*>(b), "AnonHugePages:");
  relstore::detail::free_block(const_cast<char*>(b), n, 8);
  if (faults >= 20 && huge.find(" 0 kB") != std::string::npos) {
    GTEST_SKIP() << "the kernel had no huge page free: " << huge;
  }
  EXPECT_LT(faults, 20) << "an 8 MB block is four huge pages; " << huge;
}

// ... but a block that ends just past a huge page does not take another
// whole one: a million-row bucket array ends 16 bytes past its sixth, and
// rounding it cost 4 bytes per child.
TEST(BlockAllocator, ABlockEndingJustPastAHugePageTakesNoOtherWhole) {
  using relstore::detail::huge_block_bytes;
  EXPECT_EQ(huge_block_bytes(6 * huge_page + 16), 6 * huge_page + 16);
  EXPECT_EQ(huge_block_bytes(3 * huge_page + huge_page / 2 - 1), 3 * huge_page + huge_page / 2 - 1);
  EXPECT_EQ(huge_block_bytes(3 * huge_page + huge_page / 2), 4 * huge_page);
  EXPECT_EQ(huge_block_bytes(8'000'000), 4 * huge_page);
  EXPECT_EQ(huge_block_bytes(2 * huge_page), 2 * huge_page);
  // The whole block is usable either way.
  for (const std::size_t n : {6 * huge_page + 16, 3 * huge_page + huge_page / 2}) {
    auto* b = static_cast<std::byte*>(relstore::detail::allocate_block(n, 8));
    b[n - 1] = std::byte{1};
    relstore::detail::free_block(b, n, 8);
  }
}

// A snapshot's number columns (cell_vector) fault in 2 MiB at a time: a save
// or load of a million rows no longer takes 15,000 page faults per column.
TEST(BlockAllocator, AColumnOfAMillionCellsSitsInHugePages) {
  relstore::detail::cell_vector<std::int64_t> cells(1'000'000, 7);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(cells.data()) % huge_page, 0u);
  cells.push_back(8);  // grows: the old block is freed through the allocator too
  EXPECT_EQ(cells.back(), 8);
  EXPECT_EQ(cells.front(), 7);
  if (relstore::detail::huge_pages_allowed()) {
    EXPECT_NE(test::vm_flags_of(cells.data()).find(" hg"), std::string::npos) << test::vm_flags_of(cells.data());
  }
}

// ------------------------------------------------------------ kept blocks

// A load over a loaded store gets the old store's freed blocks back: their
// pages are resident, so touching them takes no fault (each one ~10 us on
// a VM, and the kernel zeroing the page).
TEST(BlockCache, AFreedBigBlockIsTakenAgainByTheNextOfItsSizeWithItsPagesResident) {
  const kept_up_to room(64 * huge_page);
  const std::size_t n = 3 * huge_page;
  auto* a = static_cast<volatile char*>(allocate_block(n, 8));
  for (std::size_t i = 0; i < n; i += 4096) a[i] = 1;
  free_block(const_cast<char*>(a), n, 8);
  EXPECT_EQ(relstore::block_cache().bytes, n);
  EXPECT_EQ(relstore::block_cache().blocks, 1u);

  const long before = test::minor_faults();
  auto* b = static_cast<volatile char*>(allocate_block(n, 8));
  for (std::size_t i = 0; i < n; i += 4096) b[i] = 2;
  const long faults = test::minor_faults() - before;
  EXPECT_EQ(b, a) << "the kept block is taken";
  EXPECT_EQ(relstore::block_cache().bytes, 0u);
#ifdef RELSTORE_TEST_ASAN
  (void)faults;  // its shadow memory faults in as the block is touched
#else
  EXPECT_EQ(faults, 0) << "a kept block's pages are resident";
#endif
  free_block(const_cast<char*>(b), n, 8);
}

// A kept block serves a request up to a quarter smaller, and is kept again
// at its real size however it was asked for.
TEST(BlockCache, ALargerKeptBlockServesAndIsKeptAtItsRealSize) {
  const kept_up_to room(64 * huge_page);
  const std::size_t big = 4 * huge_page;
  void* a = allocate_block(big, 8);
  free_block(a, big, 8);
  const std::size_t asked = 3 * huge_page + huge_page / 2 - 4096;  // 8 MiB is within a quarter more
  ASSERT_EQ(huge_block_bytes(asked), asked);
  void* b = allocate_block(asked, 8);
  EXPECT_EQ(b, a);
  static_cast<char*>(b)[asked - 1] = 1;
#ifdef RELSTORE_TEST_ASAN
  EXPECT_TRUE(__asan_address_is_poisoned(static_cast<char*>(b) + asked)) << "past what was asked for is out of bounds";
#endif
  free_block(b, asked, 8);
  EXPECT_EQ(relstore::block_cache().bytes, big) << "kept as the 8 MiB it is";

  // Twice as large is too large: a new block, and the kept one stays.
  const std::size_t small = 2 * huge_page;
  void* c = allocate_block(small, 8);
  EXPECT_NE(c, a);
  EXPECT_EQ(relstore::block_cache().bytes, big);
  free_block(c, small, 8);
  EXPECT_EQ(relstore::block_cache().bytes, big + small);
  EXPECT_EQ(relstore::block_cache().blocks, 2u);
}

// Blocks under 2 MiB go back to operator delete at once: they are not kept.
TEST(BlockCache, ASmallBlockIsNotKept) {
  const kept_up_to room(64 * huge_page);
  void* a = allocate_block(huge_page - 1, 8);
  free_block(a, huge_page - 1, 8);
  EXPECT_EQ(relstore::block_cache().bytes, 0u);
  // Not even one asked for on a huge-page boundary.
  void* b = allocate_block(huge_page - 1, huge_page);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(b) % huge_page, 0u);
  free_block(b, huge_page - 1, huge_page);
  EXPECT_EQ(relstore::block_cache().bytes, 0u);
}

// The limit holds: the oldest kept blocks make room for a newer one, a
// block larger than the limit is given back, a lower limit gives back the
// oldest kept blocks, release gives back every one and keeps the limit, and
// a limit of 0 keeps nothing.
TEST(BlockCache, TheLimitIsKeptAndReleaseGivesEverythingBack) {
  const kept_up_to room(5 * huge_page);
  const std::size_t n = 2 * huge_page;
  void* a = allocate_block(n, 8);
  void* b = allocate_block(n, 8);
  void* c = allocate_block(n, 8);
  free_block(a, n, 8);
  free_block(b, n, 8);
  free_block(c, n, 8);  // 12 MiB would pass the 10 MiB limit: a, the oldest, goes
  EXPECT_EQ(relstore::block_cache().bytes, 2 * n);
  EXPECT_EQ(relstore::block_cache().limit, 5 * huge_page);
  void* big = allocate_block(6 * huge_page, 8);
  free_block(big, 6 * huge_page, 8);  // 12 MiB alone passes the limit: given back itself
  EXPECT_EQ(relstore::block_cache().bytes, 2 * n) << "b and c stay";

  EXPECT_EQ(relstore::set_block_cache_limit(n), n) << "one block given back";
  EXPECT_EQ(relstore::block_cache().bytes, n);
  EXPECT_EQ(allocate_block(n, 8), c) << "the newest stays";
  free_block(c, n, 8);

  EXPECT_EQ(relstore::release_cached_blocks(), n);
  EXPECT_EQ(relstore::block_cache().bytes, 0u);
  EXPECT_EQ(relstore::block_cache().limit, n) << "release keeps the limit";

  EXPECT_EQ(relstore::set_block_cache_limit(0), 0u);
  void* d = allocate_block(n, 8);
  free_block(d, n, 8);
  EXPECT_EQ(relstore::block_cache().bytes, 0u) << "a limit of 0 keeps nothing";
}

// Blocks allocated on one thread and freed on another (a background save's
// buffers), from several threads at once, are all accounted for.
TEST(BlockCache, ThreadsTakeAndKeepBlocksTogether) {
  const kept_up_to room(32 * huge_page);
  // 6, 6.5 and 8 MiB: each kept block serves the next size down too (within
  // a quarter), so blocks are also lent larger than asked.
  constexpr std::size_t sizes[] = {3 * huge_page, 3 * huge_page + huge_page / 4, 4 * huge_page};
  for (std::size_t n : sizes) ASSERT_EQ(huge_block_bytes(n), n);
  std::vector<std::thread> threads;
  std::atomic<bool> wrong{false};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        const std::size_t n = sizes[static_cast<std::size_t>(i + t) % 3];
        auto* p = static_cast<unsigned char*>(allocate_block(n, 8));
        p[0] = static_cast<unsigned char>(t);
        p[n - 1] = static_cast<unsigned char>(t);
        if (p[0] != t || p[n - 1] != t) wrong = true;
        free_block(p, n, 8);
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_FALSE(wrong);
  const relstore::block_cache_stats kept = relstore::block_cache();
  EXPECT_LE(kept.bytes, 32 * huge_page);
  EXPECT_GT(kept.blocks, 0u);
  // Every block is back and counted at its real size: release gives back
  // exactly what the cache says it holds.
  EXPECT_EQ(relstore::release_cached_blocks(), kept.bytes);
  EXPECT_EQ(relstore::block_cache().blocks, 0u);
}

}  // namespace

}  // namespace block_allocator_test
