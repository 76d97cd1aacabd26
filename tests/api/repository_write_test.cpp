// The per-model repository's writes: inserts, updates, patches and deletes.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "common/shop_schema.hpp"
#include "common/test_helpers.hpp"

namespace repository_write_test {

namespace {

using test::has;
using namespace shop;
using relstore::errc;
using relstore::field;

class RepositoryWrite : public ::testing::Test {
 protected:
  store db;
  relstore::repository<schema, Customer> customers = db.repo<Customer>();
  relstore::repository<schema, Order> orders = db.repo<Order>();
  relstore::repository<schema, Employee> employees = db.repo<Employee>();
};

// ------------------------------------------------------------------ inserts

TEST_F(RepositoryWrite, InsertStoresWhatCreateWouldAndReturnsTheKey) {
  auto a = customers.insert({.name = "a", .email = "e"});
  ASSERT_TRUE(a) << a.error().message();
  auto b = customers.insert({.name = "b"});
  ASSERT_TRUE(b) << b.error().message();
  EXPECT_GT(*b, *a);  // assigned, increasing
  EXPECT_EQ(customers.find_by_id(*a).value(), (Customer{.id = *a, .name = "a", .email = "e"}));
  auto kept = customers.insert({.id = 70, .name = "k"});
  ASSERT_TRUE(kept) << kept.error().message();
  EXPECT_EQ(*kept, 70);
  EXPECT_EQ(customers.find_by_id(70).value().name, "k");
  auto next = customers.create({.name = "c"});  // the counter moved past 70
  ASSERT_TRUE(next) << next.error().message();
  EXPECT_GT(next->id, 70);
  auto s = db.repo<Account>().insert({.code = "ac"});
  ASSERT_TRUE(s) << s.error().message();
  auto token = db.repo<Session>().insert({.token = "t1", .accountCode = "ac"});
  ASSERT_TRUE(token) << token.error().message();
  EXPECT_EQ(*token, "t1");  // a string key comes back as itself
  EXPECT_TRUE(db.repo<Session>().exists("t1"));
}

TEST_F(RepositoryWrite, InsertRejectsWhatCreateRejectsAndChangesNothing) {
  auto c = customers.insert({.name = "a"}).value();
  ASSERT_TRUE(orders.insert({.id = 5, .customerId = c}));
  const store before = db;
  auto twice = orders.insert({.id = 5, .customerId = c});
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().code, errc::already_exists);
  auto dangling = orders.insert({.customerId = 424242});
  ASSERT_FALSE(dangling);
  EXPECT_EQ(dangling.error().code, errc::foreign_key_violation);
  for (const char* part : {"Order", "customerId", "424242"}) {
    EXPECT_TRUE(has(dangling.error().message(), part)) << dangling.error().message();
  }
  auto empty = db.repo<Session>().insert({.token = "", .accountCode = "x"});
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().code, errc::invalid_argument);
  EXPECT_TRUE(db == before);
  EXPECT_EQ(orders.insert({.customerId = c}).value(), 6) << "a rejected insert takes no automatic key";
}

TEST_F(RepositoryWrite, InsertDefersInATransactionAndIsObservedWhole) {
  std::vector<Order> heard;
  auto sub =
      db.on<Order>(relstore::on_create_event, [&](const relstore::event<Order>& e) { heard.push_back(*e.after); });
  {
    auto tx = db.begin({.deferred_foreign_keys = true});
    auto early = orders.insert({.customerId = 31, .note = "before its parent"});
    ASSERT_TRUE(early) << early.error().message();
    EXPECT_TRUE(heard.empty()) << "events wait for the commit";
  }  // destroyed uncommitted: rolled back
  EXPECT_EQ(db.size<Order>(), 0u);
  EXPECT_TRUE(heard.empty());
  auto tx = db.begin({.deferred_foreign_keys = true});
  auto o = orders.insert({.customerId = 31, .total = 2.5, .note = "n"});
  ASSERT_TRUE(o) << o.error().message();
  ASSERT_TRUE(customers.insert({.id = 31, .name = "late parent"}));
  ASSERT_TRUE(tx.commit());
  ASSERT_EQ(heard.size(), 1u);
  EXPECT_EQ(heard[0], (Order{.id = *o, .customerId = 31, .total = 2.5, .note = "n"}));
}

TEST_F(RepositoryWrite, InsertAllStoresWhatCreateAllWouldAndReturnsTheKeysInOrder) {
  auto keys = employees.insert_all({{.id = 10, .name = "boss"}, {.name = "report", .managerId = 10}, {.name = "x"}});
  ASSERT_TRUE(keys) << keys.error().message();
  ASSERT_EQ(keys->size(), 3u);
  EXPECT_EQ((*keys)[0], 10);
  EXPECT_GT((*keys)[1], 10) << "the counter moved past the key given before it";
  EXPECT_GT((*keys)[2], (*keys)[1]);
  EXPECT_EQ(employees.find_by_id((*keys)[1]).value(), (Employee{.id = (*keys)[1], .name = "report", .managerId = 10}))
      << "an element may name an earlier one";
  EXPECT_EQ(employees.find_by_id(10).value().name, "boss");
  EXPECT_EQ(employees.find_by_id((*keys)[2]).value().name, "x");
  ASSERT_TRUE(db.repo<Account>().insert({.code = "ac"}));
  auto tokens =
      db.repo<Session>().insert_all({{.token = "t1", .accountCode = "ac"}, {.token = "t2", .accountCode = "ac"}});
  ASSERT_TRUE(tokens) << tokens.error().message();
  EXPECT_EQ(*tokens, (std::vector<std::string>{"t1", "t2"})) << "string keys come back as themselves";
  auto none = employees.insert_all({});
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
}

TEST_F(RepositoryWrite, InsertAllIsAllOrNothingAndNamesTheElementItRejects) {
  auto c = customers.insert({.name = "a"}).value();
  const store before = db;
  auto r = orders.insert_all({{.customerId = c}, {.customerId = 424242}, {.customerId = c}});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::foreign_key_violation);
  for (const char* part : {"insert_all: element 1 rejected, nothing created", "Order", "customerId", "424242"}) {
    EXPECT_TRUE(has(r.error().message(), part)) << r.error().message();
  }
  EXPECT_TRUE(db == before);
  auto twice = orders.insert_all({{.id = 7, .customerId = c}, {.id = 7, .customerId = c}});
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().code, errc::already_exists);
  EXPECT_TRUE(has(twice.error().message(), "element 1")) << twice.error().message();
  EXPECT_TRUE(db == before);
  EXPECT_EQ(orders.insert({.customerId = c}).value(), 1) << "a rejected batch takes no automatic key";
}

// ------------------------------------------------------------------ updates

TEST_F(RepositoryWrite, UpdateByIdChangesOnlyTheNamedFields) {
  auto c = customers.create({.name = "a", .email = "e"}).value();
  auto other = customers.create({.name = "o", .email = "oe"}).value();
  auto r = customers.update_by_id(c.id, relstore::patch<Customer>{}.set(&Customer::name, "b"));
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(*r, (Customer{.id = c.id, .name = "b", .email = "e"}));
  EXPECT_EQ(customers.find_by_id(c.id).value(), *r);
  EXPECT_EQ(customers.find_by_id(other.id).value(), other);
  auto missing = customers.update_by_id(999, relstore::patch<Customer>{}.set(&Customer::name, "x"));
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, errc::not_found);
  EXPECT_TRUE(has(missing.error().message(), "999")) << missing.error().message();
}

TEST_F(RepositoryWrite, ParsePatchRejectsAnUnknownFieldNamingIt) {
  auto c = customers.create({.name = "a"}).value();
  const store before = db;
  auto unknown = customers.parse_patch(R"({"name":"x","nmae":"y"})");
  ASSERT_FALSE(unknown) << "an unknown field must not be silently dropped";
  EXPECT_EQ(unknown.error().code, errc::invalid_argument);
  EXPECT_TRUE(has(unknown.error().message(), "Customer")) << unknown.error().message();
  EXPECT_TRUE(has(unknown.error().message(), "\"nmae\"")) << unknown.error().message();
  EXPECT_TRUE(db == before);
  EXPECT_EQ(customers.find_by_id(c.id).value().name, "a");
}

TEST_F(RepositoryWrite, ParsePatchRejectsAValueOfTheWrongType) {
  auto type = orders.parse_patch(R"({"total":"much"})");
  ASSERT_FALSE(type);
  EXPECT_EQ(type.error().code, errc::invalid_argument);
  EXPECT_TRUE(has(type.error().message(), "Order.total")) << type.error().message();
  EXPECT_TRUE(has(type.error().message(), "much")) << type.error().message();
  auto str_for_int = orders.parse_patch(R"({"customerId":"1"})");
  ASSERT_FALSE(str_for_int);
  EXPECT_EQ(str_for_int.error().code, errc::invalid_argument);
  EXPECT_TRUE(has(str_for_int.error().message(), "customerId")) << str_for_int.error().message();
  auto overflow = db.repo<OrderLine>().parse_patch(R"({"qty":3000000000})");
  ASSERT_FALSE(overflow);
  EXPECT_EQ(overflow.error().code, errc::invalid_argument);
  EXPECT_TRUE(has(overflow.error().message(), "qty")) << overflow.error().message();
  EXPECT_TRUE(has(overflow.error().message(), "out of range for int32")) << overflow.error().message();
  auto good = orders.parse_patch(R"({"total":2.5,"note":"n"})");
  ASSERT_TRUE(good) << good.error().message();
}

TEST_F(RepositoryWrite, ParsePatchRejectsNullForANonOptionalField) {
  auto null = customers.parse_patch(R"({"name":null})");
  ASSERT_FALSE(null);
  EXPECT_EQ(null.error().code, errc::invalid_argument);
  EXPECT_TRUE(has(null.error().message(), "name")) << null.error().message();
  // null is fine for an optional field.
  auto c = customers.create({.name = "a", .email = "e"}).value();
  auto good = customers.parse_patch(R"({"name":"n","email":null})");
  ASSERT_TRUE(good) << good.error().message();
  auto r = customers.update_by_id(c.id, *good);
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(*r, (Customer{.id = c.id, .name = "n", .email = std::nullopt}));
}

TEST_F(RepositoryWrite, ReplaceByIdReplacesEveryField) {
  auto c = customers.create({.name = "a", .email = "e"}).value();
  auto r = customers.replace_by_id(c.id, {.name = "b"});
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(*r, (Customer{.id = c.id, .name = "b", .email = std::nullopt}));
  EXPECT_EQ(customers.find_by_id(c.id).value(), *r);

  auto cust = customers.create({.name = "x"}).value();
  auto o = orders.create({.customerId = c.id, .total = 1, .note = "old"}).value();
  auto ro = orders.replace_by_id(o.id, {.id = o.id, .customerId = cust.id, .total = 2});
  ASSERT_TRUE(ro) << ro.error().message();
  EXPECT_EQ(orders.find_by_id(o.id).value(), (Order{.id = o.id, .customerId = cust.id, .total = 2, .note = ""}));
  auto missing = customers.replace_by_id(999, {.name = "z"});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, errc::not_found);
}

TEST_F(RepositoryWrite, ReplaceByIdWithADanglingForeignKeyChangesNothing) {
  auto c = customers.create({.name = "a"}).value();
  auto o = orders.create({.customerId = c.id, .total = 1}).value();
  const store before = db;
  auto r = orders.replace_by_id(o.id, {.customerId = 50, .total = 2});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::foreign_key_violation);
  EXPECT_TRUE(has(r.error().message(), "customerId")) << r.error().message();
  EXPECT_TRUE(has(r.error().message(), "50")) << r.error().message();
  EXPECT_TRUE(db == before);
  EXPECT_EQ(orders.find_by_id(o.id).value(), o);
}

TEST_F(RepositoryWrite, UpdateAllReturnsTheMatchedCountAndAppliesThePatch) {
  auto a = customers.create({.name = "a"}).value();
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(orders.create({.customerId = a.id, .total = i * 10.0}));
  auto n = orders.update_all(relstore::patch<Order>{}.set(&Order::note, "x"), field(&Order::total) >= 10.0);
  ASSERT_TRUE(n) << n.error().message();
  EXPECT_EQ(*n, 3u);
  for (const auto& o : orders.find().value()) EXPECT_EQ(o->note, o->total >= 10.0 ? "x" : "");
  // Matching rows that already hold the value still count.
  auto again = orders.update_all(relstore::patch<Order>{}.set(&Order::note, "x"), field(&Order::total) >= 10.0);
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, 3u);
  auto none = orders.update_all(relstore::patch<Order>{}.set(&Order::note, "y"), field(&Order::total) > 1000.0);
  ASSERT_TRUE(none);
  EXPECT_EQ(*none, 0u);
  auto all = orders.update_all(relstore::patch<Order>{}.set(&Order::total, 1.0));
  ASSERT_TRUE(all);
  EXPECT_EQ(*all, 4u);
  EXPECT_EQ(orders.count(field(&Order::total) == 1.0).value(), 4u);
}

TEST_F(RepositoryWrite, UpdateAllWithABadForeignKeyChangesNothing) {
  auto a = customers.create({.name = "a"}).value();
  auto b = customers.create({.name = "b"}).value();
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(orders.create({.customerId = i == 2 ? b.id : a.id, .total = i * 1.0}));
  const store before = db;
  auto bad = orders.update_all(
      relstore::patch<Order>{}.set(&Order::note, "changed").set(&Order::customerId, std::int64_t{99}));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, errc::foreign_key_violation);
  EXPECT_TRUE(has(bad.error().message(), "99")) << bad.error().message();
  EXPECT_TRUE(db == before);
  EXPECT_EQ(orders.count(field(&Order::note) == "changed").value(), 0u);

  // The self-relation: every matched row would point at missing employee 42.
  for (std::int64_t id = 1; id <= 4; ++id) ASSERT_TRUE(employees.create({.id = id, .name = "e"}));
  const store before_employees = db;
  auto dangling = employees.update_all(relstore::patch<Employee>{}.set(&Employee::managerId, std::int64_t{42}),
                                       field(&Employee::id) >= std::int64_t{2});
  ASSERT_FALSE(dangling);
  EXPECT_EQ(dangling.error().code, errc::foreign_key_violation);
  EXPECT_TRUE(db == before_employees);
  // Pointing every row at one of the matched rows is fine (it is its own manager).
  auto self = employees.update_all(relstore::patch<Employee>{}.set(&Employee::managerId, std::int64_t{3}),
                                   field(&Employee::id) >= std::int64_t{2});
  ASSERT_TRUE(self) << self.error().message();
  EXPECT_EQ(*self, 3u);
}

// ------------------------------------------------------------------ deletes

TEST_F(RepositoryWrite, DeleteByIdRemovesTheEntity) {
  auto a = customers.create({.name = "a"}).value();
  auto b = customers.create({.name = "b"}).value();
  auto r = customers.delete_by_id(a.id);
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_FALSE(customers.exists(a.id));
  EXPECT_EQ(customers.find_by_id(a.id).error().code, errc::not_found);
  EXPECT_EQ(customers.find_by_id(b.id).value(), b);
  auto again = customers.delete_by_id(a.id);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, errc::not_found);
  EXPECT_TRUE(has(again.error().message(), "Customer")) << again.error().message();
}

TEST_F(RepositoryWrite, DeleteAllWithAWhereReturnsTheCount) {
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(customers.create({.name = i % 2 ? "odd" : "even"}));
  auto odd = customers.delete_all(field(&Customer::name) == "odd");
  ASSERT_TRUE(odd) << odd.error().message();
  EXPECT_EQ(*odd, 2u);
  EXPECT_EQ(customers.count(field(&Customer::name) == "odd").value(), 0u);
  EXPECT_EQ(db.size<Customer>(), 3u);
  auto even = customers.delete_all(R"({"name":"even","id":{"gt":1}})");
  ASSERT_TRUE(even) << even.error().message();
  EXPECT_EQ(*even, 2u);
  EXPECT_TRUE(customers.exists(1));
  EXPECT_EQ(customers.delete_all(field(&Customer::name) == "nobody").value(), 0u);
  EXPECT_EQ(db.size<Customer>(), 1u);
}

TEST_F(RepositoryWrite, DeleteAllWithoutAWhereDeletesEverything) {
  auto c = customers.create({.name = "a"}).value();
  for (int i = 0; i < 3; ++i) {
    auto o = orders.create({.customerId = c.id}).value();
    ASSERT_TRUE(db.repo<OrderLine>().create({.orderId = o.id, .sku = "s", .qty = 1}));
  }
  auto n = orders.delete_all();
  ASSERT_TRUE(n) << n.error().message();
  EXPECT_EQ(*n, 3u);  // the cascaded lines are not counted
  EXPECT_EQ(db.size<Order>(), 0u);
  EXPECT_EQ(db.size<OrderLine>(), 0u);
  EXPECT_EQ(db.size<Customer>(), 1u);
  auto customers_gone = customers.delete_all();
  ASSERT_TRUE(customers_gone) << customers_gone.error().message();
  EXPECT_EQ(*customers_gone, 1u);
  EXPECT_EQ(db.size<Customer>(), 0u);
}

TEST_F(RepositoryWrite, DeleteAllBlockedByARestrictDeletesNothing) {
  auto a = customers.create({.name = "a"}).value();
  ASSERT_TRUE(customers.create({.name = "b"}));
  ASSERT_TRUE(orders.create({.customerId = a.id}));
  const store before = db;
  auto r = customers.delete_all();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::restrict_violation);
  EXPECT_TRUE(has(r.error().message(), "Customer")) << r.error().message();
  EXPECT_TRUE(db == before);
}

}  // namespace

}  // namespace repository_write_test
