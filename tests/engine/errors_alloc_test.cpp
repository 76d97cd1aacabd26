// What relstore allocates: a typed store's rejected write, an update of one
// entity by key and a read of many string keys allocate nothing (a rejected
// write's message is worded only when read); a cascade's lists grow
// geometrically; a registry, a background save or a load that cannot
// allocate is an error, not an exception, and leaves nothing behind; a big
// block that cannot be had gives back the kept ones first. Writes that run
// out of memory: write_out_of_memory_test.cpp. One executable with it
// (common/counting_new.hpp replaces the global operator new).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <new>
#include <string>
#include <vector>

#include <relstore/background_save.hpp>
#include <relstore/memory.hpp>
#include <relstore/snapshot.hpp>

#include "common/counting_new.hpp"
#include "common/shop_schema.hpp"
#include "common/shop_world.hpp"
#include "common/temp_dir.hpp"
#include "common/tree_schema.hpp"
#include "relstore/detail/block_allocator.hpp"

namespace {

using counting_new::allocations;
using counting_new::fail_at;
using counting_new::large_allocations;
using counting_new::live;
using relstore::errc;
using shop::Customer;
using shop::Order;

class RejectedWrite : public ::testing::Test {
 protected:
  void SetUp() override {
    ada = db.repo<Customer>().create({.name = "Ada"}).value();
    // Once, so that the schema's registry and model descriptions (statics,
    // built on first use) exist before anything is counted.
    (void)db.repo<Order>().create({.customerId = 99});
    (void)db.repo<Customer>().create({.id = ada.id, .name = "Eve"});
    (void)db.repo<Customer>().find_by_id(404);
  }
  shop::store db;
  Customer ada;
};

TEST_F(RejectedWrite, TheCounterSeesTheMessageBeingWorded) {
  auto r = db.repo<Order>().create({.customerId = 99});
  ASSERT_FALSE(r);
  const long before = allocations;
  const std::string text = r.error().message();
  EXPECT_GT(allocations - before, 0) << "the counter counts";
  EXPECT_EQ(text, "Order.customerId = 99: no Customer with id 99 (relation Customer.orders)");
}

TEST_F(RejectedWrite, ADanglingForeignKeyAllocatesNothing) {
  const long before = allocations;
  auto r = db.repo<Order>().create({.customerId = 99});
  const long made = allocations - before;
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::foreign_key_violation);
  EXPECT_EQ(made, 0);
}

TEST_F(RejectedWrite, ATakenPrimaryKeyAllocatesNothing) {
  const long before = allocations;
  auto r = db.repo<Customer>().create({.id = ada.id, .name = "Eve"});
  const long made = allocations - before;
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::already_exists);
  EXPECT_EQ(made, 0);
}

TEST_F(RejectedWrite, AMissingKeyAllocatesNothing) {
  const long before = allocations;
  auto r = db.repo<Customer>().find_by_id(404);
  const long made = allocations - before;
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::not_found);
  EXPECT_EQ(made, 0);
}
// An update of one entity by its key (a game's reparent) allocates nothing:
// it once built three one-element vectors per call.
TEST(UpdateById, OneEntityAllocatesNothing) {
  shop::store db;
  const auto ada = db.repo<Customer>().create({.name = "Ada"}).value();
  const auto bob = db.repo<Customer>().create({.name = "Bob"}).value();
  const auto order = db.repo<Order>().create({.customerId = ada.id}).value();
  const auto to_bob = relstore::patch<Order>{}.set(&Order::customerId, bob.id);
  const auto to_ada = relstore::patch<Order>{}.set(&Order::customerId, ada.id);
  ASSERT_TRUE(db.repo<Order>().update_by_id(order.id, to_bob));  // statics built on first use
  const long before = allocations;
  auto back = db.repo<Order>().update_by_id(order.id, to_ada);
  const long made = allocations - before;
  ASSERT_TRUE(back);
  EXPECT_EQ(back->customerId, ada.id);
  EXPECT_EQ(db.repo<Order>().find_by_id(order.id)->customerId, ada.id);
  EXPECT_EQ(made, 0);
}

// visit_by_ids sorts up to 64 keys on the stack, string keys as pointers to
// the caller's: a read of many string keys allocates nothing (it once
// copied every key to the heap to sort them).
TEST(VisitByIds, StringKeysAllocateNothing) {
  shop::store db;
  ASSERT_TRUE(db.repo<shop::Account>().insert({.code = "ac"}));
  std::vector<std::string> keys;
  for (int i = 0; i < 40; ++i) {
    keys.push_back(std::string(30, 'k') + std::to_string(39 - i));
    ASSERT_TRUE(db.repo<shop::Session>().insert({.token = keys.back(), .accountCode = "ac"}));
  }
  keys.push_back(keys.front());
  keys.push_back(std::string(30, 'z'));  // names nothing
  std::string last;
  last.reserve(64);
  bool in_order = true;
  const long before = allocations;
  const std::size_t visited = db.repo<shop::Session>().visit_by_ids(keys, [&](const shop::Session& s) {
    in_order = in_order && last < s.token;
    last = s.token;  // within the capacity reserved
  });
  const long made = allocations - before;
  EXPECT_EQ(visited, 40u);
  EXPECT_TRUE(in_order);
  EXPECT_EQ(made, 0);
}

// Regression: the cascade planner reserved its doomed lists to exactly
// their new size for each parent, so deleting n parents reallocated (and
// copied) those lists n times: quadratic in the number of parents.
TEST(CascadePlan, ListsGrowGeometricallyOverManyParents) {
  shop::store db;
  const auto ada = db.repo<Customer>().create({.name = "Ada"}).value();
  constexpr int orders = 4000;
  for (int i = 0; i < orders; ++i) {
    const auto o = db.repo<Order>().create({.customerId = ada.id}).value();
    ASSERT_TRUE(db.repo<shop::OrderLine>().create({.orderId = o.id, .sku = "x"}));
  }
  const long before = large_allocations;
  EXPECT_EQ(db.repo<Order>().delete_all().value(), static_cast<std::size_t>(orders));
  EXPECT_EQ(db.size<shop::OrderLine>(), 0u);
  EXPECT_LT(large_allocations - before, 200) << "a list reallocated per parent";
}

// A registry whose build ran out of memory is built again, whole, by the
// next call (it once kept the models it had added, and the next build
// asserted "model Parent is defined twice"). chain::family: a schema no
// other test of this binary uses, so its registry is built here.
TEST(Registry, AnAllocationFailureWhileBuildingItLeavesItToBeBuiltAgain) {
  int failures = 0;
  for (long n = 1;; ++n) {
    ASSERT_LT(n, 10000) << "the registry was never built";
    fail_at = allocations + n;
    try {
      (void)chain::family::registry();
    } catch (const std::bad_alloc&) {
      fail_at = 0;
      ++failures;
      continue;
    }
    fail_at = 0;
    break;
  }
  EXPECT_GT(failures, 3);
  const relstore::registry& reg = chain::family::registry();
  ASSERT_EQ(reg.model_count(), 3u);
  EXPECT_EQ(reg.model(0).name, "Parent");
  EXPECT_EQ(reg.relations().size(), 4u);  // children, items and their inverses
}

// Each allocation of the call in turn fails: the call returns io_error (no
// exception, no save run anyway), writes nothing, and leaves the file free
// for the next save.
TEST(BackgroundSaveStart, AnAllocationFailureIsAnErrorAndLeavesTheFileFree) {
  test::temp_dir dir;
  const auto path = dir.path() / "oom.snap";
  shop::store db = test::customers_with_one_order(50);
  (void)shop::schema::registry();  // built on first use: the failures below hit the call's own allocations
  int failures = 0;
  for (long n = 1;; ++n) {
    ASSERT_LT(n, 10000) << "the call never succeeded";
    fail_at = allocations + n;
    auto save = relstore::save_in_background(db, path);
    fail_at = 0;
    if (!save) {
      EXPECT_EQ(save.error().code, errc::io_error) << "allocation " << n << ": " << save.error().message();
      EXPECT_FALSE(std::filesystem::exists(path)) << "allocation " << n;
      ++failures;
      continue;
    }
    ASSERT_TRUE(save->wait());
    break;
  }
  EXPECT_GT(failures, 3);
  shop::store loaded;
  ASSERT_TRUE(relstore::load(loaded, path));
  EXPECT_TRUE(loaded == db);
}

// Each allocation of a load in turn fails: load returns io_error saying
// memory ran out, the store keeps what it held, and nothing read is left
// allocated (blocks are not kept during the test, so none hide a leak). Two
// files: save()'s, read in file order, and a background save's, whose
// orders are not grouped by customer, so the load stages them.
class LoadFailure : public ::testing::TestWithParam<bool> {};

TEST_P(LoadFailure, AnAllocationFailureIsAnErrorAndLeavesTheStoreAsItWas) {
  test::temp_dir dir;
  const auto path = dir.path() / "world.snap";
  shop::store saved;
  for (std::int64_t c = 1; c <= 50; ++c) ASSERT_TRUE(saved.repo<Customer>().create({.id = c, .name = "c"}));
  for (std::int64_t i = 1; i <= 300; ++i) {
    ASSERT_TRUE(saved.repo<Order>().create({.id = i, .customerId = (i * 7) % 50 + 1, .note = "n"}));
  }
  if (GetParam()) {
    auto save = relstore::save_in_background(saved, path);
    ASSERT_TRUE(save && save->wait());
  } else {
    ASSERT_TRUE(relstore::save(saved, path));
  }
  shop::store db = test::customers_with_one_order(3);
  const shop::store before = test::customers_with_one_order(3);
  const std::size_t limit = relstore::block_cache().limit;
  (void)relstore::set_block_cache_limit(0);
  {
    shop::store warm;  // what a first load builds once (statics) is not counted as left behind
    ASSERT_TRUE(relstore::load(warm, path));
  }
  int failures = 0;
  for (long n = 1;; ++n) {
    ASSERT_LT(n, 100000) << "the load never succeeded";
    const long held = live;
    bool failed = false;
    {
      fail_at = allocations + n;
      auto r = relstore::load(db, path);
      fail_at = 0;
      if (!r) {
        failed = true;
        ASSERT_EQ(r.error().code, errc::io_error) << "allocation " << n << ": " << r.error().message();
        EXPECT_NE(r.error().message().find("memory"), std::string::npos) << r.error().message();
      }
    }  // the error's message freed
    if (!failed) break;
    ASSERT_EQ(live, held) << "allocation " << n << " left what it read allocated";
    ASSERT_TRUE(db == before) << "allocation " << n;
    ++failures;
  }
  (void)relstore::set_block_cache_limit(limit);
  EXPECT_GT(failures, 50);
  EXPECT_TRUE(db == saved);
}

INSTANTIATE_TEST_SUITE_P(Files, LoadFailure, ::testing::Bool(),
                         [](const auto& p) { return p.param ? "BackgroundSaved" : "Saved"; });

// A big block that operator new cannot give after all gives back the kept
// blocks and asks once more; with nothing kept, the failure is the caller's.
TEST(BlockCache, AFailedBigAllocationGivesBackKeptBlocksAndTriesAgain) {
  using relstore::detail::allocate_block;
  using relstore::detail::free_block;
  constexpr std::size_t mib = std::size_t{1} << 20;
  const std::size_t limit = relstore::block_cache().limit;
  (void)relstore::release_cached_blocks();
  (void)relstore::set_block_cache_limit(64 * mib);
  void* kept = allocate_block(4 * mib, 8);
  free_block(kept, 4 * mib, 8);
  ASSERT_EQ(relstore::block_cache().bytes, 4 * mib);

  fail_at = allocations + 1;
  void* p = allocate_block(16 * mib, 8);  // the first operator new throws
  fail_at = 0;
  EXPECT_NE(p, nullptr);
  EXPECT_EQ(relstore::block_cache().bytes, 0u) << "the kept block was given back";
  free_block(p, 16 * mib, 8);
  (void)relstore::release_cached_blocks();

  fail_at = allocations + 1;
  EXPECT_THROW((void)allocate_block(16 * mib, 8), std::bad_alloc);
  fail_at = 0;
  (void)relstore::set_block_cache_limit(limit);
}

}  // namespace
