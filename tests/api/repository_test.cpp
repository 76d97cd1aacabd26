// The per-model repository: keys, creates, reads, values, belongs_to, JSON
// (inserts, updates and deletes: repository_write_test.cpp).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "common/shop_schema.hpp"
#include "common/test_helpers.hpp"

namespace repository_test {

namespace {

using test::has;
using namespace shop;
using relstore::errc;
using relstore::field;

class Repository : public ::testing::Test {
 protected:
  store db;
  relstore::repository<schema, Customer> customers = db.repo<Customer>();
  relstore::repository<schema, Order> orders = db.repo<Order>();
  relstore::repository<schema, Employee> employees = db.repo<Employee>();
};

// ------------------------------------------------------------------ keys

// Storage hashes every key; every output promises key order anyway. 500 keys
// in a scrambled order (also past the size where sorting switches to
// (key, pointer) pairs), then deletions and string keys.
TEST_F(Repository, FindAndForEachReturnKeyOrderWhateverTheInsertOrder) {
  std::vector<std::int64_t> keys;
  for (std::int64_t i = 1; i <= 500; ++i) keys.push_back((i * 7919) % 1009);
  for (std::int64_t k : keys) ASSERT_TRUE(customers.create({.id = k, .name = "c"}));
  for (std::int64_t k : {keys[3], keys[100], keys[499]}) ASSERT_TRUE(customers.delete_by_id(k));
  std::vector<std::int64_t> expected = keys;
  std::sort(expected.begin(), expected.end());
  for (std::int64_t k : {keys[3], keys[100], keys[499]}) std::erase(expected, k);
  std::vector<std::int64_t> found, visited, unordered;
  for (const auto& r : customers.find().value()) found.push_back(r->id);
  db.for_each<Customer>([&](const Customer& c) { visited.push_back(c.id); });
  db.for_each_unordered<Customer>([&](const Customer& c) { unordered.push_back(c.id); });
  EXPECT_EQ(found, expected);
  EXPECT_EQ(visited, expected);
  std::sort(unordered.begin(), unordered.end());
  EXPECT_EQ(unordered, expected);  // the same entities, in some order
  auto limited = customers.find(relstore::filter<Customer>{}.skip(10).limit(3)).value();
  ASSERT_EQ(limited.size(), 3u);
  EXPECT_EQ(limited[0]->id, expected[10]);
  EXPECT_EQ(limited[2]->id, expected[12]);
  auto accounts = db.repo<Account>();
  for (const char* code : {"m", "b", "z", "a"}) ASSERT_TRUE(accounts.create({.code = code}));
  std::vector<std::string> sessions_keys;
  for (const char* t : {"t3", "t1", "t2"}) {
    ASSERT_TRUE(accounts.related<"sessions">("m").create({.token = t}));
  }
  for (const auto& r : accounts.related<"sessions">("m").find().value()) sessions_keys.push_back(r->token);
  EXPECT_EQ(sessions_keys, (std::vector<std::string>{"t1", "t2", "t3"}));
}

TEST_F(Repository, IntegerKeysAreAssignedIncreasingFromOne) {
  std::vector<std::int64_t> ids;
  for (const char* name : {"a", "b", "c", "d"}) {
    auto c = customers.create({.name = name});
    ASSERT_TRUE(c) << c.error().message();
    ids.push_back(c->id);
  }
  EXPECT_EQ(ids, (std::vector<std::int64_t>{1, 2, 3, 4}));
  for (std::int64_t id : ids) EXPECT_TRUE(customers.exists(id));
  EXPECT_EQ(customers.find_by_id(3).value().name, "c");
}

TEST_F(Repository, ExplicitKeysAreKeptAndTheNextAutomaticKeyGoesAboveTheLargest) {
  EXPECT_EQ(customers.create({.id = 40, .name = "a"}).value().id, 40);
  EXPECT_EQ(customers.create({.id = 7, .name = "b"}).value().id, 7);
  EXPECT_EQ(customers.create({.name = "c"}).value().id, 41);
  EXPECT_EQ(customers.create({.id = 100, .name = "d"}).value().id, 100);
  EXPECT_EQ(customers.create({.id = 50, .name = "e"}).value().id, 50);
  EXPECT_EQ(customers.create({.name = "f"}).value().id, 101);
  EXPECT_EQ(customers.find_by_id(7).value().name, "b");
  EXPECT_EQ(customers.find_by_id(101).value().name, "f");
  EXPECT_EQ(db.size<Customer>(), 6u);
}

TEST_F(Repository, ADuplicateExplicitKeyIsAlreadyExistsNamingModelAndKey) {
  auto first = customers.create({.id = 5, .name = "a"}).value();
  const store before = db;
  auto r = customers.create({.id = 5, .name = "b"});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::already_exists);
  EXPECT_TRUE(has(r.error().message(), "Customer")) << r.error().message();
  EXPECT_TRUE(has(r.error().message(), "5")) << r.error().message();
  EXPECT_TRUE(db == before);
  EXPECT_EQ(customers.find_by_id(5).value(), first);
  // An automatic key never collides with the taken one.
  EXPECT_EQ(customers.create({.name = "c"}).value().id, 6);
}

TEST_F(Repository, ARejectedCreateDoesNotConsumeAnAutomaticKey) {
  ASSERT_FALSE(orders.create({.customerId = 9}));
  auto c = customers.create({.name = "a"}).value();
  EXPECT_EQ(orders.create({.customerId = c.id}).value().id, 1);
}

TEST_F(Repository, StringPrimaryKeysAreKeptAndMustNotBeEmpty) {
  auto acct = db.repo<Account>().create({.code = "A"}).value();
  auto sessions = db.repo<Session>();
  auto t1 = sessions.create({.token = "t1", .accountCode = acct.code, .active = false});
  ASSERT_TRUE(t1) << t1.error().message();
  EXPECT_EQ(t1->token, "t1");
  EXPECT_TRUE(sessions.exists("t1"));
  EXPECT_EQ(sessions.find_by_id("t1").value(), (Session{.token = "t1", .accountCode = "A", .active = false}));

  const store before = db;
  auto dup = sessions.create({.token = "t1", .accountCode = acct.code});
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, errc::already_exists);
  EXPECT_TRUE(has(dup.error().message(), "Session")) << dup.error().message();
  EXPECT_TRUE(has(dup.error().message(), "\"t1\"")) << dup.error().message();

  auto empty = sessions.create({.token = "", .accountCode = acct.code});
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().code, errc::invalid_argument);
  EXPECT_TRUE(has(empty.error().message(), "Session")) << empty.error().message();
  EXPECT_TRUE(has(empty.error().message(), "token")) << empty.error().message();
  EXPECT_TRUE(db == before);
  EXPECT_FALSE(sessions.exists(""));
}

// ------------------------------------------------------------------ create

TEST_F(Repository, OptionalFieldsRoundTrip) {
  auto a = customers.create({.name = "a", .email = "a@x"}).value();
  auto b = customers.create({.name = "b", .email = std::nullopt}).value();
  EXPECT_EQ(a.email, "a@x");
  EXPECT_FALSE(b.email.has_value());
  EXPECT_EQ(customers.find_by_id(a.id).value().email, std::optional<std::string>("a@x"));
  EXPECT_FALSE(customers.find_by_id(b.id).value().email.has_value());
  EXPECT_EQ(customers.count(field(&Customer::email).is_null()).value(), 1u);

  auto set = customers.update_by_id(b.id, relstore::patch<Customer>{}.set(&Customer::email, "b@x"));
  ASSERT_TRUE(set) << set.error().message();
  EXPECT_EQ(customers.find_by_id(b.id).value().email, std::optional<std::string>("b@x"));
  auto cleared = customers.update_by_id(a.id, relstore::patch<Customer>{}.set(&Customer::email, relstore::null));
  ASSERT_TRUE(cleared) << cleared.error().message();
  EXPECT_FALSE(customers.find_by_id(a.id).value().email.has_value());
  // An empty string is a value, not null.
  auto blank = customers.create({.name = "c", .email = ""}).value();
  ASSERT_TRUE(customers.find_by_id(blank.id).value().email.has_value());
  EXPECT_EQ(*customers.find_by_id(blank.id).value().email, "");
}

TEST_F(Repository, CreateAllReturnsEveryEntityWithItsKey) {
  auto all = customers.create_all({Customer{.name = "a"}, Customer{.name = "b", .email = "b@x"},
                                   Customer{.id = 10, .name = "c"}, Customer{.name = "d"}});
  ASSERT_TRUE(all) << all.error().message();
  ASSERT_EQ(all->size(), 4u);
  EXPECT_EQ((*all)[0].id, 1);
  EXPECT_EQ((*all)[1].id, 2);
  EXPECT_EQ((*all)[2].id, 10);
  EXPECT_EQ((*all)[3].id, 11);
  EXPECT_EQ((*all)[1].email, "b@x");
  for (const auto& c : *all) EXPECT_EQ(customers.find_by_id(c.id).value(), c);
  EXPECT_EQ(db.size<Customer>(), 4u);
  auto none = customers.create_all({});
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
}

TEST_F(Repository, CreateAllWhoseElement499IsBadCreatesNothing) {
  auto c = customers.create({.name = "a"}).value();
  std::vector<Order> batch(600, Order{.customerId = c.id, .total = 1});
  batch[499].customerId = 12345;
  const store before = db;
  auto r = orders.create_all(batch);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::foreign_key_violation);
  EXPECT_TRUE(has(r.error().message(), "element 499")) << r.error().message();
  EXPECT_TRUE(has(r.error().message(), "12345")) << r.error().message();
  EXPECT_TRUE(has(r.error().message(), "customerId")) << r.error().message();
  EXPECT_TRUE(db == before);
  EXPECT_EQ(db.size<Order>(), 0u);
  EXPECT_EQ(orders.create({.customerId = c.id}).value().id, 1) << "keys of the rolled-back batch were consumed";
}

TEST_F(Repository, CreateAllRowMayReferenceAnEarlierRowOfTheBatch) {
  auto ok = employees.create_all({Employee{.id = 1, .name = "root"}, Employee{.id = 2, .name = "mid", .managerId = 1},
                                  Employee{.id = 3, .name = "leaf", .managerId = 2}});
  ASSERT_TRUE(ok) << ok.error().message();
  EXPECT_EQ(db.size<Employee>(), 3u);
  EXPECT_EQ(employees.belongs_to<"manager">(3).value().name, "mid");
  EXPECT_EQ(employees.belongs_to<"manager">(2).value().name, "root");
  // With automatic keys too: the earlier row's key is known once it is created.
  auto boss = employees.create({.name = "boss"}).value();
  auto chain = employees.create_all({Employee{.name = "x", .managerId = boss.id}, Employee{.name = "y"},
                                     Employee{.name = "z", .managerId = boss.id + 1}});
  ASSERT_TRUE(chain) << chain.error().message();
  EXPECT_EQ((*chain)[2].managerId, (*chain)[0].id);
}

TEST_F(Repository, CreateAllRowMayReferenceItself) {
  auto ok = employees.create_all({Employee{.id = 3, .name = "self", .managerId = 3}});
  ASSERT_TRUE(ok) << ok.error().message();
  EXPECT_EQ(employees.belongs_to<"manager">(3).value().name, "self");
  auto single = employees.create({.id = 4, .name = "me", .managerId = 4});
  ASSERT_TRUE(single) << single.error().message();
  EXPECT_EQ(single->managerId, 4);
}

TEST_F(Repository, CreateAllRowMayNotReferenceALaterRow) {
  ASSERT_TRUE(employees.create({.id = 1, .name = "root"}));
  const store before = db;
  auto later =
      employees.create_all({Employee{.id = 9, .name = "ok", .managerId = 1},
                            Employee{.id = 10, .name = "x", .managerId = 11}, Employee{.id = 11, .name = "y"}});
  ASSERT_FALSE(later);
  EXPECT_EQ(later.error().code, errc::foreign_key_violation);
  EXPECT_TRUE(has(later.error().message(), "element 1")) << later.error().message();
  EXPECT_TRUE(has(later.error().message(), "managerId")) << later.error().message();
  EXPECT_TRUE(has(later.error().message(), "11")) << later.error().message();
  EXPECT_TRUE(db == before);
  EXPECT_FALSE(employees.exists(9));
  EXPECT_FALSE(employees.exists(11));
}

TEST_F(Repository, CreateAllReportsTheFirstBadRow) {
  auto c = customers.create({.name = "a"}).value();
  const store before = db;
  auto r = orders.create_all({Order{.customerId = c.id}, Order{.customerId = 77}, Order{.id = 1, .customerId = c.id}});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::foreign_key_violation);
  EXPECT_TRUE(has(r.error().message(), "element 1")) << r.error().message();
  EXPECT_TRUE(db == before);
}

TEST_F(Repository, ADuplicateKeyIsReportedBeforeADanglingForeignKey) {
  auto c = customers.create({.name = "a"}).value();
  ASSERT_TRUE(orders.create({.id = 1, .customerId = c.id}));
  const store before = db;
  auto r = orders.create({.id = 1, .customerId = 999});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::already_exists);
  EXPECT_TRUE(has(r.error().message(), "Order")) << r.error().message();
  auto batch = orders.create_all({Order{.customerId = c.id}, Order{.id = 1, .customerId = 999}});
  ASSERT_FALSE(batch);
  EXPECT_EQ(batch.error().code, errc::already_exists);
  EXPECT_TRUE(has(batch.error().message(), "element 1")) << batch.error().message();
  EXPECT_TRUE(db == before);
}

// ------------------------------------------------------------------ reads

TEST_F(Repository, FindOneWithNoMatchIsNotFound) {
  ASSERT_TRUE(customers.create({.name = "z"}));
  auto one = customers.find_one(relstore::filter<Customer>{}.where(field(&Customer::name) == "nobody"));
  ASSERT_FALSE(one);
  EXPECT_EQ(one.error().code, errc::not_found);
  EXPECT_TRUE(has(one.error().message(), "Customer")) << one.error().message();
  auto found = customers.find_one(relstore::filter<Customer>{}.where(field(&Customer::name) == "z"));
  ASSERT_TRUE(found) << found.error().message();
  EXPECT_EQ((*found)->name, "z");
}

TEST_F(Repository, FindByIdOfAMissingKeyIsNotFoundNamingModelAndKey) {
  ASSERT_TRUE(customers.create({.name = "z"}));
  auto id = customers.find_by_id(77);
  ASSERT_FALSE(id);
  EXPECT_EQ(id.error().code, errc::not_found);
  EXPECT_TRUE(has(id.error().message(), "Customer")) << id.error().message();
  EXPECT_TRUE(has(id.error().message(), "77")) << id.error().message();
  auto with_filter = customers.find_by_id(77, relstore::filter<Customer>{}.include("orders"));
  ASSERT_FALSE(with_filter);
  EXPECT_EQ(with_filter.error().code, errc::not_found);
  auto session = db.repo<Session>().find_by_id("nope");
  ASSERT_FALSE(session);
  EXPECT_EQ(session.error().code, errc::not_found);
  EXPECT_TRUE(has(session.error().message(), "\"nope\"")) << session.error().message();
}

TEST_F(Repository, ExistsReportsWhetherAKeyIsPresent) {
  EXPECT_FALSE(customers.exists(1));
  auto c = customers.create({.name = "a"}).value();
  EXPECT_TRUE(customers.exists(c.id));
  EXPECT_FALSE(customers.exists(c.id + 1));
  ASSERT_TRUE(customers.delete_by_id(c.id));
  EXPECT_FALSE(customers.exists(c.id));
}

TEST_F(Repository, CountWithTypedAndJsonWhere) {
  for (int i = 0; i < 6; ++i) ASSERT_TRUE(customers.create({.name = "n" + std::to_string(i)}));
  EXPECT_EQ(customers.count().value(), 6u);
  auto typed = customers.count(field(&Customer::id) > std::int64_t{2});
  ASSERT_TRUE(typed) << typed.error().message();
  EXPECT_EQ(*typed, 4u);
  EXPECT_EQ(customers.count(field(&Customer::name).inq({"n1", "n4", "zz"})).value(), 2u);
  auto json = customers.count(R"({"id":{"lte":2}})");
  ASSERT_TRUE(json) << json.error().message();
  EXPECT_EQ(*json, 2u);
  EXPECT_EQ(customers.count(R"({"or":[{"name":"n0"},{"name":"n5"}]})").value(), 2u);
  auto bad = customers.count(R"({"id":{"lte":"2"}})");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, errc::invalid_filter);
}

// ------------------------------------------------------------------ values

TEST_F(Repository, DoublesKeepTheirExactValue) {
  auto c = customers.create({.name = "a"}).value();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double tiny = std::numeric_limits<double>::denorm_min();
  auto neg = orders.create({.customerId = c.id, .total = -0.0}).value();
  auto pos = orders.create({.customerId = c.id, .total = 0.0}).value();
  auto nn = orders.create({.customerId = c.id, .total = nan}).value();
  auto small = orders.create({.customerId = c.id, .total = tiny}).value();
  EXPECT_TRUE(std::signbit(neg.total));
  EXPECT_TRUE(std::isnan(nn.total));

  EXPECT_TRUE(std::signbit(orders.find_by_id(neg.id).value().total));
  EXPECT_FALSE(std::signbit(orders.find_by_id(pos.id).value().total));
  EXPECT_TRUE(std::isnan(orders.find_by_id(nn.id).value().total));
  EXPECT_EQ(orders.find_by_id(small.id).value().total, tiny);

  auto rows = orders.find().value();
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_TRUE(std::signbit(rows[0]->total));
  EXPECT_TRUE(std::isnan(rows[2]->total));

  auto batch = orders.create_all({Order{.customerId = c.id, .total = -0.0}, Order{.customerId = c.id, .total = nan}});
  ASSERT_TRUE(batch) << batch.error().message();
  EXPECT_TRUE(std::signbit(orders.find_by_id((*batch)[0].id).value().total));
  EXPECT_TRUE(std::isnan(orders.find_by_id((*batch)[1].id).value().total));

  auto patched = orders.update_by_id(pos.id, relstore::patch<Order>{}.set(&Order::total, -0.0));
  ASSERT_TRUE(patched) << patched.error().message();
  EXPECT_TRUE(std::signbit(orders.find_by_id(pos.id).value().total));
  auto patched_nan = orders.update_by_id(small.id, relstore::patch<Order>{}.set(&Order::total, nan));
  ASSERT_TRUE(patched_nan) << patched_nan.error().message();
  EXPECT_TRUE(std::isnan(orders.find_by_id(small.id).value().total));

  // A copy of the store compares equal (bitwise), and -0.0 differs from 0.0.
  const store copy = db;
  EXPECT_TRUE(db == copy);
  ASSERT_TRUE(orders.update_by_id(neg.id, relstore::patch<Order>{}.set(&Order::total, 0.0)));
  EXPECT_FALSE(db == copy);
}

// ------------------------------------------------------------------ belongs_to

TEST_F(Repository, BelongsToReturnsTheParent) {
  auto a = customers.create({.name = "a"}).value();
  auto b = customers.create({.name = "b"}).value();
  auto oa = orders.create({.customerId = a.id}).value();
  auto ob = orders.create({.customerId = b.id}).value();
  auto pa = orders.belongs_to<"customer">(oa.id);
  ASSERT_TRUE(pa) << pa.error().message();
  EXPECT_EQ(*pa, a);
  EXPECT_EQ(orders.belongs_to<"customer">(ob.id).value(), b);
  auto coupon = db.repo<Coupon>().create({.label = "C"}).value();
  auto oc = orders.create({.customerId = a.id, .couponId = coupon.id}).value();
  EXPECT_EQ(orders.belongs_to<"coupon">(oc.id).value(), coupon);
}

TEST_F(Repository, BelongsToOfAMissingChildIsNotFound) {
  ASSERT_TRUE(customers.create({.name = "a"}));
  auto r = orders.belongs_to<"customer">(99);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::not_found);
  EXPECT_TRUE(has(r.error().message(), "Order")) << r.error().message();
  EXPECT_TRUE(has(r.error().message(), "99")) << r.error().message();
}

TEST_F(Repository, BelongsToWithANullOptionalForeignKeyIsNotFound) {
  auto c = customers.create({.name = "a"}).value();
  auto o = orders.create({.customerId = c.id}).value();
  ASSERT_FALSE(o.couponId.has_value());
  auto r = orders.belongs_to<"coupon">(o.id);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::not_found);
  EXPECT_TRUE(has(r.error().message(), "couponId")) << r.error().message();
  EXPECT_TRUE(has(r.error().message(), "null")) << r.error().message();
}

// ------------------------------------------------------------------ JSON

TEST_F(Repository, ToJsonOfARowContainsFieldNamesAndValues) {
  auto c = customers.create({.name = "q\"uote", .email = std::nullopt}).value();
  auto o = orders.create({.customerId = c.id, .total = 12.5, .note = "gift"}).value();
  auto crow = customers.find_one().value();
  EXPECT_EQ(crow.to_json(), R"({"id":1,"name":"q\"uote","email":null})");
  const std::string j = orders.find_one().value().to_json();
  EXPECT_TRUE(has(j, "\"id\":" + std::to_string(o.id))) << j;
  EXPECT_TRUE(has(j, "\"customerId\":" + std::to_string(c.id))) << j;
  EXPECT_TRUE(has(j, "\"total\":12.5")) << j;
  EXPECT_TRUE(has(j, "\"note\":\"gift\"")) << j;
  EXPECT_TRUE(has(j, "\"couponId\":null")) << j;
}

TEST_F(Repository, CreateJsonBuildsAnEntityAndRejectsUnknownFields) {
  auto c = customers.create_json(R"({"name":"J","email":"j@x"})");
  ASSERT_TRUE(c) << c.error().message();
  EXPECT_EQ(*c, (Customer{.id = 1, .name = "J", .email = "j@x"}));
  EXPECT_EQ(customers.find_by_id(1).value(), *c);
  const store before = db;
  auto bad = customers.create_json(R"({"name":"J","extra":1})");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, errc::invalid_argument);
  EXPECT_TRUE(has(bad.error().message(), "\"extra\"")) << bad.error().message();
  auto not_json = customers.create_json("{name:");
  ASSERT_FALSE(not_json);
  EXPECT_EQ(not_json.error().code, errc::invalid_argument);
  EXPECT_TRUE(db == before);
}

TEST_F(Repository, IteratingATemporaryResultIsSafe) {
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(customers.create({.name = "n"}));
  std::int64_t sum = 0;
  // value() on a temporary returns by value, so this does not dangle.
  for (const auto& r : customers.find().value()) sum += r->id;
  EXPECT_EQ(sum, 1 + 2 + 3);
}

}  // namespace

}  // namespace repository_test
