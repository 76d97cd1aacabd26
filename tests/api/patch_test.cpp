// Patches (update_all, a constrained patch, update_by_id): each value is
// converted once and copied into every target. A patch of fields in no
// index, none a string, is written in place when nothing records or observes it; with an
// observer or a transaction it is journaled as any update. Either way only
// the fields named change, and a key or foreign key it names is checked.
#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/shop_schema.hpp"
#include "common/shop_world.hpp"
#include "relstore/subscription.hpp"

namespace patch_test {

namespace {

using namespace shop;
using relstore::errc;
using relstore::field;
using relstore::patch;

class Patch : public test::ShopWorld {
 protected:
  Order order(std::int64_t id) const { return db.repo<Order>().find_by_id(id).value(); }
};

TEST_F(Patch, SetsTheNamedFieldsOfEveryMatchAndNoOtherField) {
  auto n = db.repo<Order>().update_all(patch<Order>{}.set(&Order::note, "sale"));
  ASSERT_TRUE(n) << n.error();
  EXPECT_EQ(*n, 2u);
  for (const Order& before : {o1, o2}) {
    const Order now = order(before.id);
    EXPECT_EQ(now.note, "sale");
    EXPECT_EQ(now.total, before.total) << "a field the patch does not name keeps each target's own value";
    EXPECT_EQ(now.customerId, before.customerId);
    EXPECT_EQ(now.couponId, before.couponId);
  }
}

// Patches of one or two fields are built without allocating; a longer one
// must set every field it names all the same.
TEST_F(Patch, APatchOfMoreFieldsThanFitInlineSetsThemAll) {
  auto p = patch<Order>{}.set(&Order::total, 7.25).set(&Order::note, "three").set(&Order::couponId, spare.id);
  ASSERT_TRUE(db.repo<Order>().update_by_id(o2.id, p));
  const Order now = order(o2.id);
  EXPECT_EQ(now.total, 7.25);
  EXPECT_EQ(now.note, "three");
  EXPECT_EQ(now.couponId, spare.id);
  EXPECT_EQ(now.customerId, o2.customerId);
  EXPECT_EQ(order(o1.id).note, o1.note) << "the other order is not a target";
}

TEST_F(Patch, AConstrainedPatchTouchesOnlyItsParentsMatchingChildren) {
  const Order o3 = db.repo<Customer>().related<"orders">(bob.id).create({.total = 3, .note = "bob's"}).value();
  auto n = db.repo<Customer>().related<"orders">(ada.id).patch(
      patch<Order>{}.set(&Order::total, 9.5).set(&Order::note, "big"), field(&Order::total) > 1.5);
  ASSERT_TRUE(n) << n.error();
  EXPECT_EQ(*n, 1u);
  EXPECT_EQ(order(o2.id).total, 9.5);
  EXPECT_EQ(order(o2.id).note, "big");
  EXPECT_EQ(order(o1.id).note, "first") << "o1's total is not over 1.5";
  EXPECT_EQ(order(o3.id).note, "bob's") << "Bob's order is not Ada's";
}

TEST_F(Patch, ObserversSeeEachChangedEntityInKeyOrder) {
  ASSERT_TRUE(db.repo<Order>().update_by_id(o1.id, patch<Order>{}.set(&Order::note, "same")));
  std::vector<std::string> seen;
  auto sub = db.on<Order>([&](const relstore::event<Order>& e) {
    seen.push_back(std::to_string(e.after->id) + " " + e.before->note + ">" + e.after->note);
  });
  auto n = db.repo<Order>().update_all(patch<Order>{}.set(&Order::note, "same"));
  ASSERT_TRUE(n) << n.error();
  EXPECT_EQ(*n, 2u);
  EXPECT_EQ(seen, (std::vector<std::string>{std::to_string(o2.id) + " second>same"}))
      << "none for o1, which already had the value";
}

TEST_F(Patch, ATransactionRollsItBack) {
  const store before = db;
  {
    auto tx = db.begin();
    ASSERT_TRUE(db.repo<Order>().update_all(patch<Order>{}.set(&Order::total, -1.0)));
    ASSERT_TRUE(db.repo<Customer>().related<"orders">(ada.id).patch(patch<Order>{}.set(&Order::note, "tx")));
    ASSERT_TRUE(db.repo<Order>().update_by_id(o2.id, patch<Order>{}.set(&Order::note, "by id")));
    EXPECT_EQ(order(o1.id).total, -1) << "reads inside see the transaction's writes";
    EXPECT_EQ(order(o2.id).note, "by id");
    tx.rollback();
  }
  EXPECT_TRUE(db == before);
}

TEST_F(Patch, AForeignKeyItNamesIsCheckedAndARefusalChangesNothing) {
  const store before = db;
  auto dangling = db.repo<Order>().update_all(patch<Order>{}.set(&Order::couponId, 999).set(&Order::note, "never"));
  ASSERT_FALSE(dangling);
  EXPECT_EQ(dangling.error().code, errc::foreign_key_violation);
  EXPECT_TRUE(db == before);

  ASSERT_TRUE(db.repo<Order>().update_all(patch<Order>{}.set(&Order::couponId, spare.id)));
  EXPECT_EQ(order(o1.id).couponId, spare.id);
  EXPECT_EQ(order(o2.id).couponId, spare.id);
  EXPECT_EQ(*db.repo<Coupon>().related<"orders">(spare.id).count(), 2u) << "the foreign-key index moved";
  EXPECT_EQ(*db.repo<Coupon>().related<"orders">(coupon.id).count(), 0u);
}

TEST_F(Patch, NoMatchIsZeroAndChangesNothing) {
  const store before = db;
  auto n = db.repo<Order>().update_all(patch<Order>{}.set(&Order::note, "x"), field(&Order::total) > 100);
  ASSERT_TRUE(n) << n.error();
  EXPECT_EQ(*n, 0u);
  EXPECT_TRUE(db == before);
}

// An empty patch matches as any patch does but writes nothing, in place
// (no observer) or journaled (an observer, which hears of no change).
TEST_F(Patch, AnEmptyPatchCountsItsMatchesAndChangesNothing) {
  const store before = db;
  auto n = db.repo<Order>().update_all(patch<Order>{});
  ASSERT_TRUE(n) << n.error();
  EXPECT_EQ(*n, 2u);
  EXPECT_TRUE(db == before);
  int events = 0;
  auto sub = db.on<Order>([&](const relstore::event<Order>&) { ++events; });
  n = db.repo<Customer>().related<"orders">(ada.id).patch(patch<Order>{});
  ASSERT_TRUE(n) << n.error();
  EXPECT_EQ(*n, 2u);
  EXPECT_EQ(events, 0);
  EXPECT_TRUE(db == before);
}

}  // namespace

}  // namespace patch_test
