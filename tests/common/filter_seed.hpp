// The data shared by the Filter and FilterJson suites: two customers, one
// coupon and six orders, whose ids are 1..6 (asserted while seeding).
//
//   order  customer  total  note      couponId
//       1  Ada           5  "abc"     coupon
//       2  Ada          15  "xabc"    null
//       3  Bob          25  "abbc"    coupon
//       4  Bob          15  "banana"  null
//       5  Ada          35  "a_c"     null
//       6  Bob          45  "apple"   coupon
//
// Ada (id 1) has an email, Bob (id 2) has none (null).
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/shop_schema.hpp"

namespace filter_seed {

struct seeded {
  shop::Customer ada;
  shop::Customer bob;
  shop::Coupon coupon;
};

// Fills `db` (which must be empty) with the table above.
inline void seed(shop::store& db, seeded& out) {
  auto customers = db.repo<shop::Customer>();
  auto ada = customers.create({.name = "Ada", .email = "ada@example.com"});
  ASSERT_TRUE(ada) << ada.error().message();
  auto bob = customers.create({.name = "Bob"});
  ASSERT_TRUE(bob) << bob.error().message();
  auto coupon = db.repo<shop::Coupon>().create({.label = "C"});
  ASSERT_TRUE(coupon) << coupon.error().message();
  out = {*ada, *bob, *coupon};
  struct line {
    std::int64_t customer;
    double total;
    const char* note;
    bool with_coupon;
  };
  const std::vector<line> lines = {{ada->id, 5, "abc", true},   {ada->id, 15, "xabc", false},
                                   {bob->id, 25, "abbc", true}, {bob->id, 15, "banana", false},
                                   {ada->id, 35, "a_c", false}, {bob->id, 45, "apple", true}};
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const line& l = lines[i];
    auto o = db.repo<shop::Order>().create(
        {.customerId = l.customer,
         .total = l.total,
         .note = l.note,
         .couponId = l.with_coupon ? std::optional<std::int64_t>(coupon->id) : std::nullopt});
    ASSERT_TRUE(o) << o.error().message();
    ASSERT_EQ(o->id, static_cast<std::int64_t>(i + 1));
  }
}

}  // namespace filter_seed
