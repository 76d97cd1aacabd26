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
#include "relstore/subscription.hpp"

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

// ------------------------------------------- many parents in one delete
// The planner walks the families of many parents together, 256 at a time:
// a restrict still names the first parent, in key order, that keeps
// children, and set_null still reaches each child once.

TEST(OnDeleteMany, RestrictNamesTheFirstParentThatKeepsChildrenAmongHundreds) {
  shop::store db;
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 300; ++i) ids.push_back(db.repo<Customer>().insert({.name = "many"}).value());
  std::vector<std::int64_t> kept;  // three orders of customer 150, one of customer 280
  for (int k = 0; k < 3; ++k) kept.push_back(db.repo<Customer>().related<"orders">(ids[149]).insert({}).value());
  const auto late = db.repo<Customer>().related<"orders">(ids[279]).insert({}).value();

  const shop::store before = db;
  auto r = db.repo<Customer>().delete_all(field(&Customer::name) == "many");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::restrict_violation);
  EXPECT_TRUE(has(r.error().message(), "id " + std::to_string(ids[149]))) << r.error().message();
  EXPECT_TRUE(has(r.error().message(), "3 Order")) << r.error().message();
  EXPECT_TRUE(db == before);

  for (auto o : kept) ASSERT_TRUE(db.repo<Order>().delete_by_id(o));
  r = db.repo<Customer>().delete_all(field(&Customer::name) == "many");
  ASSERT_FALSE(r);
  EXPECT_TRUE(has(r.error().message(), "id " + std::to_string(ids[279]))) << r.error().message();
  EXPECT_TRUE(has(r.error().message(), "1 Order")) << r.error().message();

  ASSERT_TRUE(db.repo<Order>().delete_by_id(late));
  r = db.repo<Customer>().delete_all(field(&Customer::name) == "many");
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(*r, 300u);
  EXPECT_EQ(db.size<Customer>(), 0u);
}

TEST(OnDeleteMany, SetNullReachesEachChildOfHundredsOfParentsOnce) {
  shop::store db;
  const auto who = db.repo<Customer>().insert({.name = "Ada"}).value();
  const auto other = db.repo<Coupon>().insert({.label = "kept"}).value();
  auto orders = db.repo<Customer>().related<"orders">(who);
  std::vector<std::int64_t> nulled, their_coupons;
  for (int i = 0; i < 300; ++i) {
    const auto c = db.repo<Coupon>().insert({.label = "many"}).value();
    for (int k = 0; k < i % 3; ++k) {
      nulled.push_back(orders.insert({.couponId = c}).value());
      their_coupons.push_back(c);
    }
  }
  const auto untouched = orders.insert({.couponId = other}).value();
  std::vector<std::int64_t> heard;
  auto sub = db.on<Order>(relstore::on_update_event, [&](const relstore::event<Order>& e) {
    EXPECT_EQ(e.cause, relstore::change_cause::set_null);
    EXPECT_EQ(e.after->couponId, std::nullopt);
    heard.push_back(e.before->couponId.value_or(0));
  });

  auto r = db.repo<Coupon>().delete_all(field(&Coupon::label) == "many");
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(*r, 300u);
  EXPECT_EQ(heard, their_coupons) << "each once, in its coupon's order";
  EXPECT_EQ(*db.repo<Order>().count(field(&Order::couponId).is_null()), nulled.size());
  EXPECT_EQ(db.repo<Order>().find_by_id(untouched).value().couponId, std::optional<std::int64_t>(other));
  EXPECT_EQ(db.size<Coupon>(), 1u);
}

}  // namespace

}  // namespace on_delete_test
