// Enum fields (BOOST_DESCRIBE_ENUM): stored as their underlying integer,
// shown by name in JSON, filtered by name or value, and an unknown name or
// value rejected naming the enum, the field and the value.
#include <gtest/gtest.h>

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include "common/game_schema.hpp"

namespace enum_fields_test {

namespace {

using namespace game;
using relstore::errc;
using relstore::field;
using relstore::filter;
using ids_t = std::vector<std::int64_t>;

class EnumFields : public ::testing::Test {
 protected:
  void SetUp() override { fill_items(db); }

  ids_t ids(const std::string& json) {
    SCOPED_TRACE(json);
    return find_ids(items, json);
  }
  template <class R>
  void expect_error(const R& r, errc code, std::initializer_list<const char*> says) {
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, code) << r.error().message();
    for (const char* s : says)
      EXPECT_NE(r.error().message().find(s), std::string::npos) << s << ": " << r.error().message();
    EXPECT_EQ(items.count().value(), 3u);
    EXPECT_EQ(items.find_by_id(1).value().kind, kind::sword);
  }

  store db;
  relstore::repository<schema, Item> items = db.repo<Item>();
};

TEST_F(EnumFields, DescribeTheEnumInTheModelInfo) {
  const auto& f = relstore::model_info_of<Item>().fields[1];
  EXPECT_EQ(f.type, relstore::field_type::uint8);
  ASSERT_TRUE(f.enumeration);
  EXPECT_EQ(f.enumeration->name, "kind");
  ASSERT_EQ(f.enumeration->enumerators.size(), 3u);
  EXPECT_EQ(f.enumeration->enumerators[2].name, "potion");
  EXPECT_EQ(f.enumeration->enumerators[2].value, 7);
}

TEST_F(EnumFields, JsonShowsNamesAndReadsThemBack) {
  auto rows = items.find(R"({"order":["id"]})");
  ASSERT_TRUE(rows);
  EXPECT_EQ((*rows)[0].to_json(), R"({"id":1,"kind":"sword","spare":null})");
  EXPECT_EQ((*rows)[1].to_json(), R"({"id":2,"kind":"potion","spare":"shield"})");
  auto made = items.create_json(R"({"id":9,"kind":"shield","spare":"potion"})");
  ASSERT_TRUE(made) << made.error().message();
  EXPECT_EQ(made->kind, kind::shield);
  EXPECT_EQ(made->spare, kind::potion);
  auto by_value = items.create_json(R"({"id":10,"kind":7})");  // a declared value is accepted too
  ASSERT_TRUE(by_value) << by_value.error().message();
  EXPECT_EQ(by_value->kind, kind::potion);
}

TEST_F(EnumFields, AValueNoEnumeratorHasIsShownAsItsInteger) {
  ASSERT_TRUE(items.create({.id = 20, .kind = static_cast<kind>(42)}));
  EXPECT_EQ(items.find(R"({"where":{"id":20}})").value()[0].to_json(), R"({"id":20,"kind":42,"spare":null})");
}

TEST_F(EnumFields, FiltersTakeNamesOrValues) {
  EXPECT_EQ(ids(R"({"where":{"kind":"sword"}})"), (ids_t{1, 3}));
  EXPECT_EQ(ids(R"({"where":{"kind":{"neq":"sword"}}})"), (ids_t{2}));
  EXPECT_EQ(ids(R"({"where":{"kind":{"inq":["potion","shield"]}}})"), (ids_t{2}));
  EXPECT_EQ(ids(R"({"where":{"spare":{"inq":["shield",null]}},"order":["id"]})"), (ids_t{1, 2, 3}));
  EXPECT_EQ(ids(R"({"where":{"kind":{"gt":"sword"}}})"), (ids_t{2}));  // by underlying value
  EXPECT_EQ(ids(R"({"where":{"kind":7}})"), (ids_t{2}));
  EXPECT_EQ(ids(R"({"order":["kind DESC","id ASC"]})"), (ids_t{2, 1, 3}));
  auto typed = items.find(filter<Item>{}.where(field(&Item::kind) == kind::potion));
  ASSERT_TRUE(typed);
  ASSERT_EQ(typed->size(), 1u);
  EXPECT_EQ((*typed)[0]->id, 2);
  EXPECT_EQ(items.count(field(&Item::spare).inq({kind::shield})).value(), 1u);
}

// A hashed index on an enum field (or an optional one) finds what a scan
// finds, by name, by value and by enumerator: its lookup once found nothing.
TEST_F(EnumFields, AHashedIndexOnAnEnumFieldFindsWhatAScanFinds) {
  using indexed = relstore::schema<relstore::models<Item>, relstore::index<&Item::kind, relstore::hashed>,
                                   relstore::index<&Item::spare, relstore::hashed>>;
  relstore::store<indexed> idb;
  auto all = items.find();
  ASSERT_TRUE(all);
  for (const auto& row : *all) ASSERT_TRUE(idb.repo<Item>().create(*row));
  auto indexed_items = idb.repo<Item>();
  for (const char* q : {R"({"where":{"kind":"sword"},"order":["id"]})", R"({"where":{"kind":7}})",
                        R"({"where":{"kind":{"inq":["potion","shield"]}}})", R"({"where":{"spare":"shield"}})",
                        R"({"where":{"spare":null},"order":["id"]})"}) {
    const ids_t want = ids(q);
    EXPECT_FALSE(want.empty()) << q;
    EXPECT_EQ(find_ids(indexed_items, std::string(q)), want) << q;
  }
  EXPECT_EQ(indexed_items.count(field(&Item::kind) == kind::potion).value(), 1u);
  EXPECT_EQ(indexed_items.count(field(&Item::kind) == kind::shield).value(), 0u);
  EXPECT_EQ(indexed_items.count(field(&Item::spare).inq({kind::shield})).value(), 1u);
}

// Regression: the message showed the enumerator's integer ("= 1").
TEST_F(EnumFields, AUniqueIndexOnAnEnumFieldNamesTheTakenEnumerator) {
  using unique_kind = relstore::schema<relstore::models<Item>, relstore::index<&Item::kind, relstore::unique>>;
  relstore::store<unique_kind> udb;
  auto unique_items = udb.repo<Item>();
  ASSERT_TRUE(unique_items.create_json(R"({"id":1,"kind":"shield"})"));
  auto r = unique_items.create_json(R"({"id":2,"kind":"shield"})");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::already_exists);
  EXPECT_NE(r.error().message().find("Item.kind = \"shield\""), std::string::npos) << r.error().message();
  EXPECT_EQ(unique_items.count().value(), 1u);
}

TEST_F(EnumFields, AnUnknownNameIsRejectedNamingTheEnumFieldAndValue) {
  expect_error(items.create_json(R"({"id":9,"kind":"axe"})"), errc::invalid_argument,
               {"Item.kind", "\"axe\" is not a kind", "sword, shield, potion"});
  expect_error(items.create_json(R"({"id":9,"kind":3})"), errc::invalid_argument, {"Item.kind", "3", "kind"});
  expect_error(items.create_json(R"({"id":9,"kind":true})"), errc::invalid_argument, {"Item.kind", "kind"});
  expect_error(items.parse_patch(R"({"spare":"bow"})"), errc::invalid_argument, {"Item.spare", "\"bow\"", "kind"});
  expect_error(items.update_by_id(1, relstore::patch<Item>{}.set(&Item::kind, static_cast<kind>(3))),
               errc::invalid_argument, {"Item.kind", "3", "kind"});
  // A filter's errors are invalid_filter, as for every malformed filter.
  expect_error(items.find(R"({"where":{"kind":"axe"}})"), errc::invalid_filter, {"Item", "kind", "\"axe\"", "kind"});
  expect_error(items.find(R"({"where":{"kind":{"like":"s%"}}})"), errc::invalid_filter, {"kind", "string field"});
}

TEST_F(EnumFields, PatchesTakeNames) {
  auto p = items.parse_patch(R"({"kind":"shield","spare":null})");
  ASSERT_TRUE(p) << p.error().message();
  auto u = items.update_by_id(2, *p);
  ASSERT_TRUE(u) << u.error().message();
  EXPECT_EQ(u->kind, kind::shield);
  EXPECT_EQ(u->spare, std::nullopt);
  auto t = items.update_by_id(1, relstore::patch<Item>{}.set(&Item::kind, kind::potion));
  ASSERT_TRUE(t) << t.error().message();
  EXPECT_EQ(t->kind, kind::potion);
}

}  // namespace

}  // namespace enum_fields_test
