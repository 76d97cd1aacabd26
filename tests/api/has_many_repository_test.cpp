// The constrained repository: customers.related<"orders">(id), LoopBack's
// customerRepo.orders(id), plus the count/find_by_id/exists relstore adds.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "common/shop_schema.hpp"
#include "common/test_helpers.hpp"

namespace has_many_repository_test {

namespace {

using test::has;
using test::values_of;
using namespace shop;
using relstore::errc;
using relstore::field;

// A family with a float field: a double out of its range is rejected only
// when a patch is applied.
struct Squad {
  std::int64_t id = 0;
  friend bool operator==(const Squad&, const Squad&) = default;
};
RELSTORE_MODEL(Squad, id)
struct Trooper {
  std::int64_t id = 0;
  std::int64_t squadId = 0;
  float speed = 0;
  friend bool operator==(const Trooper&, const Trooper&) = default;
};
RELSTORE_MODEL(Trooper, id, squadId, speed)
using squad_store =
    relstore::store<relstore::schema<relstore::models<Squad, Trooper>, relstore::has_many<"troopers", Squad, Trooper>>>;

const std::string kCannotChange = "Property \"customerId\" cannot be changed!";

// Ada (id 1) has orders with totals 5, 15, 25; Bob (id 2) has 10, 20.
class ConstrainedRepository : public ::testing::Test {
 protected:
  auto orders_of(std::int64_t id) { return db.repo<Customer>().related<"orders">(id); }

  void SetUp() override {
    ada = db.repo<Customer>().create({.name = "Ada"}).value();
    bob = db.repo<Customer>().create({.name = "Bob"}).value();
    for (double t : {5.0, 15.0, 25.0}) ASSERT_TRUE(orders_of(ada.id).create({.total = t}));
    for (double t : {10.0, 20.0}) ASSERT_TRUE(orders_of(bob.id).create({.total = t}));
  }
  std::vector<Order> all_orders() { return values_of(db.repo<Order>().find().value()); }

  store db;
  Customer ada, bob;
};

TEST_F(ConstrainedRepository, CreateFillsTheForeignKey) {
  auto o = orders_of(ada.id).create({.total = 1, .note = "n"});
  ASSERT_TRUE(o) << o.error().message();
  EXPECT_EQ(o->customerId, ada.id);
  EXPECT_EQ(db.repo<Order>().find_by_id(o->id).value(), *o);
  EXPECT_EQ(orders_of(ada.id).count().value(), 4u);
  EXPECT_EQ(orders_of(bob.id).count().value(), 2u);
}

TEST_F(ConstrainedRepository, InsertFillsTheForeignKeyAndReturnsTheKey) {
  auto id = orders_of(ada.id).insert({.total = 1, .note = "n"});
  ASSERT_TRUE(id) << id.error().message();
  EXPECT_EQ(db.repo<Order>().find_by_id(*id).value(),
            (Order{.id = *id, .customerId = ada.id, .total = 1, .note = "n"}));
  EXPECT_EQ(orders_of(ada.id).count().value(), 4u);
  const store before = db;
  auto other = orders_of(ada.id).insert({.customerId = bob.id});
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().code, errc::constraint_violation);
  EXPECT_TRUE(has(other.error().message(), kCannotChange)) << other.error().message();
  auto orphan = orders_of(999).insert({.total = 1});
  ASSERT_FALSE(orphan);
  EXPECT_EQ(orphan.error().code, errc::foreign_key_violation);
  EXPECT_TRUE(has(orphan.error().message(), "999")) << orphan.error().message();
  EXPECT_TRUE(db == before);
}

TEST_F(ConstrainedRepository, InsertAllFillsTheForeignKeysAndRefusesAnotherParentsChild) {
  auto ids = orders_of(bob.id).insert_all({{.total = 1}, {.customerId = bob.id, .total = 2}});
  ASSERT_TRUE(ids) << ids.error().message();
  ASSERT_EQ(ids->size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(db.repo<Order>().find_by_id((*ids)[i]).value().customerId, bob.id);
    EXPECT_EQ(db.repo<Order>().find_by_id((*ids)[i]).value().total, static_cast<double>(i + 1));
  }
  const store before = db;
  auto other = orders_of(bob.id).insert_all({{.total = 3}, {.customerId = ada.id}});
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().code, errc::constraint_violation);
  EXPECT_TRUE(has(other.error().message(), kCannotChange)) << other.error().message();
  EXPECT_TRUE(db == before);
  auto dangling = orders_of(bob.id).insert_all({{.total = 3}, {.couponId = 55}});
  ASSERT_FALSE(dangling);
  EXPECT_EQ(dangling.error().code, errc::foreign_key_violation);
  EXPECT_TRUE(has(dangling.error().message(), "insert_all: element 1")) << dangling.error().message();
  EXPECT_TRUE(db == before) << "the first element, written, is undone";
}

TEST_F(ConstrainedRepository, CreateAcceptsThePayloadCarryingTheSameKey) {
  auto o = orders_of(bob.id).create({.customerId = bob.id, .total = 1});
  ASSERT_TRUE(o) << o.error().message();
  EXPECT_EQ(o->customerId, bob.id);
  EXPECT_TRUE(db.repo<Order>().exists(o->id));
}

TEST_F(ConstrainedRepository, CreateRejectsAnotherParentsKeyWithLoopbacksMessage) {
  const store before = db;
  auto o = orders_of(ada.id).create({.customerId = bob.id, .total = 1});
  ASSERT_FALSE(o);
  EXPECT_EQ(o.error().code, errc::constraint_violation);
  EXPECT_EQ(o.error().message(), kCannotChange + " (Order.customerId = " + std::to_string(bob.id) +
                                     "; this view holds the Order rows of Customer " + std::to_string(ada.id) + ")");
  EXPECT_TRUE(db == before);
}

// Regression: a JSON payload whose foreign key had the wrong type ("7",
// 7.0) was told the key "cannot be changed", naming the parent's own key.
// It is invalid_argument, as on an unconstrained create; a key of the right
// type naming another parent, 0 included, is still constraint_violation.
TEST_F(ConstrainedRepository, AJsonForeignKeyOfTheWrongTypeIsInvalidArgument) {
  const store before = db;
  const std::string id = std::to_string(ada.id);
  for (const std::string& fk : {"\"" + id + "\"", id + ".0", std::string("true")}) {
    auto o = orders_of(ada.id).create_json(R"({"total":1,"customerId":)" + fk + "}");
    ASSERT_FALSE(o) << fk;
    EXPECT_EQ(o.error().code, errc::invalid_argument) << o.error().message();
    EXPECT_TRUE(has(o.error().message(), "customerId")) << o.error().message();
    EXPECT_FALSE(has(o.error().message(), "cannot be changed")) << o.error().message();
  }
  for (const std::string& fk : {std::to_string(bob.id), std::string("0")}) {
    auto o = orders_of(ada.id).create_json(R"({"total":1,"customerId":)" + fk + "}");
    ASSERT_FALSE(o) << fk;
    EXPECT_EQ(o.error().code, errc::constraint_violation) << o.error().message();
    EXPECT_TRUE(has(o.error().message(), "Order.customerId = " + fk + ";")) << o.error().message();
  }
  EXPECT_TRUE(db == before);
  auto same = orders_of(ada.id).create_json(R"({"total":1,"customerId":)" + id + "}");
  ASSERT_TRUE(same) << same.error().message();
  EXPECT_EQ(same->customerId, ada.id);
}

TEST_F(ConstrainedRepository, CreateForAMissingParentIsForeignKeyViolation) {
  const store before = db;
  auto o = orders_of(404).create({.total = 1});
  ASSERT_FALSE(o);
  EXPECT_EQ(o.error().code, errc::foreign_key_violation);
  EXPECT_TRUE(has(o.error().message(), "customerId")) << o.error().message();
  EXPECT_TRUE(has(o.error().message(), "404")) << o.error().message();
  EXPECT_TRUE(has(o.error().message(), "Customer")) << o.error().message();
  EXPECT_TRUE(db == before);
}

TEST_F(ConstrainedRepository, FindAndsTheConstraintWithTheUsersWhere) {
  auto r = orders_of(ada.id).find(relstore::filter<Order>{}.where(field(&Order::total) > 10.0));
  ASSERT_TRUE(r) << r.error().message();
  auto expected = db.repo<Order>().find(
      relstore::filter<Order>{}.where(field(&Order::customerId) == ada.id && field(&Order::total) > 10.0));
  ASSERT_TRUE(expected);
  ASSERT_EQ(r->size(), 2u);  // 15 and 25; Bob's 20 is not Ada's
  EXPECT_EQ(values_of(*r), values_of(*expected));
  for (const auto& o : *r) {
    EXPECT_EQ(o->customerId, ada.id);
    EXPECT_GT(o->total, 10.0);
  }
  // An OR in the user's where cannot escape the constraint.
  auto either = orders_of(ada.id).find(
      relstore::filter<Order>{}.where(field(&Order::total) == 5.0 || field(&Order::customerId) == bob.id));
  ASSERT_TRUE(either);
  ASSERT_EQ(either->size(), 1u);
  EXPECT_EQ((*either)[0]->total, 5.0);
}

TEST_F(ConstrainedRepository, AWhereOnAnotherParentsKeyFindsNothing) {
  auto r = orders_of(ada.id).find(relstore::filter<Order>{}.where(field(&Order::customerId) == bob.id));
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_TRUE(r->empty());
  auto j = orders_of(ada.id).find(R"({"where":{"customerId":)" + std::to_string(bob.id) + "}}");
  ASSERT_TRUE(j) << j.error().message();
  EXPECT_TRUE(j->empty());
}

TEST_F(ConstrainedRepository, JsonFindOnTheConstrainedRepository) {
  auto r = orders_of(ada.id).find(
      R"({"where":{"total":{"gt":1}},"order":["total DESC"],"skip":1,"limit":1,"fields":["id","total"]})");
  ASSERT_TRUE(r) << r.error().message();
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ((*r)[0]->total, 15.0);
  // Only id and total were selected: customerId is value-initialised.
  EXPECT_EQ((*r)[0]->customerId, 0);
  auto all = orders_of(bob.id).find(R"({"order":["total DESC"]})");
  ASSERT_TRUE(all) << all.error().message();
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0]->total, 20.0);
  EXPECT_EQ((*all)[1]->total, 10.0);
  auto bad = orders_of(ada.id).find(R"({"where":{"nope":1}})");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, errc::invalid_filter);
}

TEST_F(ConstrainedRepository, PatchReturnsTheCountAndChangesOnlyThisParentsMatches) {
  const auto bobs_before = values_of(orders_of(bob.id).find().value());
  auto n = orders_of(ada.id).patch(relstore::patch<Order>{}.set(&Order::note, "big"), field(&Order::total) >= 10.0);
  ASSERT_TRUE(n) << n.error().message();
  EXPECT_EQ(*n, 2u);  // Ada's 15 and 25; Bob's 10 and 20 also match the where but are not Ada's
  EXPECT_EQ(db.repo<Order>().count(field(&Order::note) == "big").value(), 2u);
  for (const auto& o : orders_of(ada.id).find().value()) EXPECT_EQ(o->note, o->total >= 10.0 ? "big" : "");
  EXPECT_EQ(values_of(orders_of(bob.id).find().value()), bobs_before);

  auto everything = orders_of(ada.id).patch(relstore::patch<Order>{}.set(&Order::note, "all"));
  ASSERT_TRUE(everything);
  EXPECT_EQ(*everything, 3u);
  EXPECT_EQ(values_of(orders_of(bob.id).find().value()), bobs_before);
}

TEST_F(ConstrainedRepository, PatchCannotChangeTheForeignKeyAndLeavesTheStoreUnchanged) {
  auto before = db;
  auto bad = orders_of(ada.id).patch(relstore::patch<Order>{}.set(&Order::note, "x").set(&Order::customerId, bob.id));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, errc::constraint_violation);
  EXPECT_EQ(bad.error().message(), kCannotChange + " (Order.customerId = " + std::to_string(bob.id) +
                                       "; this view holds the Order rows of Customer " + std::to_string(ada.id) + ")");
  EXPECT_TRUE(db == before);

  // Also when the where would match nothing, and to a missing parent.
  auto none =
      orders_of(ada.id).patch(relstore::patch<Order>{}.set(&Order::customerId, bob.id), field(&Order::total) > 1000.0);
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, errc::constraint_violation);
  auto missing = orders_of(ada.id).patch(relstore::patch<Order>{}.set(&Order::customerId, std::int64_t{404}));
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, errc::constraint_violation);
  EXPECT_TRUE(db == before);
}

TEST_F(ConstrainedRepository, PatchMayRestateTheForeignKey) {
  auto same = orders_of(ada.id).patch(relstore::patch<Order>{}.set(&Order::customerId, ada.id).set(&Order::note, "k"));
  ASSERT_TRUE(same) << same.error().message();
  EXPECT_EQ(*same, 3u);
  for (const auto& o : orders_of(ada.id).find().value()) {
    EXPECT_EQ(o->customerId, ada.id);
    EXPECT_EQ(o->note, "k");
  }
  EXPECT_EQ(db.repo<Order>().count(field(&Order::note) == "k").value(), 3u);
}

TEST_F(ConstrainedRepository, PatchWithADanglingOtherForeignKeyChangesNothing) {
  const store before = db;
  auto r = orders_of(ada.id).patch(relstore::patch<Order>{}.set(&Order::couponId, std::int64_t{77}));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::foreign_key_violation);
  EXPECT_TRUE(has(r.error().message(), "couponId")) << r.error().message();
  EXPECT_TRUE(has(r.error().message(), "77")) << r.error().message();
  EXPECT_TRUE(db == before);
}

TEST_F(ConstrainedRepository, DeleteAllReturnsTheCountAndNeverTouchesAnotherParent) {
  const auto bobs = values_of(orders_of(bob.id).find().value());
  auto n = orders_of(ada.id).delete_all(field(&Order::total) < 20.0);
  ASSERT_TRUE(n) << n.error().message();
  EXPECT_EQ(*n, 2u);  // Ada's 5 and 15; Bob's 10 matches the where but is not Ada's
  auto left = orders_of(ada.id).find().value();
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0]->total, 25.0);
  EXPECT_EQ(values_of(orders_of(bob.id).find().value()), bobs);

  auto json = orders_of(ada.id).delete_all(R"({"total":{"gt":0}})");
  ASSERT_TRUE(json) << json.error().message();
  EXPECT_EQ(*json, 1u);
  EXPECT_EQ(all_orders(), bobs);

  auto again = orders_of(ada.id).delete_all();
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, 0u);
  EXPECT_EQ(all_orders(), bobs);
}

TEST_F(ConstrainedRepository, DeleteAllCascadesButCountsOnlyMatchedChildren) {
  auto o = orders_of(ada.id).find().value().front().value;
  auto lines = db.repo<OrderLine>();
  ASSERT_TRUE(lines.create({.orderId = o.id, .sku = "a", .qty = 1}));
  ASSERT_TRUE(lines.create({.orderId = o.id, .sku = "b", .qty = 2}));
  auto n = orders_of(ada.id).delete_all(field(&Order::id) == o.id);
  ASSERT_TRUE(n) << n.error().message();
  EXPECT_EQ(*n, 1u);
  EXPECT_EQ(db.size<OrderLine>(), 0u);
  EXPECT_EQ(db.size<Order>(), 4u);
}

TEST_F(ConstrainedRepository, CountAppliesTheWhereWithinTheParent) {
  EXPECT_EQ(orders_of(ada.id).count().value(), 3u);
  EXPECT_EQ(orders_of(bob.id).count().value(), 2u);
  auto typed = orders_of(ada.id).count(field(&Order::total) >= 10.0);
  ASSERT_TRUE(typed) << typed.error().message();
  EXPECT_EQ(*typed, 2u);
  auto json = orders_of(bob.id).count(R"({"total":{"lt":15}})");
  ASSERT_TRUE(json) << json.error().message();
  EXPECT_EQ(*json, 1u);
  EXPECT_EQ(orders_of(ada.id).count(field(&Order::customerId) == bob.id).value(), 0u);
  auto bad = orders_of(ada.id).count(R"({"total":{"lt":"x"}})");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, errc::invalid_filter);
}

TEST_F(ConstrainedRepository, FindByIdOfAnotherParentsChildIsNotFound) {
  const std::int64_t bobs = orders_of(bob.id).find().value().front()->id;
  auto r = orders_of(ada.id).find_by_id(bobs);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::not_found);
  EXPECT_TRUE(has(r.error().message(), "Order")) << r.error().message();
  EXPECT_TRUE(has(r.error().message(), std::to_string(bobs))) << r.error().message();
  auto mine = orders_of(bob.id).find_by_id(bobs);
  ASSERT_TRUE(mine) << mine.error().message();
  EXPECT_EQ(mine->customerId, bob.id);
  EXPECT_EQ(*mine, db.repo<Order>().find_by_id(bobs).value());
  auto nowhere = orders_of(bob.id).find_by_id(9999);
  ASSERT_FALSE(nowhere);
  EXPECT_EQ(nowhere.error().code, errc::not_found);
}

TEST_F(ConstrainedRepository, ExistsOnlyForThisParentsChildren) {
  const std::int64_t adas = orders_of(ada.id).find().value().front()->id;
  const std::int64_t bobs = orders_of(bob.id).find().value().front()->id;
  EXPECT_TRUE(orders_of(ada.id).exists(adas));
  EXPECT_FALSE(orders_of(ada.id).exists(bobs));
  EXPECT_TRUE(orders_of(bob.id).exists(bobs));
  EXPECT_FALSE(orders_of(bob.id).exists(adas));
  EXPECT_FALSE(orders_of(ada.id).exists(9999));
}

// A patch of a whole family in fields no index holds is written as the
// index walk reaches each child; with an observer, or in a transaction, it
// is an update whose events come in key order. Both ways leave one store.
TEST_F(ConstrainedRepository, APatchOfAWholeFamilyLeavesTheSameStoreObservedOrInATransaction) {
  for (std::int64_t k : {40, 7, 30}) ASSERT_TRUE(orders_of(ada.id).create({.id = k, .total = 1.0}));
  store observed = db;
  store in_tx = db;
  const auto p = relstore::patch<Order>{}.set(&Order::note, "paid").set(&Order::total, 2.5);
  auto patched = orders_of(ada.id).patch(p);
  ASSERT_TRUE(patched) << patched.error().message();
  EXPECT_EQ(*patched, 6u);
  for (const Order& o : all_orders()) {
    EXPECT_EQ(o.note, o.customerId == ada.id ? "paid" : "") << o.id;
    EXPECT_EQ(o.total == 2.5, o.customerId == ada.id) << o.id;
  }
  std::vector<std::int64_t> updated;
  auto sub = observed.on<Order>(relstore::on_update_event,
                                [&](const relstore::event<Order>& e) { updated.push_back(e.after->id); });
  EXPECT_EQ(observed.repo<Customer>().related<"orders">(ada.id).patch(p).value_or(0), 6u);
  EXPECT_EQ(updated, (std::vector<std::int64_t>{1, 2, 3, 7, 30, 40})) << "events in key order";
  EXPECT_TRUE(observed == db);
  {
    auto tx = in_tx.begin();
    EXPECT_EQ(in_tx.repo<Customer>().related<"orders">(ada.id).patch(p).value_or(0), 6u);
    ASSERT_TRUE(tx.commit());
  }
  EXPECT_TRUE(in_tx == db);
  const store before = in_tx;
  {
    auto tx = in_tx.begin();
    EXPECT_EQ(in_tx.repo<Customer>().related<"orders">(bob.id).patch(p).value_or(0), 2u);
    tx.rollback();
  }
  EXPECT_TRUE(in_tx == before);
}

TEST(ConstrainedPatch, AValueOutOfItsFieldsRangeWritesNoChild) {
  squad_store db;
  const auto squad = db.repo<Squad>().create({}).value().id;
  for (float v : {1.0F, 2.0F, 3.0F}) ASSERT_TRUE(db.repo<Squad>().related<"troopers">(squad).create({.speed = v}));
  const squad_store before = db;
  const auto too_fast = relstore::patch<Trooper>{}.set(&Trooper::speed, 1e39);
  auto r = db.repo<Squad>().related<"troopers">(squad).patch(too_fast);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::invalid_argument);
  for (const char* part : {"Trooper", "speed", "1e+39"}) {
    EXPECT_NE(r.error().message().find(part), std::string::npos) << r.error().message();
  }
  EXPECT_TRUE(db == before);
  // A family of none: nothing to convert, nothing rejected.
  EXPECT_EQ(db.repo<Squad>().related<"troopers">(squad + 1).patch(too_fast).value_or(99), 0u);
}

TEST_F(ConstrainedRepository, OperationsOnANonexistentParentTouchNothing) {
  const store before = db;
  auto patched = orders_of(404).patch(relstore::patch<Order>{}.set(&Order::total, 0.0));
  ASSERT_TRUE(patched) << patched.error().message();
  EXPECT_EQ(*patched, 0u);
  auto deleted = orders_of(404).delete_all();
  ASSERT_TRUE(deleted) << deleted.error().message();
  EXPECT_EQ(*deleted, 0u);
  auto found = orders_of(404).find();
  ASSERT_TRUE(found);
  EXPECT_TRUE(found->empty());
  EXPECT_EQ(orders_of(404).count().value(), 0u);
  EXPECT_TRUE(db == before);
  auto created = orders_of(404).create({.total = 1});
  ASSERT_FALSE(created);
  EXPECT_EQ(created.error().code, errc::foreign_key_violation);
  EXPECT_TRUE(db == before);
}

TEST_F(ConstrainedRepository, OptionalForeignKeyRelationCreateSetsTheKey) {
  auto coupons = db.repo<Coupon>();
  auto x = coupons.create({.label = "X"}).value();
  auto y = coupons.create({.label = "Y"}).value();
  auto o = coupons.related<"orders">(x.id).create({.customerId = ada.id, .total = 3});
  ASSERT_TRUE(o) << o.error().message();
  ASSERT_TRUE(o->couponId.has_value());
  EXPECT_EQ(*o->couponId, x.id);
  EXPECT_EQ(db.repo<Order>().find_by_id(o->id).value().couponId, x.id);

  auto same = coupons.related<"orders">(x.id).create({.customerId = bob.id, .couponId = x.id});
  ASSERT_TRUE(same) << same.error().message();
  auto other = coupons.related<"orders">(x.id).create({.customerId = bob.id, .couponId = y.id});
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().code, errc::constraint_violation);
  EXPECT_EQ(other.error().message(),
            "Property \"couponId\" cannot be changed! (Order.couponId = " + std::to_string(y.id) +
                "; this view holds the Order rows of Coupon " + std::to_string(x.id) + ")");

  // Orders without a coupon belong to no coupon under this relation.
  EXPECT_EQ(coupons.related<"orders">(x.id).count().value(), 2u);
  EXPECT_EQ(coupons.related<"orders">(y.id).count().value(), 0u);
  // Nulling the key through the relation would change it.
  auto nulled = coupons.related<"orders">(x.id).patch(relstore::patch<Order>{}.set(&Order::couponId, relstore::null));
  ASSERT_FALSE(nulled);
  EXPECT_EQ(nulled.error().code, errc::constraint_violation);
}

TEST_F(ConstrainedRepository, AParentKeyMatchingNothingNeverWidensToOtherChildren) {
  // Orders exist under other keys (customerId 1 and 2; couponId null).
  const store before = db;
  for (std::int64_t key : {std::int64_t{0}, std::int64_t{-1}, std::int64_t{404}}) {
    SCOPED_TRACE("customer key " + std::to_string(key));
    EXPECT_TRUE(orders_of(key).find().value().empty());
    EXPECT_EQ(orders_of(key).count().value(), 0u);
    EXPECT_EQ(orders_of(key).patch(relstore::patch<Order>{}.set(&Order::note, "w")).value(), 0u);
    EXPECT_EQ(orders_of(key).delete_all().value(), 0u);
    EXPECT_EQ(orders_of(key).delete_all(R"({})").value(), 0u);
  }
  auto coupon_orders = db.repo<Coupon>().related<"orders">(0);
  EXPECT_TRUE(coupon_orders.find().value().empty()) << "orders with a null couponId must not match";
  EXPECT_EQ(coupon_orders.count().value(), 0u);
  EXPECT_EQ(coupon_orders.patch(relstore::patch<Order>{}.set(&Order::note, "w")).value(), 0u);
  EXPECT_EQ(coupon_orders.delete_all().value(), 0u);
  auto sessions = db.repo<Account>().related<"sessions">("");
  EXPECT_TRUE(sessions.find().value().empty());
  EXPECT_TRUE(db == before);
}

TEST_F(ConstrainedRepository, StringKeysThroughKeyFromCode) {
  auto accounts = db.repo<Account>();
  auto a1 = accounts.create({.code = "A-1"}).value();
  auto b2 = accounts.create({.code = "B-2"}).value();
  auto sessions = accounts.related<"sessions">(a1.code);
  auto x = sessions.create({.token = "x"});
  ASSERT_TRUE(x) << x.error().message();
  EXPECT_EQ(x->accountCode, "A-1");
  ASSERT_TRUE(sessions.create({.token = "y", .accountCode = "A-1"}));
  ASSERT_TRUE(accounts.related<"sessions">(b2.code).create({.token = "z"}));

  const store before = db;
  auto wrong = sessions.create({.token = "w", .accountCode = "B-2"});
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().code, errc::constraint_violation);
  EXPECT_EQ(wrong.error().message(),
            "Property \"accountCode\" cannot be changed! (Session.accountCode = \"B-2\"; this view holds the Session "
            "rows of Account \"A-1\")");
  EXPECT_TRUE(db == before);
  auto missing = accounts.related<"sessions">("C-3").create({.token = "c"});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, errc::foreign_key_violation);
  EXPECT_TRUE(has(missing.error().message(), "\"C-3\"")) << missing.error().message();

  EXPECT_EQ(sessions.count().value(), 2u);
  EXPECT_TRUE(sessions.exists("x"));
  EXPECT_FALSE(sessions.exists("z"));
  EXPECT_EQ(sessions.find_by_id("y").value().accountCode, "A-1");
  EXPECT_EQ(sessions.find_by_id("z").error().code, errc::not_found);
  auto found = sessions.find(R"({"order":["token DESC"]})");
  ASSERT_TRUE(found) << found.error().message();
  ASSERT_EQ(found->size(), 2u);
  EXPECT_EQ((*found)[0]->token, "y");
  EXPECT_EQ((*found)[1]->token, "x");

  EXPECT_EQ(sessions.patch(relstore::patch<Session>{}.set(&Session::active, false)).value(), 2u);
  EXPECT_TRUE(db.repo<Session>().find_by_id("z").value().active);
  EXPECT_EQ(sessions.delete_all(field(&Session::token) == "x").value(), 1u);
  EXPECT_EQ(db.size<Session>(), 2u);
  EXPECT_TRUE(db.repo<Session>().exists("z"));
}

TEST_F(ConstrainedRepository, CreateAllFillsEveryKeyAndIsAllOrNothing) {
  auto all = orders_of(bob.id).create_all({Order{.total = 1}, Order{.customerId = bob.id, .total = 2}});
  ASSERT_TRUE(all) << all.error().message();
  ASSERT_EQ(all->size(), 2u);
  for (const auto& o : *all) {
    EXPECT_EQ(o.customerId, bob.id);
    EXPECT_EQ(db.repo<Order>().find_by_id(o.id).value(), o);
  }
  EXPECT_EQ(orders_of(bob.id).count().value(), 4u);

  const store before = db;
  auto bad = orders_of(bob.id).create_all({Order{.total = 3}, Order{.customerId = ada.id}});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, errc::constraint_violation);
  EXPECT_TRUE(has(bad.error().message(), "customerId")) << bad.error().message();
  EXPECT_TRUE(db == before);

  auto dangling = orders_of(bob.id).create_all({Order{.total = 3}, Order{.couponId = 55}});
  ASSERT_FALSE(dangling);
  EXPECT_EQ(dangling.error().code, errc::foreign_key_violation);
  EXPECT_TRUE(has(dangling.error().message(), "element 1")) << dangling.error().message();
  EXPECT_TRUE(db == before);

  auto orphans = orders_of(404).create_all({Order{.total = 3}});
  ASSERT_FALSE(orphans);
  EXPECT_EQ(orphans.error().code, errc::foreign_key_violation);
  EXPECT_TRUE(db == before);
}

TEST_F(ConstrainedRepository, ABadWhereIsInvalidFilterAndChangesNothing) {
  const store before = db;
  auto r = orders_of(ada.id).delete_all(R"({"total":{"gt":"lots"}})");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::invalid_filter);
  auto c = orders_of(ada.id).count(R"({"nope":1})");
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, errc::invalid_filter);
  EXPECT_TRUE(has(c.error().message(), "nope")) << c.error().message();
  EXPECT_TRUE(db == before);
}

// The foreign key's index holds a parent's children in an order of its own
// (reversed, for children created in key order); find, view and visit give
// key order whatever order they were created in.
TEST_F(ConstrainedRepository, ChildrenComeInKeyOrderWhateverTheOrderTheyWereCreatedIn) {
  const std::vector<std::vector<std::int64_t>> orders = {
      {101, 102, 103, 104, 105}, {205, 204, 203, 202, 201}, {303, 301, 305, 302, 304}};
  for (const auto& created : orders) {
    const auto c = db.repo<Customer>().create({.name = "C"}).value();
    for (std::int64_t id : created) ASSERT_TRUE(orders_of(c.id).create({.id = id, .total = 1}));
    std::vector<std::int64_t> want = created;
    std::sort(want.begin(), want.end());

    std::vector<std::int64_t> found, viewed, visited;
    for (const Order& o : values_of(orders_of(c.id).find().value())) found.push_back(o.id);
    for (const Order& o : orders_of(c.id).view().value()) viewed.push_back(o.id);
    ASSERT_TRUE(orders_of(c.id).visit({}, [&](const Order& o) { visited.push_back(o.id); }));
    EXPECT_EQ(found, want);
    EXPECT_EQ(viewed, want);
    EXPECT_EQ(visited, want);
  }
}

}  // namespace

}  // namespace has_many_repository_test
