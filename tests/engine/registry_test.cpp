// The run-time registry and LoopBack's key inference.
#include <gtest/gtest.h>

#include "common/shop_schema.hpp"

namespace {

using relstore::errc;
using relstore::field_type;
using relstore::on_delete;
using relstore::relation_kind;

static_assert(relstore::detail::is_default_key_to("Customer", "customerId"));
static_assert(relstore::detail::is_default_key_to("OrderLine", "orderLineId"));
static_assert(!relstore::detail::is_default_key_to("Customer", "customer_id"));
static_assert(shop::customer_orders::child_key == 1, "customerId is inferred");
static_assert(shop::customer_orders::policy == on_delete::restrict, "restrict is the default");

TEST(Registry, ListsEveryModelWithItsFieldsAndKey) {
  const relstore::registry& reg = shop::store::registry();
  ASSERT_EQ(reg.model_count(), 7u);
  const auto order = reg.find_model("Order");
  ASSERT_TRUE(order);
  const relstore::model_info& m = reg.model(*order);
  ASSERT_EQ(m.fields.size(), 5u);
  EXPECT_EQ(m.fields[m.primary_key].name, "id");
  EXPECT_EQ(m.fields[2].name, "total");
  EXPECT_EQ(m.fields[2].type, field_type::float64);
  EXPECT_TRUE(m.fields[4].nullable);
  const auto session = reg.model(*reg.find_model("Session"));
  EXPECT_EQ(session.fields[session.primary_key].name, "token");
  EXPECT_EQ(session.fields[session.primary_key].type, field_type::string);
}

TEST(Registry, ListsEachRelationInBothDirectionsWithKeysAndPolicy) {
  const relstore::registry& reg = shop::store::registry();
  struct expect {
    const char* parent;
    const char* many;
    const char* one;
    const char* child;
    const char* key_from;
    const char* key_to;
    on_delete policy;
  };
  const expect all[] = {{"Customer", "orders", "customer", "Order", "id", "customerId", on_delete::restrict},
                        {"Order", "lines", "order", "OrderLine", "id", "orderId", on_delete::cascade},
                        {"Coupon", "orders", "coupon", "Order", "id", "couponId", on_delete::set_null},
                        {"Employee", "reports", "manager", "Employee", "id", "managerId", on_delete::cascade},
                        {"Account", "sessions", "account", "Session", "code", "accountCode", on_delete::cascade}};
  ASSERT_EQ(reg.relations().size(), 10u);
  for (const auto& e : all) {
    const auto parent = *reg.find_model(e.parent);
    const auto child = *reg.find_model(e.child);
    const relstore::relation_info* many = reg.find_relation(parent, e.many);
    const relstore::relation_info* one = reg.find_relation(child, e.one);
    ASSERT_NE(many, nullptr) << e.many;
    ASSERT_NE(one, nullptr) << e.one;
    EXPECT_EQ(many->kind, relation_kind::has_many);
    EXPECT_EQ(one->kind, relation_kind::belongs_to);
    EXPECT_EQ(&reg.relations()[many->inverse], one);
    EXPECT_EQ(reg.model(parent).fields[many->parent_key].name, e.key_from);
    EXPECT_EQ(reg.model(child).fields[many->child_key].name, e.key_to);
    EXPECT_EQ(many->policy, e.policy);
    EXPECT_EQ(one->policy, e.policy);
  }
  EXPECT_EQ(reg.relations_from_parent(*reg.find_model("Order")).size(), 1u);
}

relstore::field_info f(const char* name, field_type t, bool nullable = false) {
  return {name, t, nullable, nullptr, nullptr};
}

class DynamicRegistry : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(reg.add_model({"Customer", {f("id", field_type::int64), f("code", field_type::string)}, 0}));
    ASSERT_TRUE(reg.add_model({"Order",
                               {f("id", field_type::int64), f("customerId", field_type::int64),
                                f("custId", field_type::int64, true), f("customerCode", field_type::string)},
                               0}));
    ASSERT_TRUE(reg.add_model({"Invoice", {f("id", field_type::int64)}, 0}));
  }
  relstore::registry reg;
};

TEST_F(DynamicRegistry, InfersKeyToFromTheSourceModelName) {
  auto r = reg.add_has_many("orders", "Customer", "Order");
  ASSERT_TRUE(r) << r.error().message;
  const auto& rel = reg.relations()[*r];
  EXPECT_EQ(reg.model(rel.child).fields[rel.child_key].name, "customerId");
  EXPECT_EQ(reg.model(rel.parent).fields[rel.parent_key].name, "id");
  EXPECT_EQ(reg.relations()[rel.inverse].name, "customer");
}

TEST_F(DynamicRegistry, AMissingForeignKeyIsRejectedWithLoopbacksMessage) {
  auto r = reg.add_has_many("invoices", "Customer", "Invoice");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::schema_error);
  EXPECT_NE(r.error().message.find("target model Invoice is missing definition of foreign key customerId"),
            std::string::npos)
      << r.error().message;
}

TEST_F(DynamicRegistry, KeysCanBeOverridden) {
  relstore::has_many_options o;
  o.key_to = "custId";
  o.policy = on_delete::set_null;
  ASSERT_TRUE(reg.add_has_many("orders", "Customer", "Order", o));
  relstore::has_many_options by_code;
  by_code.key_to = "customerCode";
  by_code.key_from = "code";
  by_code.inverse = "buyer";
  auto r = reg.add_has_many("coded", "Customer", "Order", by_code);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(reg.model(0).fields[reg.relations()[*r].parent_key].name, "code");
}

TEST_F(DynamicRegistry, InconsistentDefinitionsAreSchemaErrors) {
  relstore::has_many_options wrong_type;
  wrong_type.key_to = "customerCode";  // string vs int64 id
  EXPECT_EQ(reg.add_has_many("a", "Customer", "Order", wrong_type).error().code, errc::schema_error);
  relstore::has_many_options not_null;
  not_null.policy = on_delete::set_null;  // customerId is not optional
  auto sn = reg.add_has_many("b", "Customer", "Order", not_null);
  ASSERT_FALSE(sn);
  EXPECT_NE(sn.error().message.find("set_null needs an optional foreign key"), std::string::npos);
  auto shadow = reg.add_has_many("code", "Customer", "Order");
  ASSERT_FALSE(shadow);
  EXPECT_NE(shadow.error().message.find("navigational"), std::string::npos) << shadow.error().message;
  ASSERT_TRUE(reg.add_has_many("orders", "Customer", "Order"));
  EXPECT_EQ(reg.add_has_many("orders", "Customer", "Order").error().code, errc::schema_error);
  EXPECT_EQ(reg.add_has_many("x", "Nope", "Order").error().code, errc::schema_error);
  EXPECT_EQ(reg.add_model({"Customer", {f("id", field_type::int64)}, 0}).error().code, errc::schema_error);
  EXPECT_EQ(reg.add_model({"Bad", {f("id", field_type::float64)}, 0}).error().code, errc::schema_error);
}

}  // namespace
