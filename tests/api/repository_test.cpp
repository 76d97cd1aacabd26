// The per-model repository: keys, CRUD, patches, JSON payloads, belongs_to.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "common/shop_schema.hpp"

namespace {

using namespace shop;
using relstore::errc;
using relstore::field;

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

class Repository : public ::testing::Test {
 protected:
  store db;
  relstore::repository<schema, Customer> customers = db.repo<Customer>();
  relstore::repository<schema, Order> orders = db.repo<Order>();
};

TEST_F(Repository, IntegerKeysAreAssignedIncreasingFromOne) {
  EXPECT_EQ(customers.create({.name = "a"}).value().id, 1);
  EXPECT_EQ(customers.create({.name = "b"}).value().id, 2);
  EXPECT_EQ(customers.create({.name = "c"}).value().id, 3);
}

TEST_F(Repository, ExplicitKeysAreKeptAndAutomaticOnesGoAboveThem) {
  EXPECT_EQ(customers.create({.id = 40, .name = "a"}).value().id, 40);
  EXPECT_EQ(customers.create({.name = "b"}).value().id, 41);
  EXPECT_EQ(customers.create({.id = 7, .name = "c"}).value().id, 7);
  EXPECT_EQ(customers.create({.name = "d"}).value().id, 42);
}

TEST_F(Repository, ADuplicateKeyIsAlreadyExistsAndNamesModelAndKey) {
  ASSERT_TRUE(customers.create({.id = 5, .name = "a"}));
  const store before = db;
  auto r = customers.create({.id = 5, .name = "b"});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::already_exists);
  EXPECT_TRUE(has(r.error().message, "Customer with id 5 already exists")) << r.error().message;
  EXPECT_TRUE(db == before);
}

TEST_F(Repository, ARejectedCreateDoesNotConsumeAnAutomaticKey) {
  ASSERT_FALSE(orders.create({.customerId = 9}));
  auto c = customers.create({.name = "a"}).value();
  EXPECT_EQ(orders.create({.customerId = c.id}).value().id, 1);
}

TEST_F(Repository, StringPrimaryKeys) {
  auto acct = db.repo<Account>().create({.code = "A"}).value();
  auto sessions = db.repo<Session>();
  ASSERT_TRUE(sessions.create({.token = "t1", .accountCode = acct.code}));
  auto dup = sessions.create({.token = "t1", .accountCode = acct.code});
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, errc::already_exists);
  EXPECT_TRUE(has(dup.error().message, "\"t1\""));
  auto empty = sessions.create({.token = "", .accountCode = acct.code});
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().code, errc::invalid_argument);
  EXPECT_TRUE(sessions.exists("t1"));
  EXPECT_EQ(sessions.find_by_id("t1").value().accountCode, "A");
}

TEST_F(Repository, OptionalFieldsRoundTrip) {
  auto a = customers.create({.name = "a", .email = "a@x"}).value();
  auto b = customers.create({.name = "b"}).value();
  EXPECT_EQ(customers.find_by_id(a.id).value().email, "a@x");
  EXPECT_FALSE(customers.find_by_id(b.id).value().email.has_value());
  auto cleared = customers.update_by_id(a.id, relstore::patch<Customer>{}.set(&Customer::email, relstore::null));
  ASSERT_TRUE(cleared);
  EXPECT_FALSE(cleared->email.has_value());
}

TEST_F(Repository, CreateAllReturnsEveryEntityWithKeys) {
  auto all = customers.create_all({Customer{.name = "a"}, Customer{.name = "b"}, Customer{.id = 10, .name = "c"}});
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].id, 1);
  EXPECT_EQ((*all)[1].id, 2);
  EXPECT_EQ((*all)[2].id, 10);
}

TEST_F(Repository, CreateAllWhose500thElementIsBadCreatesNothing) {
  auto c = customers.create({.name = "a"}).value();
  std::vector<Order> batch(600, Order{.customerId = c.id, .total = 1});
  batch[499].customerId = 12345;
  const store before = db;
  auto r = orders.create_all(batch);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::foreign_key_violation);
  EXPECT_TRUE(has(r.error().message, "element 499")) << r.error().message;
  EXPECT_TRUE(has(r.error().message, "12345"));
  EXPECT_TRUE(db == before);
  EXPECT_EQ(orders.create({.customerId = c.id}).value().id, 1) << "keys of the rolled-back batch were consumed";
}

TEST_F(Repository, CreateAllRowsMayReferenceEarlierRowsOrThemselvesButNotLaterOnes) {
  auto employees = db.repo<Employee>();
  auto ok = employees.create_all({Employee{.id = 1, .name = "root"}, Employee{.id = 2, .name = "mid", .managerId = 1},
                                  Employee{.id = 3, .name = "self", .managerId = 3}});
  ASSERT_TRUE(ok) << ok.error().message;
  const store before = db;
  auto later =
      employees.create_all({Employee{.id = 10, .name = "x", .managerId = 11}, Employee{.id = 11, .name = "y"}});
  ASSERT_FALSE(later);
  EXPECT_EQ(later.error().code, errc::foreign_key_violation);
  EXPECT_TRUE(has(later.error().message, "element 0"));
  EXPECT_TRUE(db == before);
}

TEST_F(Repository, ADuplicateKeyIsReportedBeforeADanglingForeignKey) {
  auto c = customers.create({.name = "a"}).value();
  ASSERT_TRUE(orders.create({.id = 1, .customerId = c.id}));
  auto r = orders.create({.id = 1, .customerId = 999});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::already_exists);
}

TEST_F(Repository, FindOneAndFindByIdReportNotFound) {
  auto one = customers.find_one(relstore::filter<Customer>{}.where(field(&Customer::name) == "nobody"));
  ASSERT_FALSE(one);
  EXPECT_EQ(one.error().code, errc::not_found);
  auto id = customers.find_by_id(77);
  ASSERT_FALSE(id);
  EXPECT_EQ(id.error().code, errc::not_found);
  EXPECT_TRUE(has(id.error().message, "Customer with id 77 not found"));
  ASSERT_TRUE(customers.create({.name = "z"}));
  EXPECT_EQ(customers.find_one().value()->name, "z");
}

TEST_F(Repository, UpdateByIdChangesOnlyTheNamedFields) {
  auto c = customers.create({.name = "a", .email = "e"}).value();
  auto r = customers.update_by_id(c.id, relstore::patch<Customer>{}.set(&Customer::name, "b"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->name, "b");
  EXPECT_EQ(r->email, "e");
  EXPECT_EQ(customers.find_by_id(c.id).value(), *r);
  EXPECT_EQ(customers.update_by_id(999, relstore::patch<Customer>{}).error().code, errc::not_found);
}

TEST_F(Repository, JsonPatchesRejectUnknownFieldsAndWrongTypes) {
  auto unknown = customers.parse_patch(R"({"nmae":"x"})");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, errc::invalid_argument);
  EXPECT_TRUE(has(unknown.error().message, "Customer has no field \"nmae\""));
  auto type = orders.parse_patch(R"({"total":"much"})");
  ASSERT_FALSE(type);
  EXPECT_EQ(type.error().code, errc::invalid_argument);
  EXPECT_TRUE(has(type.error().message, "Order.total")) << type.error().message;
  auto null = customers.parse_patch(R"({"name":null})");
  ASSERT_FALSE(null);
  EXPECT_EQ(null.error().code, errc::invalid_argument);
  auto overflow = db.repo<OrderLine>().parse_patch(R"({"qty":3000000000})");
  ASSERT_FALSE(overflow);
  EXPECT_TRUE(has(overflow.error().message, "out of range for int32"));
  auto good = customers.parse_patch(R"({"name":"n","email":null})");
  ASSERT_TRUE(good);
  auto c = customers.create({.name = "a", .email = "e"}).value();
  auto r = customers.update_by_id(c.id, *good).value();
  EXPECT_EQ(r.name, "n");
  EXPECT_FALSE(r.email);
}

TEST_F(Repository, CreateJsonBuildsAnEntity) {
  auto c = customers.create_json(R"({"name":"J","email":"j@x"})");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->id, 1);
  EXPECT_EQ(c->name, "J");
  auto bad = customers.create_json(R"({"name":"J","extra":1})");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, errc::invalid_argument);
  auto not_json = customers.create_json("{name:");
  ASSERT_FALSE(not_json);
  EXPECT_EQ(not_json.error().code, errc::invalid_argument);
}

TEST_F(Repository, ReplaceByIdReplacesEveryField) {
  auto c = customers.create({.name = "a", .email = "e"}).value();
  auto r = customers.replace_by_id(c.id, {.name = "b"});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->id, c.id);
  EXPECT_FALSE(r->email);
  EXPECT_EQ(customers.find_by_id(c.id).value().name, "b");
}

TEST_F(Repository, ReplaceWithADanglingKeyChangesNothing) {
  auto c = customers.create({.name = "a"}).value();
  auto o = orders.create({.customerId = c.id, .total = 1}).value();
  const store before = db;
  auto r = orders.replace_by_id(o.id, {.customerId = 50, .total = 2});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::foreign_key_violation);
  EXPECT_TRUE(db == before);
}

TEST_F(Repository, UpdateAllCountsMatchesAndIsAllOrNothing) {
  auto a = customers.create({.name = "a"}).value();
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(orders.create({.customerId = a.id, .total = i * 10.0}));
  auto n = orders.update_all(relstore::patch<Order>{}.set(&Order::note, "x"), field(&Order::total) >= 10.0);
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, 3u);
  EXPECT_EQ(orders.count(field(&Order::note) == "x").value(), 3u);
  const store before = db;
  auto bad = orders.update_all(relstore::patch<Order>{}.set(&Order::customerId, 99));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, errc::foreign_key_violation);
  EXPECT_TRUE(db == before);
}

TEST_F(Repository, DeletesCountWhatTheyMatched) {
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(customers.create({.name = i % 2 ? "odd" : "even"}));
  ASSERT_TRUE(customers.delete_by_id(1));
  EXPECT_FALSE(customers.exists(1));
  EXPECT_EQ(customers.delete_by_id(1).error().code, errc::not_found);
  EXPECT_EQ(customers.delete_all(field(&Customer::name) == "odd").value(), 2u);
  EXPECT_EQ(customers.delete_all(R"({"name":"even"})").value(), 2u);
  EXPECT_EQ(db.size<Customer>(), 0u);
  ASSERT_TRUE(customers.create({.name = "z"}));
  EXPECT_EQ(customers.delete_all().value(), 1u);
}

TEST_F(Repository, CountWithTypedAndJsonWhere) {
  for (int i = 0; i < 6; ++i) ASSERT_TRUE(customers.create({.name = "n" + std::to_string(i)}));
  EXPECT_EQ(customers.count().value(), 6u);
  EXPECT_EQ(customers.count(field(&Customer::id) > std::int64_t{2}).value(), 4u);
  EXPECT_EQ(customers.count(R"({"id":{"lte":2}})").value(), 2u);
  EXPECT_EQ(customers.count(R"({"id":{"lte":"2"}})").error().code, errc::invalid_filter);
}

TEST_F(Repository, DoublesKeepTheirExactValue) {
  auto c = customers.create({.name = "a"}).value();
  auto neg = orders.create({.customerId = c.id, .total = -0.0}).value();
  auto nan = orders.create({.customerId = c.id, .total = std::numeric_limits<double>::quiet_NaN()}).value();
  auto tiny = orders.create({.customerId = c.id, .total = std::numeric_limits<double>::denorm_min()}).value();
  EXPECT_TRUE(std::signbit(orders.find_by_id(neg.id).value().total));
  EXPECT_TRUE(std::isnan(orders.find_by_id(nan.id).value().total));
  EXPECT_EQ(orders.find_by_id(tiny.id).value().total, std::numeric_limits<double>::denorm_min());
}

TEST_F(Repository, BelongsToFindsTheParentOrNotFound) {
  auto c = customers.create({.name = "a"}).value();
  auto o = orders.create({.customerId = c.id}).value();
  EXPECT_EQ(orders.belongs_to<"customer">(o.id).value(), c);
  EXPECT_EQ(orders.belongs_to<"customer">(99).error().code, errc::not_found);
  auto no_coupon = orders.belongs_to<"coupon">(o.id);
  ASSERT_FALSE(no_coupon);
  EXPECT_EQ(no_coupon.error().code, errc::not_found);
  EXPECT_TRUE(has(no_coupon.error().message, "couponId = null"));
}

TEST_F(Repository, RowsRenderAsJson) {
  ASSERT_TRUE(customers.create({.name = "q\"uote"}));
  auto rows = customers.find().value();
  EXPECT_EQ(rows[0].to_json(), R"({"id":1,"name":"q\"uote","email":null})");
}

TEST_F(Repository, IteratingATemporaryResultIsSafe) {
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(customers.create({.name = "n"}));
  std::int64_t sum = 0;
  // value() on a temporary returns by value, so this does not dangle (ASan checks).
  for (const auto& r : customers.find().value()) sum += r->id;
  EXPECT_EQ(sum, 6);
}

}  // namespace
