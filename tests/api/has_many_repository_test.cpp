// The constrained repository: customers.related<"orders">(id).
#include <gtest/gtest.h>

#include "common/shop_schema.hpp"

namespace {

using namespace shop;
using relstore::errc;
using relstore::field;

class ConstrainedRepository : public ::testing::Test {
 protected:
  void SetUp() override {
    ada = db.repo<Customer>().create({.name = "Ada"}).value();
    bob = db.repo<Customer>().create({.name = "Bob"}).value();
    for (double t : {5.0, 15.0, 25.0}) ASSERT_TRUE(db.repo<Customer>().related<"orders">(ada.id).create({.total = t}));
    for (double t : {10.0, 20.0}) ASSERT_TRUE(db.repo<Customer>().related<"orders">(bob.id).create({.total = t}));
  }
  auto orders_of(std::int64_t id) { return db.repo<Customer>().related<"orders">(id); }
  store db;
  Customer ada, bob;
};

TEST_F(ConstrainedRepository, CreateFillsTheForeignKey) {
  auto o = orders_of(ada.id).create({.total = 1});
  ASSERT_TRUE(o);
  EXPECT_EQ(o->customerId, ada.id);
  EXPECT_EQ(db.repo<Order>().find_by_id(o->id).value().customerId, ada.id);
}

TEST_F(ConstrainedRepository, CreateAcceptsThePayloadCarryingTheSameKey) {
  auto o = orders_of(ada.id).create({.customerId = ada.id, .total = 1});
  ASSERT_TRUE(o) << o.error().message;
  EXPECT_EQ(o->customerId, ada.id);
}

TEST_F(ConstrainedRepository, CreateRejectsAnotherParentsKeyWithLoopbacksMessage) {
  const store before = db;
  auto o = orders_of(ada.id).create({.customerId = bob.id, .total = 1});
  ASSERT_FALSE(o);
  EXPECT_EQ(o.error().code, errc::constraint_violation);
  EXPECT_EQ(o.error().message, "Property \"customerId\" cannot be changed!");
  EXPECT_TRUE(db == before);
}

TEST_F(ConstrainedRepository, CreateForAMissingParentIsForeignKeyViolation) {
  const store before = db;
  auto o = orders_of(404).create({.total = 1});
  ASSERT_FALSE(o);
  EXPECT_EQ(o.error().code, errc::foreign_key_violation);
  EXPECT_NE(o.error().message.find("404"), std::string::npos);
  EXPECT_TRUE(db == before);
}

TEST_F(ConstrainedRepository, CreateAllIsConstrainedAndAllOrNothing) {
  auto all = orders_of(bob.id).create_all({Order{.total = 1}, Order{.total = 2}});
  ASSERT_TRUE(all);
  for (const auto& o : *all) EXPECT_EQ(o.customerId, bob.id);
  const store before = db;
  auto bad = orders_of(bob.id).create_all({Order{.total = 3}, Order{.customerId = ada.id}});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, errc::constraint_violation);
  EXPECT_TRUE(db == before);
}

TEST_F(ConstrainedRepository, FindAndsTheConstraintWithTheUsersWhere) {
  auto r = orders_of(ada.id).find(relstore::filter<Order>{}.where(field(&Order::total) > 10.0)).value();
  ASSERT_EQ(r.size(), 2u);
  for (const auto& o : r) {
    EXPECT_EQ(o->customerId, ada.id);
    EXPECT_GT(o->total, 10.0);
  }
  auto json = orders_of(ada.id).find(R"({"where":{"total":{"gt":10}},"order":["total DESC"]})").value();
  ASSERT_EQ(json.size(), 2u);
  EXPECT_EQ(json[0]->total, 25.0);
}

TEST_F(ConstrainedRepository, AWhereOnAnotherParentsKeyFindsNothing) {
  auto r = orders_of(ada.id).find(relstore::filter<Order>{}.where(field(&Order::customerId) == bob.id)).value();
  EXPECT_TRUE(r.empty());
  auto j = orders_of(ada.id).find(R"({"where":{"customerId":2}})").value();
  EXPECT_TRUE(j.empty());
}

TEST_F(ConstrainedRepository, PatchCountsOnlyThisParentsMatches) {
  auto n = orders_of(ada.id).patch(relstore::patch<Order>{}.set(&Order::note, "big"), field(&Order::total) >= 10.0);
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, 2u);
  EXPECT_EQ(db.repo<Order>().count(field(&Order::note) == "big").value(), 2u);
  for (const auto& o : orders_of(bob.id).find().value()) EXPECT_EQ(o->note, "");
}

TEST_F(ConstrainedRepository, PatchCannotChangeTheForeignKeyButMayRestateIt) {
  const store before = db;
  auto bad = orders_of(ada.id).patch(relstore::patch<Order>{}.set(&Order::customerId, bob.id));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, errc::constraint_violation);
  EXPECT_EQ(bad.error().message, "Property \"customerId\" cannot be changed!");
  EXPECT_TRUE(db == before);
  auto same = orders_of(ada.id).patch(relstore::patch<Order>{}.set(&Order::customerId, ada.id).set(&Order::note, "k"));
  ASSERT_TRUE(same);
  EXPECT_EQ(*same, 3u);
}

TEST_F(ConstrainedRepository, DeleteCountsAndNeverTouchesAnotherParent) {
  auto n = orders_of(ada.id).delete_all(field(&Order::total) < 20.0);
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, 2u);
  EXPECT_EQ(orders_of(ada.id).count().value(), 1u);
  EXPECT_EQ(orders_of(bob.id).count().value(), 2u);
  auto all = orders_of(bob.id).delete_all(R"({"total":{"gt":0}})");
  ASSERT_TRUE(all);
  EXPECT_EQ(*all, 2u);
  EXPECT_EQ(db.size<Order>(), 1u);
}

TEST_F(ConstrainedRepository, CountFindByIdAndExistsStayWithinTheParent) {
  EXPECT_EQ(orders_of(ada.id).count().value(), 3u);
  EXPECT_EQ(orders_of(ada.id).count(R"({"total":{"lt":10}})").value(), 1u);
  const std::int64_t bobs = orders_of(bob.id).find().value().front()->id;
  EXPECT_TRUE(orders_of(bob.id).exists(bobs));
  EXPECT_FALSE(orders_of(ada.id).exists(bobs));
  auto r = orders_of(ada.id).find_by_id(bobs);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::not_found);
  EXPECT_NE(r.error().message.find("not found under Customer 1"), std::string::npos) << r.error().message;
  EXPECT_TRUE(orders_of(bob.id).find_by_id(bobs));
}

TEST_F(ConstrainedRepository, AMissingParentTouchesNothing) {
  const store before = db;
  EXPECT_EQ(orders_of(404).patch(relstore::patch<Order>{}.set(&Order::total, 0.0)).value(), 0u);
  EXPECT_EQ(orders_of(404).delete_all().value(), 0u);
  EXPECT_TRUE(orders_of(404).find().value().empty());
  EXPECT_EQ(orders_of(404).count().value(), 0u);
  EXPECT_TRUE(db == before);
}

TEST_F(ConstrainedRepository, OptionalForeignKeyRelationFillsTheKey) {
  auto coupon = db.repo<Coupon>().create({.label = "X"}).value();
  auto o = db.repo<Coupon>().related<"orders">(coupon.id).create({.customerId = ada.id, .total = 3});
  ASSERT_TRUE(o) << o.error().message;
  EXPECT_EQ(o->couponId, coupon.id);
  EXPECT_EQ(db.repo<Coupon>().related<"orders">(coupon.id).count().value(), 1u);
  // Orders without a coupon are nobody's under this relation.
  EXPECT_EQ(db.repo<Coupon>().related<"orders">(coupon.id).find().value().size(), 1u);
}

TEST_F(ConstrainedRepository, StringKeysWork) {
  auto acct = db.repo<Account>().create({.code = "A-1"}).value();
  auto sessions = db.repo<Account>().related<"sessions">(acct.code);
  ASSERT_TRUE(sessions.create({.token = "x"}));
  ASSERT_TRUE(sessions.create({.token = "y", .accountCode = "A-1"}));
  auto wrong = sessions.create({.token = "z", .accountCode = "B-2"});
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().message, "Property \"accountCode\" cannot be changed!");
  EXPECT_EQ(sessions.count().value(), 2u);
  EXPECT_TRUE(sessions.exists("x"));
}

TEST_F(ConstrainedRepository, ABadWhereIsInvalidFilterAndChangesNothing) {
  const store before = db;
  auto r = orders_of(ada.id).delete_all(R"({"total":{"gt":"lots"}})");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::invalid_filter);
  EXPECT_TRUE(db == before);
}

}  // namespace
