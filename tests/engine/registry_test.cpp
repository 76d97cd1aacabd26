// The run-time registry of a compile-time schema and LoopBack's key
// inference (registry_dynamic_test.cpp: registries built by hand).
#include <gtest/gtest.h>

#include <cstddef>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/shop_schema.hpp"
#include "common/test_helpers.hpp"

namespace registry_test {

namespace {

using relstore::errc;
using relstore::field_type;
using relstore::on_delete;
using relstore::relation_kind;
using test::has;

// LoopBack's keyTo rule, checked at compile time.
static_assert(relstore::detail::is_default_key_to("Customer", "customerId"));
static_assert(relstore::detail::is_default_key_to("OrderLine", "orderLineId"));
static_assert(relstore::detail::is_default_key_to("A", "aId"));
static_assert(!relstore::detail::is_default_key_to("Customer", "customer_id"));
static_assert(!relstore::detail::is_default_key_to("Customer", "CustomerId"));
static_assert(!relstore::detail::is_default_key_to("Customer", "customerID"));
static_assert(!relstore::detail::is_default_key_to("OrderLine", "orderlineId"));
static_assert(!relstore::detail::is_default_key_to("Customer", "customerIdx"));
static_assert(!relstore::detail::is_default_key_to("", "Id"));

// The compile-time relations infer the same keys.
static_assert(shop::customer_orders::child_key == 1, "Order.customerId is inferred from Customer");
static_assert(shop::customer_orders::parent_key == 0, "keyFrom defaults to the primary key");
static_assert(shop::order_lines::child_key == 1, "OrderLine.orderId is inferred from Order");
static_assert(shop::coupon_orders::child_key == 4, "key_to<&Order::couponId>");
static_assert(shop::account_sessions::parent_key == 1, "key_from<&Account::code>");
static_assert(shop::customer_orders::policy == on_delete::restrict, "restrict is the default");
static_assert(shop::customer_orders::inverse_name() == "customer", "the inverse defaults to camelCase(Parent)");
static_assert(shop::reports::inverse_name() == "manager");

struct field_expect {
  const char* name;
  field_type type;
  bool nullable;
};
struct model_expect {
  const char* name;
  std::size_t schema_index;
  std::size_t primary_key;
  std::vector<field_expect> fields;
};

TEST(Registry, ListsAllSevenModelsWithTheirFieldsAndPrimaryKeys) {
  const relstore::registry& reg = shop::store::registry();
  const std::vector<model_expect> all = {
      {"Customer",
       shop::schema::model_index<shop::Customer>,
       0,
       {{"id", field_type::int64, false}, {"name", field_type::string, false}, {"email", field_type::string, true}}},
      {"Coupon",
       shop::schema::model_index<shop::Coupon>,
       0,
       {{"id", field_type::int64, false}, {"label", field_type::string, false}}},
      {"Order",
       shop::schema::model_index<shop::Order>,
       0,
       {{"id", field_type::int64, false},
        {"customerId", field_type::int64, false},
        {"total", field_type::float64, false},
        {"note", field_type::string, false},
        {"couponId", field_type::int64, true}}},
      {"OrderLine",
       shop::schema::model_index<shop::OrderLine>,
       0,
       {{"id", field_type::int64, false},
        {"orderId", field_type::int64, false},
        {"sku", field_type::string, false},
        {"qty", field_type::int32, false}}},
      {"Employee",
       shop::schema::model_index<shop::Employee>,
       0,
       {{"id", field_type::int64, false}, {"name", field_type::string, false}, {"managerId", field_type::int64, true}}},
      {"Account",
       shop::schema::model_index<shop::Account>,
       0,
       {{"id", field_type::int64, false}, {"code", field_type::string, false}}},
      {"Session",
       shop::schema::model_index<shop::Session>,
       0,
       {{"token", field_type::string, false},
        {"accountCode", field_type::string, false},
        {"active", field_type::boolean, false}}},
  };
  ASSERT_EQ(reg.model_count(), 7u);
  for (const auto& e : all) {
    SCOPED_TRACE(e.name);
    const auto index = reg.find_model(e.name);
    ASSERT_TRUE(index.has_value());
    EXPECT_EQ(*index, e.schema_index) << "the registry lists models in schema order";
    const relstore::model_info& m = reg.model(*index);
    EXPECT_EQ(m.name, e.name);
    EXPECT_EQ(m.primary_key, e.primary_key);
    ASSERT_EQ(m.fields.size(), e.fields.size());
    for (std::size_t i = 0; i < e.fields.size(); ++i) {
      EXPECT_EQ(m.fields[i].name, e.fields[i].name);
      EXPECT_EQ(m.fields[i].type, e.fields[i].type) << e.fields[i].name;
      EXPECT_EQ(m.fields[i].nullable, e.fields[i].nullable) << e.fields[i].name;
      EXPECT_EQ(m.find_field(e.fields[i].name), std::optional<std::size_t>(i));
    }
  }
  EXPECT_FALSE(reg.find_model("Nope").has_value());
  EXPECT_EQ(reg.model(*reg.find_model("Session")).fields[0].name, "token") << "RELSTORE_MODEL_KEY names the key";
}

TEST(Registry, TheCompileTimeModelsHaveWorkingFieldAccessors) {
  const relstore::registry& reg = shop::store::registry();
  const relstore::model_info& m = reg.model(*reg.find_model("Order"));
  shop::Order o{.id = 3, .customerId = 4, .total = 2.5, .note = "n"};
  EXPECT_EQ(std::get<std::int64_t>(m.fields[1].get(&o)), 4);
  EXPECT_TRUE(std::holds_alternative<relstore::null_t>(m.fields[4].get(&o)));
  std::string why;
  ASSERT_TRUE(m.fields[2].set(&o, relstore::value(7.5), &why)) << why;
  EXPECT_EQ(o.total, 7.5);
  EXPECT_FALSE(m.fields[2].set(&o, relstore::value(std::string("x")), &why));
  EXPECT_EQ(o.total, 7.5) << "a mismatched set leaves the entity unchanged";
  EXPECT_FALSE(why.empty());
}

struct relation_expect {
  const char* parent;
  const char* many;
  const char* child;
  const char* one;
  std::size_t parent_key;
  std::size_t child_key;
  on_delete policy;
};

TEST(Registry, RegistersEachHasManyWithItsBelongsToInverseKeysAndPolicy) {
  const relstore::registry& reg = shop::store::registry();
  // In schema order: relation i is relations()[2 i] and its inverse 2 i + 1.
  const relation_expect all[] = {
      {"Customer", "orders", "Order", "customer", 0, 1, on_delete::restrict},
      {"Order", "lines", "OrderLine", "order", 0, 1, on_delete::cascade},
      {"Coupon", "orders", "Order", "coupon", 0, 4, on_delete::set_null},
      {"Employee", "reports", "Employee", "manager", 0, 2, on_delete::cascade},
      {"Account", "sessions", "Session", "account", 1, 1, on_delete::cascade},
  };
  ASSERT_EQ(reg.relations().size(), 10u);
  for (std::size_t i = 0; i < std::size(all); ++i) {
    const auto& e = all[i];
    SCOPED_TRACE(std::string(e.parent) + "." + e.many);
    const std::size_t parent = *reg.find_model(e.parent);
    const std::size_t child = *reg.find_model(e.child);
    const relstore::relation_info& many = reg.relations()[2 * i];
    const relstore::relation_info& one = reg.relations()[2 * i + 1];
    EXPECT_EQ(many.name, e.many);
    EXPECT_EQ(one.name, e.one);
    EXPECT_EQ(many.kind, relation_kind::has_many);
    EXPECT_EQ(one.kind, relation_kind::belongs_to);
    EXPECT_EQ(many.source, parent);
    EXPECT_EQ(one.source, child);
    for (const auto* r : {&many, &one}) {
      EXPECT_EQ(r->parent, parent);
      EXPECT_EQ(r->child, child);
      EXPECT_EQ(r->parent_key, e.parent_key);
      EXPECT_EQ(r->child_key, e.child_key);
      EXPECT_EQ(r->policy, e.policy);
    }
    EXPECT_EQ(many.inverse, 2 * i + 1);
    EXPECT_EQ(one.inverse, 2 * i);
    EXPECT_EQ(reg.find_relation(parent, e.many), &many);
    EXPECT_EQ(reg.find_relation(child, e.one), &one);
  }
  // Key names, through the models.
  const auto& sessions = reg.relations()[8];
  EXPECT_EQ(reg.model(sessions.parent).fields[sessions.parent_key].name, "code");
  EXPECT_EQ(reg.model(sessions.child).fields[sessions.child_key].name, "accountCode");
  const auto& coupons = reg.relations()[4];
  EXPECT_EQ(reg.model(coupons.child).fields[coupons.child_key].name, "couponId");
}

TEST(Registry, FindRelationLooksOnlyAtRelationsWalkedFromTheModel) {
  const relstore::registry& reg = shop::store::registry();
  const std::size_t order = *reg.find_model("Order");
  const std::size_t customer = *reg.find_model("Customer");
  ASSERT_NE(reg.find_relation(order, "lines"), nullptr);
  EXPECT_EQ(reg.find_relation(order, "lines")->kind, relation_kind::has_many);
  ASSERT_NE(reg.find_relation(order, "customer"), nullptr);
  ASSERT_NE(reg.find_relation(order, "coupon"), nullptr);
  EXPECT_EQ(reg.find_relation(order, "coupon")->parent, *reg.find_model("Coupon"));
  EXPECT_EQ(reg.find_relation(order, "orders"), nullptr) << "orders is walked from Customer and Coupon, not Order";
  EXPECT_EQ(reg.find_relation(customer, "customer"), nullptr);
  EXPECT_EQ(reg.find_relation(customer, "lines"), nullptr);
  EXPECT_EQ(reg.find_relation(customer, "nope"), nullptr);
  const std::size_t employee = *reg.find_model("Employee");
  ASSERT_NE(reg.find_relation(employee, "reports"), nullptr);
  ASSERT_NE(reg.find_relation(employee, "manager"), nullptr);
  EXPECT_EQ(reg.find_relation(employee, "manager")->kind, relation_kind::belongs_to);
}

// declaration() spells out every name, so a registry rebuilt from the
// declarations (as a snapshot reader or a dataset does) is the same.
TEST(Registry, DeclarationsRebuildTheSameRelations) {
  const relstore::registry& reg = shop::store::registry();
  relstore::registry copy;
  for (std::size_t m = 0; m < reg.model_count(); ++m) ASSERT_TRUE(copy.add_model(reg.model(m)));
  for (std::size_t i = 0; i < reg.relations().size(); ++i) {
    const relstore::relation_info& r = reg.relations()[i];
    if (r.kind != relation_kind::has_many) continue;
    const relstore::has_many_options o = reg.declaration(i);
    EXPECT_EQ(o.key_to, reg.model(r.child).fields[r.child_key].name);
    EXPECT_EQ(o.key_from, reg.model(r.parent).fields[r.parent_key].name);
    EXPECT_EQ(o.inverse, reg.relations()[r.inverse].name);
    EXPECT_EQ(o.policy, r.policy);
    auto added = copy.add_has_many(r.name, reg.model(r.parent).name, reg.model(r.child).name, o);
    ASSERT_TRUE(added) << added.error().message();
    EXPECT_EQ(*added, i);
  }
  ASSERT_EQ(copy.relations().size(), reg.relations().size());
  for (std::size_t i = 0; i < reg.relations().size(); ++i) {
    const auto& x = reg.relations()[i];
    const auto& y = copy.relations()[i];
    EXPECT_EQ(x.name, y.name);
    EXPECT_EQ(x.kind, y.kind);
    EXPECT_EQ(x.parent, y.parent);
    EXPECT_EQ(x.child, y.child);
    EXPECT_EQ(x.parent_key, y.parent_key);
    EXPECT_EQ(x.child_key, y.child_key);
    EXPECT_EQ(x.policy, y.policy);
    EXPECT_EQ(x.inverse, y.inverse);
  }
}

TEST(Registry, TheRegistryIsBuiltOnce) {
  EXPECT_EQ(&shop::store::registry(), &shop::schema::registry());
  EXPECT_EQ(&shop::store::registry(), &shop::store::registry());
}

}  // namespace

// LoopBack's camelCase(modelName + '_id'), at compile time too.
static_assert(relstore::detail::default_key_to("XMLDoc").view() == "xmlDocId");
static_assert(relstore::detail::default_key_to("order_line").view() == "orderLineId");
static_assert(relstore::detail::default_key_to("Model2Go").view() == "model2GoId");
static_assert(relstore::detail::camel_case("HTTPServer").view() == "httpServer");

}  // namespace registry_test
