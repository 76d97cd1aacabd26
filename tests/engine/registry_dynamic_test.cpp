// Dynamic registries built by hand (as tools without C++ types do): the
// run-time form of the schema rules and of LoopBack's key inference.
#include <gtest/gtest.h>

#include <cstddef>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/test_helpers.hpp"
#include "relstore/registry.hpp"

namespace registry_dynamic_test {

namespace {

using relstore::errc;
using relstore::field_type;
using relstore::on_delete;
using relstore::relation_kind;
using test::has;

relstore::field_info f(const char* name, field_type type, bool nullable = false) {
  relstore::field_info out;
  out.name = name;
  out.type = type;
  out.nullable = nullable;
  return out;
}

relstore::model_info model(const char* name, std::vector<relstore::field_info> fields, std::size_t pk = 0) {
  relstore::model_info m;
  m.name = name;
  m.fields = std::move(fields);
  m.primary_key = pk;
  return m;
}

// A hand-built registry: Customer(id, code) and
// Order(id, customerId, custId?, customerCode, note?).
struct dynamic_shop {
  dynamic_shop() {
    auto c = reg.add_model(model("Customer", {f("id", field_type::int64), f("code", field_type::string)}));
    EXPECT_TRUE(c) << c.error().message();
    customer = c.value_or(0);
    auto o = reg.add_model(model(
        "Order", {f("id", field_type::int64), f("customerId", field_type::int64), f("custId", field_type::int64, true),
                  f("customerCode", field_type::string), f("note", field_type::string, true)}));
    EXPECT_TRUE(o) << o.error().message();
    order = o.value_or(0);
  }
  relstore::registry reg;
  std::size_t customer = 0;
  std::size_t order = 0;
};

TEST(Registry, AddModelKeepsTheHandBuiltDescription) {
  dynamic_shop d;
  relstore::registry& reg = d.reg;
  EXPECT_EQ(reg.model_count(), 2u);
  EXPECT_EQ(reg.find_model("Order"), std::optional<std::size_t>(d.order));
  const auto& m = reg.model(d.order);
  EXPECT_EQ(m.name, "Order");
  ASSERT_EQ(m.fields.size(), 5u);
  EXPECT_EQ(m.fields[2].name, "custId");
  EXPECT_TRUE(m.fields[2].nullable);
  EXPECT_EQ(m.fields[3].type, field_type::string);
  EXPECT_EQ(m.primary_key, 0u);
}

// Regression: names that are not UTF-8 made `info --json` throw (they go
// into JSON), and an enum's names were never checked: a file could put a
// terminal escape into the tool's listing.
TEST(Registry, NamesMustBePrintableUtf8EnumsIncluded) {
  relstore::registry reg;
  auto bad = reg.add_model(model("Custome\xff", {f("id", field_type::int64)}));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, errc::schema_error);
  EXPECT_TRUE(has(bad.error().message(), "is not UTF-8")) << bad.error().message();
  auto field_name = reg.add_model(model("Item", {f("id", field_type::int64), f("k\xc3", field_type::int64)}));
  ASSERT_FALSE(field_name);
  auto with_enum = [](std::string name, std::string enumerator) {
    auto e = std::make_shared<relstore::enum_info>();
    e->name = std::move(name);
    e->enumerators.push_back({"sword", 0});
    e->enumerators.push_back({std::move(enumerator), 1});
    relstore::field_info kind = f("kind", field_type::int32);
    kind.enumeration = std::move(e);
    return model("Item", {f("id", field_type::int64), kind});
  };
  for (const auto& [name, enumerator] : {std::pair<std::string, std::string>{"K\x1b]0;owned\x07", "shield"},
                                         {"Kind", "\x1b[2Jcleared"},
                                         {"Kind", "caf\xe9"}}) {
    auto r = reg.add_model(with_enum(name, enumerator));
    ASSERT_FALSE(r) << name << " " << enumerator;
    EXPECT_EQ(r.error().code, errc::schema_error);
    EXPECT_EQ(r.error().message().find('\x1b'), std::string::npos) << "no raw escape reaches a message";
  }
  EXPECT_TRUE(reg.add_model(with_enum("Kind", "caf\xc3\xa9")));
}

TEST(Registry, InfersKeyToAsCamelCaseOfTheSourceModelPlusId) {
  dynamic_shop d;
  relstore::registry& reg = d.reg;
  auto r = reg.add_has_many("orders", "Customer", "Order");
  ASSERT_TRUE(r) << r.error().message();
  const auto& rel = reg.relations()[*r];
  EXPECT_EQ(rel.kind, relation_kind::has_many);
  EXPECT_EQ(rel.parent, d.customer);
  EXPECT_EQ(rel.child, d.order);
  EXPECT_EQ(rel.child_key, 1u);
  EXPECT_EQ(reg.model(rel.child).fields[rel.child_key].name, "customerId");
  EXPECT_EQ(rel.parent_key, 0u) << "keyFrom defaults to the primary key";
  EXPECT_EQ(rel.policy, on_delete::restrict);
  const auto& inv = reg.relations()[rel.inverse];
  EXPECT_EQ(inv.name, "customer");
  EXPECT_EQ(inv.kind, relation_kind::belongs_to);
  EXPECT_EQ(inv.inverse, *r);
  EXPECT_EQ(reg.find_relation(d.order, "customer"), &inv);
}

TEST(Registry, AMultiWordModelNameGivesCamelCaseId) {
  relstore::registry reg;
  ASSERT_TRUE(reg.add_model(model("OrderLine", {f("id", field_type::int64)})));
  // Only orderLineId follows the rule; the near misses must not be picked.
  ASSERT_TRUE(reg.add_model(model("Shipment", {f("id", field_type::int64), f("order_line_id", field_type::int64),
                                               f("orderlineId", field_type::int64), f("OrderLineId", field_type::int64),
                                               f("orderLineId", field_type::int64)})));
  auto r = reg.add_has_many("shipments", "OrderLine", "Shipment");
  ASSERT_TRUE(r) << r.error().message();
  const auto& rel = reg.relations()[*r];
  const std::string key = reg.model(rel.child).fields[rel.child_key].name;
  EXPECT_EQ(key, "orderLineId");
  EXPECT_EQ(rel.child_key, 4u);
  EXPECT_TRUE(relstore::detail::is_default_key_to(reg.model(rel.parent).name, key))
      << "the run-time and compile-time rules agree";
  EXPECT_EQ(reg.relations()[rel.inverse].name, "orderLine");
}

TEST(Registry, TheRunTimeRuleAgreesWithIsDefaultKeyTo) {
  // Not constant expressions: is_default_key_to at run time.
  const std::vector<std::string> parents = {"Customer", "OrderLine", "A", "Shop2Item"};
  for (const std::string& parent : parents) {
    SCOPED_TRACE(parent);
    std::string key = parent;
    key[0] = static_cast<char>(key[0] - 'A' + 'a');
    key += "Id";
    EXPECT_TRUE(relstore::detail::is_default_key_to(parent, key)) << key;
    EXPECT_FALSE(relstore::detail::is_default_key_to(parent, parent + "Id"));
    relstore::registry reg;
    ASSERT_TRUE(reg.add_model(model(parent.c_str(), {f("id", field_type::int64)})));
    ASSERT_TRUE(reg.add_model(model("Kid", {f("id", field_type::int64), f(key.c_str(), field_type::int64)})));
    auto r = reg.add_has_many("kids", parent, "Kid");
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_EQ(reg.model(1).fields[reg.relations()[*r].child_key].name, key);
  }
}

// LoopBack computes keyTo as lodash's camelCase(modelName + "_id"), which
// lower-cases a leading acronym and drops underscores: XMLDoc gives xmlDocId
// and order_line gives orderLineId.
TEST(Registry, KeyInferenceFollowsLoopbacksCamelCaseForAcronymsAndUnderscores) {
  const std::vector<std::pair<std::string, std::string>> cases = {{"XMLDoc", "xmlDocId"},
                                                                  {"order_line", "orderLineId"}};
  for (const auto& [parent, key] : cases) {
    SCOPED_TRACE(parent);
    relstore::registry reg;
    ASSERT_TRUE(reg.add_model(model(parent.c_str(), {f("id", field_type::int64)})));
    ASSERT_TRUE(reg.add_model(model("Kid", {f("id", field_type::int64), f(key.c_str(), field_type::int64)})));
    auto r = reg.add_has_many("kids", parent, "Kid");
    EXPECT_TRUE(r) << r.error().message();  // not ASSERT: report every case
    if (r) {
      EXPECT_EQ(reg.model(1).fields[reg.relations()[*r].child_key].name, key);
    }
  }
}

TEST(Registry, AMissingForeignKeyIsRejectedWithLoopbacksMessage) {
  relstore::registry reg;
  ASSERT_TRUE(reg.add_model(model("Customer", {f("id", field_type::int64)})));
  ASSERT_TRUE(reg.add_model(model(
      "Order", {f("id", field_type::int64), f("customer_id", field_type::int64), f("custId", field_type::int64)})));
  auto r = reg.add_has_many("orders", "Customer", "Order");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::schema_error);
  EXPECT_TRUE(has(r.error().message(), "target model Order is missing definition of foreign key customerId"))
      << r.error().message();
  EXPECT_TRUE(reg.relations().empty()) << "nothing is registered";
}

TEST(Registry, ACustomKeyToIsUsed) {
  dynamic_shop d;
  relstore::registry& reg = d.reg;
  relstore::has_many_options o;
  o.key_to = "custId";
  o.policy = on_delete::set_null;
  auto r = reg.add_has_many("orders", "Customer", "Order", o);
  ASSERT_TRUE(r) << r.error().message();
  const auto& rel = reg.relations()[*r];
  EXPECT_EQ(rel.child_key, 2u);
  EXPECT_EQ(reg.model(rel.child).fields[rel.child_key].name, "custId");
  EXPECT_EQ(rel.policy, on_delete::set_null);
  EXPECT_EQ(reg.relations()[rel.inverse].policy, on_delete::set_null);
}

TEST(Registry, ACustomKeyToThatIsNotAFieldIsRejected) {
  dynamic_shop d;
  relstore::registry& reg = d.reg;
  relstore::has_many_options o;
  o.key_to = "buyerId";
  auto r = reg.add_has_many("orders", "Customer", "Order", o);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::schema_error);
  EXPECT_TRUE(has(r.error().message(), "target model Order is missing definition of foreign key buyerId"))
      << r.error().message();
}

TEST(Registry, ACustomKeyFromUsesAnotherFieldOfTheParent) {
  dynamic_shop d;
  relstore::registry& reg = d.reg;
  relstore::has_many_options o;
  o.key_from = "code";
  o.key_to = "customerCode";
  o.inverse = "buyer";
  auto r = reg.add_has_many("coded", "Customer", "Order", o);
  ASSERT_TRUE(r) << r.error().message();
  const auto& rel = reg.relations()[*r];
  EXPECT_EQ(rel.parent_key, 1u);
  EXPECT_EQ(reg.model(rel.parent).fields[rel.parent_key].name, "code");
  EXPECT_EQ(reg.model(rel.child).fields[rel.child_key].name, "customerCode");
  EXPECT_EQ(reg.relations()[rel.inverse].name, "buyer");
  EXPECT_EQ(reg.find_relation(d.order, "buyer"), &reg.relations()[rel.inverse]);

  relstore::has_many_options missing;
  missing.key_from = "nope";
  auto bad = reg.add_has_many("other", "Customer", "Order", missing);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, errc::schema_error);
  EXPECT_TRUE(has(bad.error().message(), "nope")) << bad.error().message();
}

TEST(Registry, AForeignKeyOfAnotherTypeThanTheParentKeyIsASchemaError) {
  dynamic_shop d;
  relstore::registry& reg = d.reg;
  relstore::has_many_options o;
  o.key_to = "customerCode";  // string, but Customer.id is int64
  auto r = reg.add_has_many("orders", "Customer", "Order", o);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::schema_error);
  EXPECT_TRUE(has(r.error().message(), "Order.customerCode")) << r.error().message();
  EXPECT_TRUE(has(r.error().message(), "Customer.id")) << r.error().message();
  EXPECT_TRUE(reg.relations().empty());
}

// A run-time schema's array field must be one relstore can hold: a number
// element type and 1 to 64 elements (what std::array fields are).
TEST(Registry, AnArrayFieldOfNoNumberOrBadLengthIsASchemaError) {
  auto add = [](field_type element, std::uint32_t extent) {
    relstore::model_info m;
    m.name = "Body";
    m.fields.push_back({.name = "id"});
    m.fields.push_back({.name = "p", .type = field_type::array, .element = element, .extent = extent});
    relstore::registry reg;
    return reg.add_model(m);
  };
  EXPECT_TRUE(add(field_type::float32, 3));
  EXPECT_TRUE(add(field_type::uint64, 64));
  for (auto [element, extent] :
       {std::pair{field_type::boolean, 3u}, std::pair{field_type::string, 3u}, std::pair{field_type::array, 3u},
        std::pair{field_type::int8, 0u}, std::pair{field_type::int8, 65u}}) {
    auto r = add(element, extent);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, errc::schema_error);
    EXPECT_TRUE(has(r.error().message(), "model Body: array field p needs a number element type and 1 to 64 elements"))
        << r.error().message();
  }
}

TEST(Registry, SetNullOnANonOptionalForeignKeyIsASchemaError) {
  dynamic_shop d;
  relstore::registry& reg = d.reg;
  relstore::has_many_options o;
  o.policy = on_delete::set_null;  // customerId is not optional
  auto r = reg.add_has_many("orders", "Customer", "Order", o);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::schema_error);
  EXPECT_TRUE(has(r.error().message(), "set_null")) << r.error().message();
  EXPECT_TRUE(has(r.error().message(), "Order.customerId")) << r.error().message();
  EXPECT_TRUE(reg.relations().empty());
}

TEST(Registry, ARelationNamedLikeAFieldOfTheParentIsASchemaError) {
  dynamic_shop d;
  relstore::registry& reg = d.reg;
  auto r = reg.add_has_many("code", "Customer", "Order");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::schema_error);
  EXPECT_TRUE(has(r.error().message(), "Customer.code")) << r.error().message();
  EXPECT_TRUE(has(r.error().message(), "navigational")) << r.error().message();
  relstore::has_many_options o;
  o.inverse = "note";  // a field of the child
  auto inverse = reg.add_has_many("orders", "Customer", "Order", o);
  ASSERT_FALSE(inverse);
  EXPECT_EQ(inverse.error().code, errc::schema_error);
  EXPECT_TRUE(reg.relations().empty());
}

TEST(Registry, ADuplicateRelationIsASchemaError) {
  dynamic_shop d;
  relstore::registry& reg = d.reg;
  ASSERT_TRUE(reg.add_has_many("orders", "Customer", "Order"));
  auto r = reg.add_has_many("orders", "Customer", "Order");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::schema_error);
  EXPECT_TRUE(has(r.error().message(), "Customer.orders")) << r.error().message();
  // A second relation whose inverse would also be Order.customer is rejected too.
  relstore::has_many_options o;
  o.key_to = "custId";
  auto same_inverse = reg.add_has_many("others", "Customer", "Order", o);
  ASSERT_FALSE(same_inverse);
  EXPECT_EQ(same_inverse.error().code, errc::schema_error);
  EXPECT_EQ(reg.relations().size(), 2u);
}

TEST(Registry, UnknownModelsAndBadModelsAreSchemaErrors) {
  dynamic_shop d;
  relstore::registry& reg = d.reg;
  auto parent = reg.add_has_many("x", "Nope", "Order");
  ASSERT_FALSE(parent);
  EXPECT_EQ(parent.error().code, errc::schema_error);
  EXPECT_TRUE(has(parent.error().message(), "Nope")) << parent.error().message();
  EXPECT_EQ(reg.add_has_many("x", "Customer", "Nope").error().code, errc::schema_error);
  auto twice = reg.add_model(model("Customer", {f("id", field_type::int64)}));
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().code, errc::schema_error);
  EXPECT_EQ(reg.add_model(model("Bad", {f("id", field_type::float64)})).error().code, errc::schema_error);
  EXPECT_EQ(reg.add_model(model("Bad", {f("id", field_type::int64, true)})).error().code, errc::schema_error);
  EXPECT_EQ(reg.add_model(model("Bad", {f("id", field_type::int64)}, 1)).error().code, errc::schema_error);
  EXPECT_EQ(reg.model_count(), 2u) << "a rejected model is not added";
  EXPECT_FALSE(reg.find_model("Bad").has_value());
}

TEST(Registry, FindRelationAndDeclarationSeeDynamicRelations) {
  dynamic_shop d;
  relstore::registry& reg = d.reg;
  auto a = reg.add_has_many("orders", "Customer", "Order");
  ASSERT_TRUE(a) << a.error().message();
  relstore::has_many_options o;
  o.key_from = "code";
  o.key_to = "customerCode";
  o.inverse = "buyer";
  o.policy = on_delete::cascade;
  auto b = reg.add_has_many("coded", "Customer", "Order", o);
  ASSERT_TRUE(b) << b.error().message();
  EXPECT_EQ(reg.declaration(*b).key_from, "code");
  EXPECT_EQ(reg.declaration(*b).inverse, "buyer");
  EXPECT_EQ(reg.declaration(*a).key_to, "customerId") << "the inferred key is spelled out";
  EXPECT_EQ(reg.declaration(*a).inverse, "customer");
  ASSERT_NE(reg.find_relation(d.customer, "coded"), nullptr);
  EXPECT_EQ(reg.find_relation(d.customer, "coded")->policy, on_delete::cascade);
  EXPECT_EQ(reg.find_relation(d.order, "customer"), &reg.relations()[*a + 1]);
  EXPECT_EQ(reg.find_relation(d.order, "coded"), nullptr);
  EXPECT_EQ(reg.find_relation(d.customer, "buyer"), nullptr);
}

// The registry refuses a model the snapshot reader used to accept.
TEST(Registry, RefusesEmptyAndRepeatedFieldNames) {
  relstore::registry reg;
  auto twice =
      reg.add_model(model("M", {f("id", field_type::int64), f("x", field_type::int32), f("x", field_type::string)}));
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().code, errc::schema_error);
  EXPECT_TRUE(test::has(twice.error().message(), "field x appears twice")) << twice.error().message();
  auto empty = reg.add_model(model("M", {f("id", field_type::int64), f("", field_type::int32)}));
  ASSERT_FALSE(empty);
  EXPECT_TRUE(test::has(empty.error().message(), "empty name")) << empty.error().message();
  auto nameless = reg.add_model(model("", {f("id", field_type::int64)}));
  ASSERT_FALSE(nameless);
  EXPECT_EQ(reg.model_count(), 0u);
}

}  // namespace

}  // namespace registry_dynamic_test
