// Deletes and their policies (detail/cascade.hpp) through the repositories:
// restrict, cascade and set_null, chains of them, and a cascade meeting a
// restrict. Every rejected delete leaves the store exactly as it was.
#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/shop_schema.hpp"
#include "common/shop_world.hpp"
#include "common/test_helpers.hpp"

namespace on_delete_test {

namespace {

using relstore::errc;
using relstore::field;
using shop::Account;
using shop::Coupon;
using shop::Customer;
using shop::Employee;
using shop::Order;
using shop::OrderLine;
using shop::Session;
using test::has;

std::vector<std::int64_t> ids_of_lines(shop::store& db) {
  std::vector<std::int64_t> out;
  for (const auto& r : db.repo<OrderLine>().find().value()) out.push_back(r->id);
  return out;
}

class OnDelete : public test::ShopWorld {};

// ------------------------------------------------------------------ restrict

TEST_F(OnDelete, RestrictRejectsDeletingACustomerWithOrdersNamingTheRelationAndCount) {
  const shop::store before = db;
  auto r = db.repo<Customer>().delete_by_id(ada.id);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::restrict_violation);
  EXPECT_TRUE(has(r.error().message(), "Customer.orders")) << r.error().message();
  EXPECT_TRUE(has(r.error().message(), "2 Order")) << r.error().message();
  EXPECT_TRUE(has(r.error().message(), "id " + std::to_string(ada.id))) << r.error().message();
  EXPECT_TRUE(db == before);
}

TEST_F(OnDelete, RestrictRejectsADeleteAllThatMatchesACustomerWithOrders) {
  const shop::store before = db;
  // Bob alone could go, but the batch is all or nothing.
  auto r = db.repo<Customer>().delete_all();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::restrict_violation);
  EXPECT_TRUE(has(r.error().message(), "Customer.orders")) << r.error().message();
  EXPECT_TRUE(db == before);
  EXPECT_TRUE(db.repo<Customer>().exists(bob.id));
}

TEST_F(OnDelete, RestrictAllowsTheDeleteOnceTheChildrenAreGone) {
  auto removed = db.repo<Customer>().related<"orders">(ada.id).delete_all();
  ASSERT_TRUE(removed) << removed.error().message();
  EXPECT_EQ(*removed, 2u);
  auto r = db.repo<Customer>().delete_by_id(ada.id);
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_FALSE(db.repo<Customer>().exists(ada.id));
  EXPECT_TRUE(db.repo<Customer>().exists(bob.id));
}

// ------------------------------------------------------------------ cascade

TEST_F(OnDelete, CascadeDeletingAnOrderDeletesOnlyItsLines) {
  ASSERT_TRUE(db.repo<Order>().delete_by_id(o1.id));
  EXPECT_EQ(ids_of_lines(db), (std::vector<std::int64_t>{l3.id}));
  EXPECT_FALSE(db.repo<Order>().exists(o1.id));
  EXPECT_EQ(db.repo<Order>().find_by_id(o2.id).value(), o2);
}

// ------------------------------------------------------------------ set_null

TEST_F(OnDelete, SetNullDeletingACouponKeepsItsOrdersWithANullCouponId) {
  auto third = db.repo<Order>().create({.customerId = bob.id, .total = 3, .couponId = spare.id}).value();
  ASSERT_TRUE(db.repo<Coupon>().delete_by_id(coupon.id));
  EXPECT_EQ(db.size<Order>(), 3u);
  for (const Order& was : {o1, o2}) {
    auto now = db.repo<Order>().find_by_id(was.id);
    ASSERT_TRUE(now) << now.error().message();
    EXPECT_EQ(now->couponId, std::nullopt);
    Order expected = was;
    expected.couponId.reset();
    EXPECT_EQ(*now, expected) << "only the foreign key changes";
  }
  EXPECT_EQ(db.repo<Order>().find_by_id(third.id).value(), third) << "another coupon's order is untouched";
  EXPECT_EQ(db.size<OrderLine>(), 3u);
}

// -------------------------------------------------- Customer -> Order -> Line

TEST_F(OnDelete, ThreeLevelChainDeletingAnOrderCascadesItsLinesWhileTheCustomerStaysRestricted) {
  ASSERT_TRUE(db.repo<Order>().delete_by_id(o1.id));
  EXPECT_EQ(ids_of_lines(db), (std::vector<std::int64_t>{l3.id}));
  const shop::store before = db;
  auto blocked = db.repo<Customer>().delete_by_id(ada.id);
  ASSERT_FALSE(blocked);
  EXPECT_EQ(blocked.error().code, errc::restrict_violation);
  EXPECT_TRUE(has(blocked.error().message(), "1 Order")) << blocked.error().message();
  EXPECT_TRUE(db == before);
  ASSERT_TRUE(db.repo<Order>().delete_by_id(o2.id));
  EXPECT_EQ(db.size<OrderLine>(), 0u);
  EXPECT_TRUE(db.repo<Customer>().delete_by_id(ada.id));
}

// ---------------------------------------------- A -> B -> C cascade, C -> D restrict

TEST_F(OnDelete, DeleteAllCountsOnlyTheRowsItMatched) {
  auto lines_deleted = db.repo<Order>().delete_all(field(&Order::id) == o1.id);
  ASSERT_TRUE(lines_deleted) << lines_deleted.error().message();
  EXPECT_EQ(*lines_deleted, 1u) << "the two cascaded lines are not counted";
  EXPECT_EQ(db.size<OrderLine>(), 1u);
  auto nulled = db.repo<Coupon>().delete_all(field(&Coupon::label) == "C");
  ASSERT_TRUE(nulled) << nulled.error().message();
  EXPECT_EQ(*nulled, 1u) << "the order set to null is not counted";
  auto via_relation = db.repo<Customer>().related<"orders">(ada.id).delete_all();
  ASSERT_TRUE(via_relation) << via_relation.error().message();
  EXPECT_EQ(*via_relation, 1u);
  EXPECT_EQ(db.size<OrderLine>(), 0u);
}

}  // namespace

}  // namespace on_delete_test
