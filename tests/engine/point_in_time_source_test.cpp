// The store read in place by a background save: its thread touches the store
// and the pools' watches only in turns the store's thread lends it.
#include "relstore/detail/point_in_time_source.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "common/shop_schema.hpp"
#include "relstore/detail/snapshot_bridge.hpp"
#include "relstore/detail/store_access.hpp"

namespace {

using namespace shop;
using relstore::detail::turn;

// Regression: a model without rows is never read, and its watch was ended
// by the save's thread at once, while the game went on writing (a race on
// the pool's watches).
TEST(PointInTimeSource, AModelWithoutRowsEndsItsWatchOnlyInATurn) {
  store db;  // Customer, the first model, empty
  ASSERT_TRUE(db.repo<Account>().create({.code = "acc"}));
  auto& eng = relstore::detail::store_access::of(db);
  auto rows = relstore::detail::snapshot_bridge<schema>::start_source(eng);
  const auto customers = eng.tab<Customer>().shared_pool();
  ASSERT_TRUE(customers->watched());

  std::atomic<bool> done{false};
  std::thread reader([&] {
    rows->model_done(0);
    done = true;
    rows->release();  // the other models' watches end in the same turn
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_FALSE(done) << "the reader went on without a turn";
  EXPECT_TRUE(customers->watched());
  ASSERT_TRUE(db.repo<Customer>().create({.name = "late"}));  // the game writes meanwhile

  EXPECT_FALSE(rows->turns().lend(turn::clock::now() + std::chrono::seconds(10))) << "the reader finished";
  reader.join();
  EXPECT_TRUE(done);
  EXPECT_FALSE(customers->watched()) << "its watch ended in the turn";
  EXPECT_FALSE(eng.tab<Account>().shared_pool()->watched());
}

}  // namespace
