// include: has_many and belongs_to, scopes per parent, nesting, projection.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/shop_schema.hpp"

namespace {

using namespace shop;
using relstore::errc;
using relstore::field;
using relstore::filter;

class Include : public ::testing::Test {
 protected:
  void SetUp() override {
    auto customers = db.repo<Customer>();
    for (int c = 0; c < 3; ++c) {
      auto cust = customers.create({.name = "c" + std::to_string(c)}).value();
      for (int o = 0; o < 5; ++o) {
        auto ord = customers.related<"orders">(cust.id).create({.total = o * 10.0 + c}).value();
        for (int l = 0; l < 2; ++l) ASSERT_TRUE(db.repo<Order>().related<"lines">(ord.id).create({.qty = l}));
      }
    }
    ASSERT_TRUE(customers.create({.name = "lonely"}));
  }
  static std::vector<std::int64_t> ids(const relstore::rows<Order>& rows) {
    std::vector<std::int64_t> out;
    for (const auto& o : rows) out.push_back(o->id);
    return out;
  }
  store db;
};

TEST_F(Include, EachParentGetsExactlyItsChildrenInKeyOrder) {
  auto rows = db.repo<Customer>().find(filter<Customer>{}.include("orders")).value();
  ASSERT_EQ(rows.size(), 4u);
  for (int c = 0; c < 3; ++c) {
    const auto& kids = rows[static_cast<std::size_t>(c)].many<Order>("orders");
    ASSERT_EQ(kids.size(), 5u);
    for (std::size_t i = 0; i < kids.size(); ++i) {
      EXPECT_EQ(kids[i]->customerId, rows[static_cast<std::size_t>(c)]->id);
      if (i > 0) {
        EXPECT_LT(kids[i - 1]->id, kids[i]->id);
      }
    }
  }
}

TEST_F(Include, AParentWithoutChildrenGetsAnEmptyList) {
  auto rows = db.repo<Customer>().find(R"({"where":{"name":"lonely"},"include":["orders"]})").value();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_TRUE(rows[0].has("orders"));
  EXPECT_TRUE(rows[0].many<Order>("orders").empty());
  EXPECT_EQ(rows[0].to_json(), R"({"id":4,"name":"lonely","email":null,"orders":[]})");
}

TEST_F(Include, ScopeWhereOrderSkipAndLimitApplyPerParent) {
  auto scope = filter<Order>{}.where(field(&Order::total) > 5.0).order(&Order::total, relstore::desc).skip(1).limit(2);
  auto rows = db.repo<Customer>().find(filter<Customer>{}.include("orders", scope)).value();
  for (int c = 0; c < 3; ++c) {
    const auto& kids = rows[static_cast<std::size_t>(c)].many<Order>("orders");
    ASSERT_EQ(kids.size(), 2u) << "customer " << c;
    EXPECT_EQ(kids[0]->total, 30.0 + c);
    EXPECT_EQ(kids[1]->total, 20.0 + c);
    EXPECT_EQ(kids[0]->customerId, rows[static_cast<std::size_t>(c)]->id);
  }
  auto none = db.repo<Customer>().find(R"({"include":[{"relation":"orders","scope":{"limit":0}}]})").value();
  EXPECT_TRUE(none[0].many<Order>("orders").empty());
}

TEST_F(Include, ScopeFieldsProjectTheChildren) {
  auto rows = db.repo<Customer>()
                  .find(R"({"where":{"id":1},"include":[{"relation":"orders","scope":{"fields":["id"],"limit":1}}]})")
                  .value();
  EXPECT_EQ(rows[0].many<Order>("orders")[0].to_json(), R"({"id":1})");
}

TEST_F(Include, NestsTwoLevelsWithTheBuilderAndWithJson) {
  auto typed = db.repo<Customer>()
                   .find(filter<Customer>{}
                             .where(field(&Customer::id) == std::int64_t{2})
                             .include("orders", filter<Order>{}.include("lines")))
                   .value();
  auto json = db.repo<Customer>()
                  .find(R"({"where":{"id":2},"include":[{"relation":"orders","scope":{"include":["lines"]}}]})")
                  .value();
  for (const auto* rows : {&typed, &json}) {
    ASSERT_EQ(rows->size(), 1u);
    const auto& orders = (*rows)[0].many<Order>("orders");
    ASSERT_EQ(orders.size(), 5u);
    for (const auto& o : orders) {
      const auto& lines = o.many<OrderLine>("lines");
      ASSERT_EQ(lines.size(), 2u);
      for (const auto& l : lines) EXPECT_EQ(l->orderId, o->id);
    }
  }
  EXPECT_EQ(typed[0].to_json(), json[0].to_json());
  EXPECT_NE(json[0].to_json().find(R"("lines":[{"id":)"), std::string::npos);
}

TEST_F(Include, BelongsToGivesEachChildItsParent) {
  auto rows = db.repo<Order>().find(R"({"where":{"total":{"lt":3}},"include":["customer","coupon"]})").value();
  ASSERT_EQ(rows.size(), 3u);
  for (const auto& o : rows) {
    const relstore::row<Customer>* c = o.one<Customer>("customer");
    ASSERT_NE(c, nullptr);
    EXPECT_EQ((*c)->id, o->customerId);
    EXPECT_EQ(o.one<Coupon>("coupon"), nullptr) << "a null optional key has no parent";
  }
}

TEST_F(Include, SelfRelationAndNonPrimaryKeyFrom) {
  auto employees = db.repo<Employee>();
  auto boss = employees.create({.name = "boss"}).value();
  ASSERT_TRUE(employees.related<"reports">(boss.id).create({.name = "a"}));
  ASSERT_TRUE(employees.related<"reports">(boss.id).create({.name = "b"}));
  auto rows = employees.find(R"({"include":["reports","manager"]})").value();
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].many<Employee>("reports").size(), 2u);
  EXPECT_EQ(rows[0].one<Employee>("manager"), nullptr);
  EXPECT_EQ(rows[1].one<Employee>("manager")->value.name, "boss");

  auto acct = db.repo<Account>().create({.code = "Z"}).value();
  ASSERT_TRUE(db.repo<Account>().related<"sessions">("Z").create({.token = "s"}));
  auto sessions = db.repo<Session>().find(filter<Session>{}.include("account")).value();
  ASSERT_EQ(sessions.size(), 1u);
  EXPECT_EQ(sessions[0].one<Account>("account")->value.id, acct.id);
}

TEST_F(Include, UnknownRelationsAreInvalidFilterEvenWhenNothingWouldRecurse) {
  auto json = db.repo<Customer>().find(R"({"include":["nope"]})");
  ASSERT_FALSE(json);
  EXPECT_EQ(json.error().code, errc::invalid_filter);
  EXPECT_NE(json.error().message.find("Invalid \"filter.include\" entries"), std::string::npos);
  auto nested = db.repo<Customer>().find(
      R"({"where":{"name":"lonely"},"include":[{"relation":"orders","scope":{"include":["nope"]}}]})");
  ASSERT_FALSE(nested);
  EXPECT_NE(nested.error().message.find("not a relation of model Order"), std::string::npos) << nested.error().message;
  auto typed = db.repo<Customer>().find(filter<Customer>{}.include("orders", filter<Order>{}.include("nope")));
  ASSERT_FALSE(typed);
  EXPECT_EQ(typed.error().code, errc::invalid_filter);
  auto wrong_model = db.repo<Customer>().find(filter<Customer>{}.include("orders", filter<Coupon>{}));
  ASSERT_FALSE(wrong_model);
  EXPECT_EQ(wrong_model.error().code, errc::invalid_filter);
  EXPECT_NE(wrong_model.error().message.find("filter for model Coupon used on Order"), std::string::npos);
}

TEST_F(Include, DroppingTheKeyWithFieldsNeverDropsTheRelation) {
  auto rows = db.repo<Customer>().find(R"({"where":{"id":1},"fields":["name"],"include":["orders"]})").value();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0]->id, 0) << "the key is not selected";
  EXPECT_EQ(rows[0].many<Order>("orders").size(), 5u);
  EXPECT_EQ(rows[0].to_json().substr(0, 25), R"({"name":"c0","orders":[{")");
}

TEST_F(Include, FindByIdWithInclude) {
  auto r = db.repo<Order>().find_by_id(1, filter<Order>{}.include("lines").include("customer"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->many<OrderLine>("lines").size(), 2u);
  EXPECT_EQ(r->one<Customer>("customer")->value.name, "c0");
  EXPECT_EQ(db.repo<Order>().find_by_id(999, filter<Order>{}.include("lines")).error().code, errc::not_found);
}

}  // namespace
