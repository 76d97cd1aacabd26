#include <gtest/gtest.h>

#include "common/shop_schema.hpp"

namespace smoke_test {

using namespace shop;

TEST(Smoke, CreateFindDelete) {
  store db;
  auto c = db.repo<Customer>().create({.name = "Ada"});
  ASSERT_TRUE(c) << c.error().message();
  EXPECT_EQ(c->id, 1);
  auto orders = db.repo<Customer>().related<"orders">(c->id);
  auto o = orders.create({.total = 12.5});
  ASSERT_TRUE(o) << o.error().message();
  EXPECT_EQ(o->customerId, 1);
  auto bad = db.repo<Order>().create({.customerId = 99});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, relstore::errc::foreign_key_violation);
  auto rows = db.repo<Customer>().find(R"({"include":["orders"]})");
  ASSERT_TRUE(rows) << rows.error().message();
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].many<Order>("orders").size(), 1u);
  auto del = db.repo<Customer>().delete_by_id(1);
  ASSERT_FALSE(del);
  EXPECT_EQ(del.error().code, relstore::errc::restrict_violation);
}

}  // namespace smoke_test
