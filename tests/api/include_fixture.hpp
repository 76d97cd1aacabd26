// The Include fixture, shared by include_test and include_invalid_test.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "common/shop_schema.hpp"

namespace include_fixture {

using namespace shop;
using ids_t = std::vector<std::int64_t>;

// Three customers c0..c2 with five orders each, created round robin (so no
// customer's orders are contiguous in key order), two lines per order, and a
// fourth customer "lonely" with no orders. Order o (0..4) of customer c has
// total o * 10 + c and note "n<o>"; the first order of each customer has a
// coupon, the others none.
class Include : public ::testing::Test {
 protected:
  void SetUp() override {
    auto coupon = db.repo<Coupon>().create({.label = "C"});
    ASSERT_TRUE(coupon) << coupon.error().message();
    coupon_id = coupon->id;
    for (int c = 0; c < 3; ++c) {
      auto cust = customers.create({.name = "c" + std::to_string(c)});
      ASSERT_TRUE(cust) << cust.error().message();
      customer_ids.push_back(cust->id);
    }
    for (int o = 0; o < 5; ++o) {
      for (int c = 0; c < 3; ++c) {
        auto ord = customers.related<"orders">(customer_ids[static_cast<std::size_t>(c)])
                       .create({.total = o * 10.0 + c,
                                .note = "n" + std::to_string(o),
                                .couponId = o == 0 ? std::optional<std::int64_t>(coupon_id) : std::nullopt});
        ASSERT_TRUE(ord) << ord.error().message();
        for (int l = 0; l < 2; ++l) {
          auto line = db.repo<Order>().related<"lines">(ord->id).create(
              {.sku = "s" + std::to_string(ord->id) + "-" + std::to_string(l), .qty = l});
          ASSERT_TRUE(line) << line.error().message();
        }
      }
    }
    auto lonely = customers.create({.name = "lonely"});
    ASSERT_TRUE(lonely) << lonely.error().message();
    lonely_id = lonely->id;
  }

  // The ids of `customer`'s orders that satisfy `keep`, in key order, read
  // straight from the store.
  ids_t orders_of(
      std::int64_t customer, const std::function<bool(const Order&)>& keep = [](const Order&) { return true; }) const {
    ids_t out;
    db.for_each<Order>([&](const Order& o) {
      if (o.customerId == customer && keep(o)) out.push_back(o.id);
    });
    return out;
  }
  ids_t lines_of(std::int64_t order) const {
    ids_t out;
    db.for_each<OrderLine>([&](const OrderLine& l) {
      if (l.orderId == order) out.push_back(l.id);
    });
    return out;
  }
  template <class T>
  static ids_t ids(const relstore::rows<T>& rows) {
    ids_t out;
    for (const auto& r : rows) out.push_back(r->id);
    return out;
  }
  static ids_t reversed(ids_t v) { return ids_t(v.rbegin(), v.rend()); }
  static ids_t slice(const ids_t& v, std::size_t from, std::size_t n) {
    ids_t out;
    for (std::size_t i = from; i < v.size() && out.size() < n; ++i) out.push_back(v[i]);
    return out;
  }
  static bool says(const relstore::error& e, const char* text) { return e.message().find(text) != std::string::npos; }

  store db;
  relstore::repository<schema, Customer> customers = db.repo<Customer>();
  std::vector<std::int64_t> customer_ids;
  std::int64_t lonely_id = 0;
  std::int64_t coupon_id = 0;
};

}  // namespace include_fixture
