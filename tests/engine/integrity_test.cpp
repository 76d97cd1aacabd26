// The integrity matrix: restrict, cascade and set_null, chains, self
// relations, key changes; every rejected write leaves the store as it was.
#include <gtest/gtest.h>

#include "common/chain_schema.hpp"
#include "common/shop_schema.hpp"

namespace {

using relstore::errc;
using relstore::field;

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

class Integrity : public ::testing::Test {
 protected:
  void SetUp() override {
    using namespace shop;
    ada = db.repo<Customer>().create({.name = "Ada"}).value();
    coupon = db.repo<Coupon>().create({.label = "C"}).value();
    auto orders = db.repo<Customer>().related<"orders">(ada.id);
    o1 = orders.create({.total = 1, .couponId = coupon.id}).value();
    o2 = orders.create({.total = 2, .couponId = coupon.id}).value();
    ASSERT_TRUE(db.repo<Order>().related<"lines">(o1.id).create({.sku = "a"}));
    ASSERT_TRUE(db.repo<Order>().related<"lines">(o1.id).create({.sku = "b"}));
  }
  shop::store db;
  shop::Customer ada;
  shop::Coupon coupon;
  shop::Order o1, o2;
};

TEST_F(Integrity, RestrictRejectsNamingTheRelationAndTheChildCount) {
  const shop::store before = db;
  auto r = db.repo<shop::Customer>().delete_by_id(ada.id);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::restrict_violation);
  EXPECT_TRUE(has(r.error().message, "relation Customer.orders")) << r.error().message;
  EXPECT_TRUE(has(r.error().message, "has 2 Order")) << r.error().message;
  EXPECT_TRUE(db == before);
  ASSERT_TRUE(db.repo<shop::Customer>().related<"orders">(ada.id).delete_all());
  EXPECT_TRUE(db.repo<shop::Customer>().delete_by_id(ada.id));
}

TEST_F(Integrity, CascadeDeletesTheChildren) {
  ASSERT_TRUE(db.repo<shop::Order>().delete_by_id(o1.id));
  EXPECT_EQ(db.size<shop::OrderLine>(), 0u);
  EXPECT_EQ(db.size<shop::Order>(), 1u);
}

TEST_F(Integrity, SetNullKeepsTheChildrenWithANullKey) {
  ASSERT_TRUE(db.repo<shop::Coupon>().delete_by_id(coupon.id));
  EXPECT_EQ(db.size<shop::Order>(), 2u);
  for (const auto& o : db.repo<shop::Order>().find().value()) EXPECT_FALSE(o->couponId.has_value());
}

TEST_F(Integrity, ThreeLevelChainCascadesBelowARestrictedParent) {
  // Customer -restrict-> Order -cascade-> OrderLine: deleting every order of
  // the customer takes the lines, then the customer may go.
  EXPECT_EQ(db.repo<shop::Order>().delete_all(field(&shop::Order::customerId) == ada.id).value(), 2u);
  EXPECT_EQ(db.size<shop::OrderLine>(), 0u);
  EXPECT_TRUE(db.repo<shop::Customer>().delete_by_id(ada.id));
}

TEST_F(Integrity, ForeignKeysAreCheckedOnEveryWritePath) {
  const shop::store before = db;
  auto orders = db.repo<shop::Order>();
  EXPECT_EQ(orders.create({.customerId = 9}).error().code, errc::foreign_key_violation);
  EXPECT_EQ(orders.replace_by_id(o1.id, {.customerId = 9}).error().code, errc::foreign_key_violation);
  EXPECT_EQ(orders.update_by_id(o1.id, relstore::patch<shop::Order>{}.set(&shop::Order::couponId, 9)).error().code,
            errc::foreign_key_violation);
  EXPECT_EQ(orders.update_all(relstore::patch<shop::Order>{}.set(&shop::Order::customerId, 9)).error().code,
            errc::foreign_key_violation);
  EXPECT_EQ(db.repo<shop::Order>().related<"lines">(999).create({.sku = "x"}).error().code,
            errc::foreign_key_violation);
  EXPECT_TRUE(db == before);
  // A null optional key is allowed.
  EXPECT_TRUE(orders.update_by_id(o1.id, relstore::patch<shop::Order>{}.set(&shop::Order::couponId, relstore::null)));
}

TEST_F(Integrity, AModelTargetedByTwoRelationsChecksBothKeys) {
  auto r = db.repo<shop::Order>().create({.customerId = ada.id, .couponId = 77});
  ASSERT_FALSE(r);
  EXPECT_TRUE(has(r.error().message, "Order.couponId = 77")) << r.error().message;
  EXPECT_TRUE(db.repo<shop::Order>().create({.customerId = ada.id, .couponId = coupon.id}));
}

TEST_F(Integrity, AReferencedKeyCannotChangeButAnUnreferencedOneCan) {
  const shop::store before = db;
  auto r =
      db.repo<shop::Customer>().update_by_id(ada.id, relstore::patch<shop::Customer>{}.set(&shop::Customer::id, 50));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::restrict_violation);
  EXPECT_TRUE(has(r.error().message, "cannot change Customer.id from 1 to 50")) << r.error().message;
  EXPECT_TRUE(db == before);
  auto same = db.repo<shop::Customer>().update_by_id(
      ada.id, relstore::patch<shop::Customer>{}.set(&shop::Customer::id, ada.id));
  EXPECT_TRUE(same) << "setting a key to its own value is not a change";
  auto lone = db.repo<shop::Customer>().create({.name = "Lone"}).value();
  auto moved =
      db.repo<shop::Customer>().update_by_id(lone.id, relstore::patch<shop::Customer>{}.set(&shop::Customer::id, 50));
  ASSERT_TRUE(moved);
  EXPECT_TRUE(db.repo<shop::Customer>().exists(50));
  EXPECT_FALSE(db.repo<shop::Customer>().exists(lone.id));
  auto taken =
      db.repo<shop::Customer>().update_by_id(50, relstore::patch<shop::Customer>{}.set(&shop::Customer::id, ada.id));
  ASSERT_FALSE(taken);
  EXPECT_EQ(taken.error().code, errc::already_exists);
}

// Found by the differential test: SQLite reports the taken key first.
TEST_F(Integrity, AKeyChangeToATakenKeyIsAlreadyExistsEvenWithChildren) {
  auto other = db.repo<shop::Customer>().create({.name = "Other"}).value();
  const shop::store before = db;
  auto r = db.repo<shop::Customer>().replace_by_id(ada.id, {.id = other.id, .name = "Ada"});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::already_exists);
  EXPECT_TRUE(db == before);
}

TEST_F(Integrity, ASelfParentedRowIsItsOwnChild) {
  auto employees = db.repo<shop::Employee>();
  auto self = employees.create({.id = 7, .name = "self", .managerId = 7});
  ASSERT_TRUE(self) << self.error().message;
  auto r = employees.update_by_id(7, relstore::patch<shop::Employee>{}.set(&shop::Employee::id, 8));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::restrict_violation);
  EXPECT_TRUE(employees.delete_by_id(7)) << "cascade deletes the row and its own subtree";
  EXPECT_EQ(db.size<shop::Employee>(), 0u);
}

TEST_F(Integrity, KeyFromFieldsAreUniqueAndProtected) {
  auto accounts = db.repo<shop::Account>();
  auto acct = accounts.create({.code = "K"}).value();
  ASSERT_TRUE(accounts.related<"sessions">("K").create({.token = "t"}));
  auto dup = accounts.create({.code = "K"});
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, errc::already_exists);
  EXPECT_TRUE(has(dup.error().message, "Account.code = \"K\" already exists"));
  const shop::store before = db;
  auto change = accounts.update_by_id(acct.id, relstore::patch<shop::Account>{}.set(&shop::Account::code, "L"));
  ASSERT_FALSE(change);
  EXPECT_EQ(change.error().code, errc::restrict_violation);
  EXPECT_TRUE(db == before);
  EXPECT_TRUE(accounts.delete_by_id(acct.id));
  EXPECT_EQ(db.size<shop::Session>(), 0u);
}

TEST_F(Integrity, DeleteCountsOnlyTheRowsMatched) {
  auto n = db.repo<shop::Order>().delete_all(field(&shop::Order::id) == o1.id);
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, 1u) << "two cascaded lines are not counted";
}

TEST(IntegrityChains, ACascadeMeetingARestrictSeveralLevelsDownChangesNothing) {
  relstore::store<chain::deep> db;
  ASSERT_TRUE(db.repo<chain::A>().create({.id = 1}));
  ASSERT_TRUE(db.repo<chain::B>().create({.id = 1, .aId = 1}));
  ASSERT_TRUE(db.repo<chain::C>().create({.id = 1, .bId = 1}));
  ASSERT_TRUE(db.repo<chain::C>().create({.id = 2, .bId = 1}));
  ASSERT_TRUE(db.repo<chain::D>().create({.id = 1, .cId = 2}));
  const auto before = db;
  auto r = db.repo<chain::A>().delete_by_id(1);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::restrict_violation);
  EXPECT_TRUE(has(r.error().message, "relation C.ds")) << r.error().message;
  EXPECT_TRUE(db == before);
  ASSERT_TRUE(db.repo<chain::D>().delete_by_id(1));
  EXPECT_TRUE(db.repo<chain::A>().delete_by_id(1));
  EXPECT_EQ(db.size<chain::B>() + db.size<chain::C>(), 0u);
}

TEST(IntegrityChains, ARestrictedChildThatDiesInTheSameCascadeDoesNotBlock) {
  relstore::store<chain::mixed> db;
  ASSERT_TRUE(db.repo<chain::P>().create({.id = 1}));
  ASSERT_TRUE(db.repo<chain::Q>().create({.id = 1, .pId = 1}));
  ASSERT_TRUE(db.repo<chain::R>().create({.id = 1, .pId = 1, .qId = 1}));
  EXPECT_TRUE(db.repo<chain::P>().delete_by_id(1));
  EXPECT_EQ(db.size<chain::Q>() + db.size<chain::R>(), 0u);
}

TEST(IntegrityChains, ARestrictedChildThatWouldSurviveBlocksTheWholeDelete) {
  relstore::store<chain::mixed> db;
  ASSERT_TRUE(db.repo<chain::P>().create({.id = 1}));
  ASSERT_TRUE(db.repo<chain::P>().create({.id = 2}));
  ASSERT_TRUE(db.repo<chain::Q>().create({.id = 1, .pId = 1}));
  ASSERT_TRUE(db.repo<chain::R>().create({.id = 1, .pId = 2, .qId = 1}));  // survives P 1's delete
  const auto before = db;
  auto r = db.repo<chain::P>().delete_by_id(1);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::restrict_violation);
  EXPECT_TRUE(has(r.error().message, "Q.rs")) << r.error().message;
  EXPECT_TRUE(db == before);
}

}  // namespace
