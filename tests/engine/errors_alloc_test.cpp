// A typed store's rejected write, and an update of one entity by key,
// allocate nothing: a rejected write's error keeps the code and the key,
// and the message is worded only when read (errors.hpp's deferred forms). A cascade's lists grow geometrically. A
// background save that cannot allocate at its start is an error, not an exception. Its own executable, since it
// replaces the global operator new and delete (forwarding to malloc and free) to count allocations; not built under the
// sanitizers, which bring their own.
#include <gtest/gtest.h>

#include <cstdlib>
#include <new>
#include <string>

#include <relstore/background_save.hpp>

#include "common/shop_schema.hpp"
#include "common/shop_world.hpp"
#include "common/temp_dir.hpp"
#include "common/tree_schema.hpp"

namespace {

// Allocations made by this thread through the global operator new, and
// those of at least 4 KiB.
thread_local long allocations = 0;
thread_local long large_allocations = 0;
// The allocation number (of this thread) that throws std::bad_alloc; 0: none.
thread_local long fail_at = 0;

}  // namespace

void* operator new(std::size_t size) {
  ++allocations;
  if (size >= 4096) ++large_allocations;
  if (allocations == fail_at) throw std::bad_alloc();
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
// GCC 12 at -O1 and above takes free() in a replaced operator delete for a
// mismatch with operator new; it is this file's own pair.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
#pragma GCC diagnostic pop

namespace {

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

}  // namespace
