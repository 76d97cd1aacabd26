#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <limits>
#include <sstream>

#include <relstore/snapshot.hpp>

#include "common/shop_schema.hpp"
#include "common/temp_dir.hpp"

namespace {

using namespace shop;

store sample_store() {
  store db;
  auto customers = db.repo<Customer>();
  auto ada = customers.create({.name = "Ada", .email = "ada@example.com"}).value();
  auto bob = customers.create({.name = "Bob"}).value();
  auto coupon = db.repo<Coupon>().create({.label = "SPRING"}).value();
  auto o1 = customers.related<"orders">(ada.id).create({.total = 12.5, .note = "gift", .couponId = coupon.id}).value();
  (void)customers.related<"orders">(bob.id).create({.total = -0.0, .note = "quote \" and \\ and \n"}).value();
  (void)customers.related<"orders">(bob.id)
      .create({.total = std::numeric_limits<double>::quiet_NaN(), .note = ""})
      .value();
  (void)db.repo<Order>().related<"lines">(o1.id).create({.sku = "A-1", .qty = -3}).value();
  auto boss = db.repo<Employee>().create({.name = "Boss"}).value();
  (void)db.repo<Employee>().related<"reports">(boss.id).create({.name = "Worker"}).value();
  auto acct = db.repo<Account>().create({.code = "ACC-1"}).value();
  (void)db.repo<Account>().related<"sessions">(acct.code).create({.token = "tok-1", .active = false}).value();
  return db;
}

class RoundTrip : public ::testing::TestWithParam<relstore::archive_format> {};

TEST_P(RoundTrip, StreamRoundTripIsEqualIncludingNegativeZeroAndNaN) {
  const store db = sample_store();
  std::stringstream buf;
  ASSERT_TRUE(relstore::save(db, buf, {.format = GetParam()}));
  store loaded;
  auto r = relstore::load(loaded, buf);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_TRUE(loaded == db);
  auto orders = loaded.repo<Order>().find().value();
  ASSERT_EQ(orders.size(), 3u);
  EXPECT_TRUE(std::signbit(orders[1]->total));
  EXPECT_TRUE(std::isnan(orders[2]->total));
}

TEST_P(RoundTrip, FileRoundTripAndAutoIdsContinue) {
  test::temp_dir dir;
  const store db = sample_store();
  const auto path = dir.path() / "world.snap";
  ASSERT_TRUE(relstore::save(db, path, {.format = GetParam()}));
  store loaded;
  ASSERT_TRUE(relstore::load(loaded, path));
  EXPECT_TRUE(loaded == db);
  auto c = loaded.repo<Customer>().create({.name = "Cy"});
  ASSERT_TRUE(c);
  EXPECT_EQ(c->id, 3);
}

INSTANTIATE_TEST_SUITE_P(Formats, RoundTrip,
                         ::testing::Values(relstore::archive_format::binary, relstore::archive_format::text,
                                           relstore::archive_format::xml),
                         [](const auto& param_info) { return std::string(relstore::to_string(param_info.param)); });

}  // namespace
