// include: rejection of unknown relations and scopes of the wrong model, and
// projections that drop the keys a relation is walked by.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "api/include_fixture.hpp"
#include "common/shop_schema.hpp"

namespace include_invalid_test {

namespace {

using namespace shop;
using include_fixture::Include;
using relstore::errc;
using relstore::field;
using relstore::filter;

// ------------------------------------------------------------ invalid includes

TEST_F(Include, AnUnknownRelationIsInvalidFilterWithTheBuilder) {
  auto r = customers.find(filter<Customer>{}.include("nope"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::invalid_filter);
  EXPECT_TRUE(says(r.error(), "Invalid \"filter.include\" entries")) << r.error().message();
  EXPECT_TRUE(says(r.error(), "nope")) << r.error().message();
  EXPECT_TRUE(says(r.error(), "Customer")) << r.error().message();
  auto other_models = customers.find(filter<Customer>{}.include("lines"));
  ASSERT_FALSE(other_models) << "lines is a relation of Order, not Customer";
  EXPECT_EQ(other_models.error().code, errc::invalid_filter);
}

TEST_F(Include, AnUnknownRelationIsInvalidFilterWithJson) {
  for (const char* json : {R"({"include":["nope"]})", R"({"include":[{"relation":"nope"}]})", R"({"include":"nope"})",
                           R"({"include":["orders","nope"]})"}) {
    auto r = customers.find(json);
    ASSERT_FALSE(r) << json;
    EXPECT_EQ(r.error().code, errc::invalid_filter) << json;
    EXPECT_TRUE(says(r.error(), "Invalid \"filter.include\" entries")) << json << ": " << r.error().message();
    EXPECT_TRUE(says(r.error(), "nope")) << json << ": " << r.error().message();
  }
}

TEST_F(Include, AnUnknownRelationInAScopeIsRejectedEvenWithNoRowsToRecurseInto) {
  const char* jsons[] = {
      R"({"where":{"name":"nobody"},"include":[{"relation":"orders","scope":{"include":["nope"]}}]})",
      R"({"where":{"name":"lonely"},"include":[{"relation":"orders","scope":{"include":["nope"]}}]})",
  };
  for (const char* json : jsons) {
    auto r = customers.find(json);
    ASSERT_FALSE(r) << json;
    EXPECT_EQ(r.error().code, errc::invalid_filter) << json;
    EXPECT_TRUE(says(r.error(), "Invalid \"filter.include\" entries")) << r.error().message();
    EXPECT_TRUE(says(r.error(), "nope")) << r.error().message();
    EXPECT_TRUE(says(r.error(), "Order")) << "names the scope's model: " << r.error().message();
  }
  auto typed = customers.find(
      filter<Customer>{}.where(field(&Customer::name) == "nobody").include("orders", filter<Order>{}.include("nope")));
  ASSERT_FALSE(typed);
  EXPECT_EQ(typed.error().code, errc::invalid_filter);
  EXPECT_TRUE(says(typed.error(), "Invalid \"filter.include\" entries")) << typed.error().message();
  auto deeper = customers.find(
      filter<Customer>{}.include("orders", filter<Order>{}.include("lines", filter<OrderLine>{}.include("nope"))));
  ASSERT_FALSE(deeper);
  EXPECT_EQ(deeper.error().code, errc::invalid_filter);
}

TEST_F(Include, AScopeFilterOfTheWrongModelIsInvalidFilter) {
  auto r = customers.find(filter<Customer>{}.include("orders", filter<Coupon>{}));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::invalid_filter);
  EXPECT_TRUE(says(r.error(), "Coupon")) << r.error().message();
  EXPECT_TRUE(says(r.error(), "Order")) << r.error().message();
  auto belongs = db.repo<Order>().find(filter<Order>{}.include("customer", filter<Order>{}));
  ASSERT_FALSE(belongs);
  EXPECT_EQ(belongs.error().code, errc::invalid_filter);
}

TEST_F(Include, AScopeIsValidatedAgainstTheRelatedModel) {
  auto r = customers.find(R"({"include":[{"relation":"orders","scope":{"where":{"name":"c0"}}}]})");
  ASSERT_FALSE(r) << "name is a field of Customer, not of Order";
  EXPECT_EQ(r.error().code, errc::invalid_filter);
  EXPECT_TRUE(says(r.error(), "name")) << r.error().message();
  auto bad_key = customers.find(R"({"include":[{"relation":"orders","scope":{"limit":-1}}]})");
  ASSERT_FALSE(bad_key);
  EXPECT_EQ(bad_key.error().code, errc::invalid_filter);
  auto bad_entry = customers.find(R"({"include":[{"relation":"orders","scop":{}}]})");
  ASSERT_FALSE(bad_entry);
  EXPECT_EQ(bad_entry.error().code, errc::invalid_filter);
}

// ------------------------------------------------------------ projection of keys

TEST_F(Include, DroppingTheKeyWithFieldsStillIncludesTheRelation) {
  const std::int64_t c1 = customer_ids[1];
  auto json =
      customers.find(R"({"where":{"id":)" + std::to_string(c1) + R"(},"fields":["name"],"include":["orders"]})");
  ASSERT_TRUE(json) << json.error().message();
  ASSERT_EQ(json->size(), 1u);
  const auto& row = (*json)[0];
  EXPECT_EQ(row->id, 0) << "the key is not selected, so it is value-initialised";
  EXPECT_EQ(row->name, "c1");
  ASSERT_TRUE(row.has("orders")) << "the relation is not silently dropped";
  EXPECT_EQ(ids(row.many<Order>("orders")), orders_of(c1));
  EXPECT_TRUE(row.to_json().starts_with(R"({"name":"c1","orders":[{"id":)")) << row.to_json();

  auto typed = customers.find(filter<Customer>{}.fields(&Customer::name).include("orders")).value();
  ASSERT_EQ(typed.size(), 4u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(typed[i]->id, 0);
    EXPECT_EQ(ids(typed[i].many<Order>("orders")), orders_of(customer_ids[i])) << typed[i]->name;
  }
  EXPECT_TRUE(typed[3].many<Order>("orders").empty());
}

TEST_F(Include, DroppingTheForeignKeyWithFieldsStillIncludesTheParent) {
  auto rows = db.repo<Order>().find(filter<Order>{}.fields(&Order::id).include("customer")).value();
  ASSERT_EQ(rows.size(), db.size<Order>());
  for (const auto& o : rows) {
    EXPECT_EQ(o->customerId, 0);
    const relstore::row<Customer>* c = o.one<Customer>("customer");
    ASSERT_NE(c, nullptr) << "order " << o->id;
    EXPECT_EQ((*c)->id, db.repo<Order>().find_by_id(o->id).value().customerId);
  }
}

}  // namespace

}  // namespace include_invalid_test
