// The store read in place by a background save: its reader touches the store
// and the pools' watches only in turns the store's thread lends it.
#include "relstore/detail/point_in_time_source.hpp"

#include <gtest/gtest.h>

#include <chrono>

#include "common/shop_schema.hpp"
#include "relstore/detail/snapshot_bridge.hpp"
#include "relstore/detail/store_access.hpp"

namespace point_in_time_source_test {

namespace {

using namespace shop;
using relstore::detail::turn;

// Regression: a model without rows is never read, and its watch was ended
// by the save's thread at once, while the game went on writing (a race on
// the pool's watches). The reader now runs only in the turns the store's
// thread lends it.
TEST(PointInTimeSource, AModelWithoutRowsEndsItsWatchOnlyInATurn) {
  store db;  // Customer, the first model, empty
  ASSERT_TRUE(db.repo<Account>().create({.code = "acc"}));
  auto& eng = relstore::detail::store_access::of(db);
  auto rows = relstore::detail::snapshot_bridge<schema>::start_source(eng);
  const auto customers = eng.tab<Customer>().shared_pool();
  ASSERT_TRUE(customers->watched());

  bool done = false;
  rows->turns().start([&] {
    rows->model_done(0);
    done = true;
    rows->release();  // the other models' watches end in the same turn
  });
  EXPECT_TRUE(customers->watched());
  ASSERT_TRUE(db.repo<Customer>().create({.name = "late"}));  // the game writes meanwhile

  EXPECT_FALSE(rows->turns().lend(turn::clock::now() + std::chrono::seconds(10))) << "the reader finished";
  EXPECT_TRUE(done);
  EXPECT_FALSE(customers->watched()) << "its watch ended in the turn";
  EXPECT_FALSE(eng.tab<Account>().shared_pool()->watched());
}

// A reader whose time is up gives the turn back between two slices of 256
// rows, and goes on from there in the next turn.
TEST(PointInTimeSource, TheReaderGivesTheTurnBackWhenItsTimeIsUp) {
  store db;
  for (int c = 0; c < 2000; ++c) ASSERT_TRUE(db.repo<Customer>().create({.name = "c"}));
  auto& eng = relstore::detail::store_access::of(db);
  auto rows = relstore::detail::snapshot_bridge<schema>::start_source(eng);
  std::size_t read = 0;
  rows->turns().start([&] {
    rows->read_column(0, 0, [&](const relstore::detail::column& part) { read += part.ints.size(); });
    rows->release();
  });
  int turns = 0;
  while (rows->turns().lend(turn::clock::now())) {  // time up at once: a slice a turn
    ++turns;
    EXPECT_EQ(read % 256, 0U);
    ASSERT_LT(turns, 100);
  }
  EXPECT_EQ(read, 2000U);
  EXPECT_EQ(turns, 8) << "2,000 rows in 8 slices of 256 or fewer, a pause before each";
}

}  // namespace

}  // namespace point_in_time_source_test
