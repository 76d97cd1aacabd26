// include: has_many and belongs_to, scopes applied per parent, nesting,
// find_by_id and to_json. Invalid includes: include_invalid_test.
#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <string>
#include <type_traits>
#include <vector>

#include "api/include_fixture.hpp"
#include "common/shop_schema.hpp"

namespace include_test {

namespace {

using namespace shop;
using include_fixture::ids_t;
using include_fixture::Include;
using relstore::errc;
using relstore::field;
using relstore::filter;

// ------------------------------------------------------------ has_many

TEST_F(Include, HasManyGivesEachParentExactlyItsChildrenInKeyOrder) {
  auto rows = customers.find(filter<Customer>{}.include("orders"));
  ASSERT_TRUE(rows) << rows.error().message();
  ASSERT_EQ(rows->size(), 4u);
  for (const auto& r : *rows) {
    ASSERT_TRUE(r.has("orders"));
    EXPECT_EQ(ids(r.many<Order>("orders")), orders_of(r->id)) << "customer " << r->id;
    for (const auto& o : r.many<Order>("orders")) EXPECT_EQ(o->customerId, r->id);
  }
  EXPECT_EQ(ids(rows->front().many<Order>("orders")).size(), 5u);
}

TEST_F(Include, HasManyChildrenAreCompleteEntities) {
  auto rows =
      customers.find(filter<Customer>{}.where(field(&Customer::id) == customer_ids[1]).include("orders")).value();
  ASSERT_EQ(rows.size(), 1u);
  for (const auto& o : rows[0].many<Order>("orders")) {
    EXPECT_EQ(o.value, db.repo<Order>().find_by_id(o->id).value());
  }
}

TEST_F(Include, AParentWithoutChildrenGetsAnEmptyList) {
  auto typed = customers.find(filter<Customer>{}.where(field(&Customer::id) == lonely_id).include("orders")).value();
  auto json = customers.find(R"({"where":{"name":"lonely"},"include":["orders"]})").value();
  for (const auto* rows : {&typed, &json}) {
    ASSERT_EQ(rows->size(), 1u);
    EXPECT_TRUE((*rows)[0].has("orders")) << "the relation is present, not missing";
    EXPECT_TRUE((*rows)[0].many<Order>("orders").empty());
    EXPECT_NE((*rows)[0].to_json().find(R"("orders":[])"), std::string::npos) << (*rows)[0].to_json();
  }
}

TEST_F(Include, ScopeWhereFiltersEachParentsChildren) {
  auto rows =
      customers.find(filter<Customer>{}.include("orders", filter<Order>{}.where(field(&Order::total) > 20.0))).value();
  ASSERT_EQ(rows.size(), 4u);
  for (const auto& r : rows) {
    EXPECT_EQ(ids(r.many<Order>("orders")), orders_of(r->id, [](const Order& o) { return o.total > 20.0; }))
        << "customer " << r->id;
  }
  EXPECT_EQ(rows[0].many<Order>("orders").size(), 2u) << "c0 has totals 30 and 40 above 20";
  EXPECT_EQ(rows[1].many<Order>("orders").size(), 3u) << "c1 has totals 21, 31 and 41 above 20";
}

TEST_F(Include, ScopeOrderDescendingAppliesPerParent) {
  auto rows = customers.find(filter<Customer>{}.include("orders", filter<Order>{}.order(&Order::total, relstore::desc)))
                  .value();
  for (const auto& r : rows) {
    EXPECT_EQ(ids(r.many<Order>("orders")), reversed(orders_of(r->id))) << "customer " << r->id;
  }
  auto json = customers.find(R"({"include":[{"relation":"orders","scope":{"order":"total DESC"}}]})").value();
  ASSERT_EQ(json.size(), rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) EXPECT_EQ(json[i].to_json(), rows[i].to_json());
}

TEST_F(Include, ScopeLimitAppliesPerParentNotOverall) {
  auto rows = customers.find(filter<Customer>{}.include("orders", filter<Order>{}.limit(2))).value();
  ASSERT_EQ(rows.size(), 4u);
  for (std::size_t c = 0; c < 3; ++c) {
    const auto& kids = rows[c].many<Order>("orders");
    ASSERT_EQ(kids.size(), 2u) << "customer " << rows[c]->id;
    EXPECT_EQ(ids(kids), slice(orders_of(rows[c]->id), 0, 2));
    for (const auto& o : kids) EXPECT_EQ(o->customerId, rows[c]->id) << "each parent gets its own";
  }
  EXPECT_TRUE(rows[3].many<Order>("orders").empty());
  auto json = customers.find(R"({"include":[{"relation":"orders","scope":{"limit":2}}]})").value();
  for (std::size_t i = 0; i < rows.size(); ++i) EXPECT_EQ(json[i].to_json(), rows[i].to_json());
}

TEST_F(Include, ScopeSkipAppliesPerParent) {
  auto rows = customers.find(filter<Customer>{}.include("orders", filter<Order>{}.skip(3))).value();
  for (std::size_t c = 0; c < 3; ++c) {
    EXPECT_EQ(ids(rows[c].many<Order>("orders")), slice(orders_of(rows[c]->id), 3, 5)) << "customer " << rows[c]->id;
    EXPECT_EQ(rows[c].many<Order>("orders").size(), 2u);
  }
  auto paged = customers
                   .find(filter<Customer>{}.include(
                       "orders", filter<Order>{}.order(&Order::total, relstore::desc).skip(1).limit(2)))
                   .value();
  for (std::size_t c = 0; c < 3; ++c) {
    EXPECT_EQ(ids(paged[c].many<Order>("orders")), slice(reversed(orders_of(paged[c]->id)), 1, 2));
  }
}

TEST_F(Include, ScopeLimitZeroGivesEveryParentAnEmptyList) {
  auto typed = customers.find(filter<Customer>{}.include("orders", filter<Order>{}.limit(0))).value();
  auto json = customers.find(R"({"include":[{"relation":"orders","scope":{"limit":0}}]})").value();
  for (const auto* rows : {&typed, &json}) {
    ASSERT_EQ(rows->size(), 4u);
    for (const auto& r : *rows) {
      EXPECT_TRUE(r.has("orders"));
      EXPECT_TRUE(r.many<Order>("orders").empty());
    }
  }
}

TEST_F(Include, ScopeFieldsProjectTheChildren) {
  const std::int64_t c1 = customer_ids[1];
  auto rows = customers
                  .find(filter<Customer>{}
                            .where(field(&Customer::id) == c1)
                            .include("orders", filter<Order>{}.fields(&Order::id, &Order::total)))
                  .value();
  ASSERT_EQ(rows.size(), 1u);
  const auto& kids = rows[0].many<Order>("orders");
  EXPECT_EQ(ids(kids), orders_of(c1));
  for (const auto& o : kids) {
    EXPECT_EQ(o->customerId, 0) << "not selected";
    EXPECT_EQ(o->note, "");
    const Order stored = db.repo<Order>().find_by_id(o->id).value();
    EXPECT_EQ(o->total, stored.total);
    EXPECT_EQ(o.to_json(), R"({"id":)" + std::to_string(stored.id) + R"(,"total":)" +
                               std::to_string(static_cast<int>(stored.total)) + "}");
  }
  auto json = customers
                  .find(R"({"where":{"id":)" + std::to_string(c1) +
                        R"(},"include":[{"relation":"orders","scope":{"fields":["id","total"]}}]})")
                  .value();
  ASSERT_EQ(json.size(), 1u);
  EXPECT_EQ(json[0].to_json(), rows[0].to_json());
}

// ------------------------------------------------------------ nesting

TEST_F(Include, NestsTwoLevelsWithTheBuilder) {
  auto rows = customers.find(filter<Customer>{}.include("orders", filter<Order>{}.include("lines"))).value();
  ASSERT_EQ(rows.size(), 4u);
  std::size_t lines_seen = 0;
  for (const auto& c : rows) {
    const auto& orders = c.many<Order>("orders");
    EXPECT_EQ(ids(orders), orders_of(c->id));
    for (const auto& o : orders) {
      ASSERT_TRUE(o.has("lines"));
      const auto& lines = o.many<OrderLine>("lines");
      EXPECT_EQ(ids(lines), lines_of(o->id)) << "order " << o->id;
      for (const auto& l : lines) EXPECT_EQ(l->orderId, o->id);
      lines_seen += lines.size();
    }
  }
  EXPECT_EQ(lines_seen, db.size<OrderLine>());
}

TEST_F(Include, NestsTwoLevelsWithJsonAsTheBuilderDoes) {
  auto typed = customers.find(filter<Customer>{}.include("orders", filter<Order>{}.include("lines"))).value();
  auto json = customers.find(R"({"include":[{"relation":"orders","scope":{"include":["lines"]}}]})");
  ASSERT_TRUE(json) << json.error().message();
  ASSERT_EQ(json->size(), typed.size());
  for (std::size_t i = 0; i < typed.size(); ++i) {
    EXPECT_EQ((*json)[i].to_json(), typed[i].to_json());
    for (const auto& o : (*json)[i].many<Order>("orders")) EXPECT_EQ(ids(o.many<OrderLine>("lines")), lines_of(o->id));
  }
}

TEST_F(Include, NestedScopesApplyAtTheirOwnLevel) {
  const std::int64_t c0 = customer_ids[0];
  auto rows = customers
                  .find(R"({"where":{"id":)" + std::to_string(c0) +
                        R"(},"include":[{"relation":"orders","scope":{"limit":1,)"
                        R"("include":[{"relation":"lines","scope":{"order":"id DESC","limit":1}}]}}]})")
                  .value();
  ASSERT_EQ(rows.size(), 1u);
  const auto& orders = rows[0].many<Order>("orders");
  ASSERT_EQ(orders.size(), 1u);
  EXPECT_EQ(orders[0]->id, orders_of(c0).front());
  EXPECT_EQ(ids(orders[0].many<OrderLine>("lines")), ids_t{lines_of(orders[0]->id).back()});
}

// ------------------------------------------------------------ belongs_to

TEST_F(Include, BelongsToGivesEachOrderItsCustomer) {
  auto typed = db.repo<Order>().find(filter<Order>{}.include("customer")).value();
  auto json = db.repo<Order>().find(R"({"include":["customer"]})").value();
  for (const auto* rows : {&typed, &json}) {
    ASSERT_EQ(rows->size(), db.size<Order>());
    for (const auto& o : *rows) {
      const relstore::row<Customer>* c = o.one<Customer>("customer");
      ASSERT_NE(c, nullptr) << "order " << o->id;
      EXPECT_EQ((*c)->id, o->customerId);
      EXPECT_EQ(c->value, customers.find_by_id(o->customerId).value());
    }
  }
}

TEST_F(Include, AnOptionalBelongsToIsNullForANullKey) {
  auto rows = db.repo<Order>().find(filter<Order>{}.include("coupon")).value();
  std::size_t with = 0, without = 0;
  for (const auto& o : rows) {
    ASSERT_TRUE(o.has("coupon"));
    const relstore::row<Coupon>* c = o.one<Coupon>("coupon");
    if (o->couponId) {
      ++with;
      ASSERT_NE(c, nullptr) << "order " << o->id;
      EXPECT_EQ((*c)->id, *o->couponId);
      EXPECT_EQ((*c)->label, "C");
    } else {
      ++without;
      EXPECT_EQ(c, nullptr) << "order " << o->id;
      EXPECT_NE(o.to_json().find(R"("coupon":null)"), std::string::npos) << o.to_json();
    }
  }
  EXPECT_EQ(with, 3u);
  EXPECT_EQ(without, 12u);
}

TEST_F(Include, AHasManyThroughAnOptionalKeyIncludesOnlyItsChildren) {
  auto spare = db.repo<Coupon>().create({.label = "unused"}).value();
  auto rows = db.repo<Coupon>().find(R"({"include":["orders"]})");
  ASSERT_TRUE(rows) << rows.error().message();
  ASSERT_EQ(rows->size(), 2u);
  ids_t with_coupon;
  db.for_each<Order>([&](const Order& o) {
    if (o.couponId == coupon_id) with_coupon.push_back(o.id);
  });
  ASSERT_EQ(with_coupon.size(), 3u);
  EXPECT_EQ(ids((*rows)[0].many<Order>("orders")), with_coupon) << "orders with a null couponId belong to no coupon";
  EXPECT_EQ((*rows)[1]->id, spare.id);
  EXPECT_TRUE((*rows)[1].many<Order>("orders").empty());
}

TEST_F(Include, BelongsToScopeFieldsProjectTheParent) {
  auto rows = db.repo<Order>()
                  .find(R"({"where":{"id":2},"include":[{"relation":"customer","scope":{"fields":["name"]}}]})")
                  .value();
  ASSERT_EQ(rows.size(), 1u);
  const relstore::row<Customer>* c = rows[0].one<Customer>("customer");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->to_json(), R"({"name":")" + customers.find_by_id(rows[0]->customerId).value().name + R"("})");
}

// ------------------------------------------------------------ self relation and key_from

TEST_F(Include, ASelfRelationIncludesReportsAndManager) {
  auto employees = db.repo<Employee>();
  auto boss = employees.create({.name = "boss"}).value();
  auto a = employees.related<"reports">(boss.id).create({.name = "a"}).value();
  auto b = employees.related<"reports">(boss.id).create({.name = "b"}).value();
  auto c = employees.related<"reports">(a.id).create({.name = "c"}).value();
  auto rows = employees.find(R"({"include":["reports","manager"]})");
  ASSERT_TRUE(rows) << rows.error().message();
  ASSERT_EQ(rows->size(), 4u);
  const auto& r = *rows;
  EXPECT_EQ(ids(r[0].many<Employee>("reports")), (ids_t{a.id, b.id}));
  EXPECT_EQ(r[0].one<Employee>("manager"), nullptr) << "the boss has no manager";
  EXPECT_EQ(ids(r[1].many<Employee>("reports")), (ids_t{c.id}));
  ASSERT_NE(r[1].one<Employee>("manager"), nullptr);
  EXPECT_EQ(r[1].one<Employee>("manager")->value, boss);
  EXPECT_TRUE(r[2].many<Employee>("reports").empty());
  ASSERT_NE(r[2].one<Employee>("manager"), nullptr);
  EXPECT_EQ(r[2].one<Employee>("manager")->value.id, boss.id);
  ASSERT_NE(r[3].one<Employee>("manager"), nullptr);
  EXPECT_EQ(r[3].one<Employee>("manager")->value.id, a.id);
}

TEST_F(Include, ASelfRelationNestsThroughItself) {
  auto employees = db.repo<Employee>();
  auto boss = employees.create({.name = "boss"}).value();
  auto a = employees.related<"reports">(boss.id).create({.name = "a"}).value();
  auto c = employees.related<"reports">(a.id).create({.name = "c"}).value();
  auto rows = employees
                  .find(filter<Employee>{}
                            .where(field(&Employee::id) == boss.id)
                            .include("reports", filter<Employee>{}.include("reports").include("manager")))
                  .value();
  ASSERT_EQ(rows.size(), 1u);
  const auto& first = rows[0].many<Employee>("reports");
  ASSERT_EQ(ids(first), (ids_t{a.id}));
  EXPECT_EQ(ids(first[0].many<Employee>("reports")), (ids_t{c.id}));
  ASSERT_NE(first[0].one<Employee>("manager"), nullptr);
  EXPECT_EQ(first[0].one<Employee>("manager")->value.id, boss.id);
}

TEST_F(Include, ARelationWithANonPrimaryKeyFromIncludesBothWays) {
  auto accounts = db.repo<Account>();
  auto z = accounts.create({.code = "Z"}).value();
  auto y = accounts.create({.code = "Y"}).value();
  auto x = accounts.create({.code = "X"}).value();
  ASSERT_TRUE(accounts.related<"sessions">("Z").create({.token = "t3"}));
  ASSERT_TRUE(accounts.related<"sessions">("Y").create({.token = "t2"}));
  ASSERT_TRUE(accounts.related<"sessions">("Z").create({.token = "t1"}));
  auto rows = accounts.find(R"({"include":["sessions"]})");
  ASSERT_TRUE(rows) << rows.error().message();
  ASSERT_EQ(rows->size(), 3u);
  auto tokens = [](const relstore::rows<Session>& s) {
    std::vector<std::string> out;
    for (const auto& r : s) out.push_back(r->token);
    return out;
  };
  EXPECT_EQ((*rows)[0]->id, z.id);
  EXPECT_EQ(tokens((*rows)[0].many<Session>("sessions")), (std::vector<std::string>{"t1", "t3"}))
      << "in key (token) order";
  EXPECT_EQ(tokens((*rows)[1].many<Session>("sessions")), (std::vector<std::string>{"t2"}));
  EXPECT_EQ((*rows)[2]->id, x.id);
  EXPECT_TRUE((*rows)[2].many<Session>("sessions").empty());

  auto sessions = db.repo<Session>().find(filter<Session>{}.include("account")).value();
  ASSERT_EQ(sessions.size(), 3u);
  for (const auto& s : sessions) {
    const relstore::row<Account>* acct = s.one<Account>("account");
    ASSERT_NE(acct, nullptr) << s->token;
    EXPECT_EQ((*acct)->code, s->accountCode);
  }
  EXPECT_EQ(sessions[1].one<Account>("account")->value.id, y.id) << "t2 belongs to Y";
}

// ------------------------------------------------------------ find_by_id and to_json

TEST_F(Include, FindByIdWithInclude) {
  const std::int64_t c2 = customer_ids[2];
  auto c = customers.find_by_id(c2, filter<Customer>{}.include("orders", filter<Order>{}.include("lines")));
  ASSERT_TRUE(c) << c.error().message();
  EXPECT_EQ((*c)->id, c2);
  EXPECT_EQ(ids(c->many<Order>("orders")), orders_of(c2));
  for (const auto& o : c->many<Order>("orders")) EXPECT_EQ(ids(o.many<OrderLine>("lines")), lines_of(o->id));

  const std::int64_t order_id = orders_of(c2).back();
  auto o = db.repo<Order>().find_by_id(order_id, filter<Order>{}.include("lines").include("customer"));
  ASSERT_TRUE(o) << o.error().message();
  EXPECT_EQ(ids(o->many<OrderLine>("lines")), lines_of(order_id));
  ASSERT_NE(o->one<Customer>("customer"), nullptr);
  EXPECT_EQ(o->one<Customer>("customer")->value.id, c2);

  auto missing = db.repo<Order>().find_by_id(9999, filter<Order>{}.include("lines"));
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, errc::not_found);
  auto unknown = db.repo<Order>().find_by_id(order_id, filter<Order>{}.include("nope"));
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, errc::invalid_filter);
}

TEST_F(Include, ToJsonContainsIncludedListsAndNestedObjects) {
  const std::int64_t c0 = customer_ids[0];
  const std::int64_t first_order = orders_of(c0).front();
  const Order o = db.repo<Order>().find_by_id(first_order).value();
  const ids_t lines = lines_of(first_order);
  ASSERT_EQ(lines.size(), 2u);
  std::string expected_lines;
  for (std::int64_t id : lines) {
    const OrderLine l = db.repo<OrderLine>().find_by_id(id).value();
    expected_lines += std::string(expected_lines.empty() ? "" : ",") + R"({"sku":")" + l.sku + R"("})";
  }
  auto rows = customers
                  .find(R"({"where":{"id":)" + std::to_string(c0) +
                        R"(},"include":[{"relation":"orders","scope":{"fields":["id","note"],"limit":1,)"
                        R"("include":[{"relation":"lines","scope":{"fields":["sku"]}}]}}]})")
                  .value();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].to_json(), R"({"id":)" + std::to_string(c0) + R"(,"name":"c0","email":null,"orders":[{"id":)" +
                                   std::to_string(o.id) + R"(,"note":")" + o.note + R"(","lines":[)" + expected_lines +
                                   "]}]}");

  auto order = db.repo<Order>()
                   .find_by_id(first_order, filter<Order>{}
                                                .fields(&Order::id)
                                                .include("customer", filter<Customer>{}.fields(&Customer::name))
                                                .include("coupon"))
                   .value();
  EXPECT_EQ(order.to_json(), R"({"id":)" + std::to_string(o.id) + R"(,"customer":{"name":"c0"},"coupon":{"id":)" +
                                 std::to_string(coupon_id) + R"(,"label":"C"}})");
  const std::int64_t no_coupon = orders_of(c0).back();
  auto plain = db.repo<Order>().find_by_id(no_coupon, filter<Order>{}.fields(&Order::id).include("coupon")).value();
  EXPECT_EQ(plain.to_json(), R"({"id":)" + std::to_string(no_coupon) + R"(,"coupon":null})");
}

TEST_F(Include, IncludedRowsAreCopiesThatOutliveLaterWrites) {
  auto rows = customers.find(filter<Customer>{}.include("orders", filter<Order>{}.include("lines"))).value();
  const std::string before = rows[0].to_json();
  ASSERT_TRUE(db.repo<Customer>().related<"orders">(customer_ids[0]).delete_all());
  EXPECT_TRUE(orders_of(customer_ids[0]).empty());
  EXPECT_EQ(rows[0].to_json(), before);
  EXPECT_EQ(rows[0].many<Order>("orders").size(), 5u);
}

// The compile-time forms: include<"orders">() and many<"orders">() name the
// same relations as the strings, and many<> deduces the row type.
TEST_F(Include, TemplateNamesIncludeTheSameRowsAsStrings) {
  auto typed = customers.find(filter<Customer>{}.include<"orders">(filter<Order>{}.include<"lines">())).value();
  auto named = customers.find(filter<Customer>{}.include("orders", filter<Order>{}.include("lines"))).value();
  ASSERT_EQ(typed.size(), named.size());
  for (std::size_t i = 0; i < typed.size(); ++i) {
    const auto& a = typed[i].many<"orders">();
    const auto& b = named[i].many<Order>("orders");
    static_assert(std::is_same_v<std::remove_cvref_t<decltype(a)>, relstore::rows<Order>>);
    ASSERT_EQ(a.size(), b.size());
    for (std::size_t j = 0; j < a.size(); ++j) {
      EXPECT_EQ(a[j]->id, b[j]->id);
      EXPECT_EQ(a[j].many<"lines">().size(), b[j].many<OrderLine>("lines").size());
    }
  }
  EXPECT_EQ(typed.back().many<"orders">().size(), 0u) << "the lonely customer has an empty list";
  auto orders = db.repo<Order>().find(filter<Order>{}.include<"customer">()).value();
  ASSERT_FALSE(orders.empty());
  const relstore::row<Customer>* parent = orders.front().one<"customer">();
  ASSERT_NE(parent, nullptr);
  EXPECT_EQ((*parent)->id, orders.front()->customerId);
}

}  // namespace

}  // namespace include_test
