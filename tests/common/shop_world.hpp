// Shop worlds shared by several suites. ShopWorld, for the integrity and
// on-delete suites:
// Ada has two orders, both with `coupon`; o1 has lines l1 and l2, o2 has l3.
// Bob has no orders; `spare` is a coupon no order uses.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "common/shop_schema.hpp"

namespace test {

class ShopWorld : public ::testing::Test {
 protected:
  void SetUp() override {
    using namespace shop;
    ada = db.repo<Customer>().create({.name = "Ada"}).value();
    bob = db.repo<Customer>().create({.name = "Bob"}).value();
    coupon = db.repo<Coupon>().create({.label = "C"}).value();
    spare = db.repo<Coupon>().create({.label = "S"}).value();
    auto orders = db.repo<Customer>().related<"orders">(ada.id);
    o1 = orders.create({.total = 1, .note = "first", .couponId = coupon.id}).value();
    o2 = orders.create({.total = 2, .note = "second", .couponId = coupon.id}).value();
    l1 = db.repo<Order>().related<"lines">(o1.id).create({.sku = "a"}).value();
    l2 = db.repo<Order>().related<"lines">(o1.id).create({.sku = "b"}).value();
    l3 = db.repo<Order>().related<"lines">(o2.id).create({.sku = "c"}).value();
  }
  shop::store db;
  shop::Customer ada, bob;
  shop::Coupon coupon, spare;
  shop::Order o1, o2;
  shop::OrderLine l1, l2, l3;
};

// `customers` customers c0, c1, ..., each with one order of total i * 1.5:
// the worlds the save tests write and compare.
inline shop::store customers_with_one_order(int customers) {
  using namespace shop;
  store db;
  for (int i = 0; i < customers; ++i) {
    auto c = db.repo<Customer>()
                 .create({.name = std::string("c").append(std::to_string(i))})
                 .value();  // not "c" + s: GCC 12 -Wrestrict false positive
    (void)db.repo<Customer>().related<"orders">(c.id).create({.total = i * 1.5}).value();
  }
  return db;
}

}  // namespace test
