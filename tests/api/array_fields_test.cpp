// std::array fields through the typed and JSON front: stored exactly, written
// as JSON arrays, compared whole with eq, neq, inq and nin, refused by every
// other operator and by order, patched whole, and a value that does not fit
// (a wrong length, an element out of range) rejected naming the model, the
// field and the value, with the store unchanged.
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "common/game_schema.hpp"

namespace array_fields_test {

namespace {

using namespace game;
using relstore::errc;
using relstore::field;
using relstore::filter;
using ids_t = std::vector<std::int64_t>;

class ArrayFields : public ::testing::Test {
 protected:
  void SetUp() override { fill_bodies(db); }

  ids_t json_ids(const std::string& json) {
    SCOPED_TRACE(json);
    return find_ids(bodies, json);
  }
  ids_t typed_ids(const filter<Body>& f) { return find_ids(bodies, f); }
  // `r` failed with `code`, its message naming each of `says`, and the store
  // still holds extreme_bodies() exactly.
  template <class R>
  void expect_rejected(const R& r, std::initializer_list<const char*> says, errc code = errc::invalid_argument) {
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, code) << r.error().message();
    for (const char* s : says)
      EXPECT_NE(r.error().message().find(s), std::string::npos) << s << ": " << r.error().message();
    auto all = bodies.find();
    ASSERT_TRUE(all);
    std::vector<Body> now;
    for (const auto& b : *all) now.push_back(*b);
    EXPECT_EQ(now, extreme_bodies());
  }

  store db;
  relstore::repository<schema, Body> bodies = db.repo<Body>();
};

TEST_F(ArrayFields, ModelInfoNamesElementAndLength) {
  const auto& info = relstore::model_info_of<Body>();
  using relstore::field_type;
  ASSERT_EQ(info.fields.size(), 6u);
  EXPECT_EQ(info.fields[1].type, field_type::array);
  EXPECT_EQ(info.fields[1].element, field_type::float32);
  EXPECT_EQ(info.fields[1].extent, 3u);
  EXPECT_EQ(info.fields[3].element, field_type::uint64);
  EXPECT_EQ(info.fields[5].element, field_type::int16);
  EXPECT_EQ(info.fields[5].extent, 4u);
  EXPECT_TRUE(info.fields[5].nullable);
  EXPECT_FALSE(info.fields[1].nullable);
  // Array fields are numbered after every scalar type: codes never move.
  EXPECT_EQ(static_cast<int>(field_type::array), 12);
  EXPECT_EQ(relstore::to_string(field_type::array), "array");
}

TEST_F(ArrayFields, KeepEveryExtremeExactly) {
  for (const Body& b : extreme_bodies()) {
    auto got = bodies.find_by_id(b.id);
    ASSERT_TRUE(got) << got.error().message();
    EXPECT_EQ(*got, b);
  }
}

// An array view is a pointer, a length and an element type: value_view
// stays as small as it was with a string_view its largest alternative.
static_assert(sizeof(relstore::array_view) <= sizeof(std::string_view));
static_assert(sizeof(relstore::value_view) <= 3 * sizeof(void*));

TEST_F(ArrayFields, ViewsReadInPlace) {
  const auto& info = relstore::model_info_of<Body>();
  const Body b = extreme_bodies()[0];
  const relstore::value_view v = info.fields[1].get(&b);
  const auto* a = std::get_if<relstore::array_view>(&v);
  ASSERT_NE(a, nullptr);
  ASSERT_EQ(a->size(), 3u);
  EXPECT_EQ(std::get<double>((*a)[0]), static_cast<double>(0.1f));
  const relstore::value_view tags = info.fields[3].get(&b);
  EXPECT_EQ(std::get<std::uint64_t>(std::get<relstore::array_view>(tags)[1]), uint64_max);
  EXPECT_EQ(std::get<std::int64_t>(std::get<relstore::array_view>(tags)[0]), 0);
  EXPECT_TRUE(std::holds_alternative<relstore::null_t>(info.fields[5].get(&b)));
  EXPECT_EQ(relstore::describe(info.fields[2].get(&b)), "[-128,127]");
}

TEST_F(ArrayFields, JsonWritesArraysOfNumbers) {
  auto rows = bodies.find();
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->size(), 3u);
  EXPECT_EQ((*rows)[0].to_json(), R"({"id":1,"position":[0.1,-2.5,3],"tilt":[-128,127],)"
                                  R"("tags":[0,18446744073709551615],"velocity":[0.5,-1e+300],"color":null})");
  EXPECT_EQ((*rows)[1].to_json(), R"({"id":2,"position":[3.4028235e+38,-3.4028235e+38,0],"tilt":[0,-1],)"
                                  R"("tags":[9223372036854775807,9223372036854775808],"velocity":[1e-300,2],)"
                                  R"("color":[-32768,32767,0,7]})");
}

TEST_F(ArrayFields, JsonReadsWhatItWrites) {
  store copy;
  auto rows = bodies.find();
  ASSERT_TRUE(rows);
  for (const auto& r : *rows) {
    auto c = copy.repo<Body>().create_json(r.to_json());
    ASSERT_TRUE(c) << r.to_json() << ": " << c.error().message();
    EXPECT_EQ(*c, *r);
  }
}

TEST_F(ArrayFields, EqNeqInqNinCompareWholeArraysElementByElement) {
  EXPECT_EQ(json_ids(R"({"where":{"position":[1,2,3]}})"), (ids_t{3}));
  EXPECT_EQ(json_ids(R"({"where":{"position":{"eq":[1.0,2.0,3.0]}}})"), (ids_t{3}));
  // An operand on a float array is rounded as the stored floats were.
  EXPECT_EQ(json_ids(R"({"where":{"position":[0.1,-2.5,3]}})"), (ids_t{1}));
  EXPECT_EQ(json_ids(R"({"where":{"position":{"neq":[1,2,3]}},"order":["id"]})"), (ids_t{1, 2}));
  EXPECT_EQ(json_ids(R"({"where":{"position":[3,2,1]}})"), ids_t{});
  EXPECT_EQ(json_ids(R"({"where":{"tags":[9223372036854775807,9223372036854775808]}})"), (ids_t{2}));
  EXPECT_EQ(json_ids(R"({"where":{"tilt":{"inq":[[1,2],[-128,127],[5,5]]}},"order":["id"]})"), (ids_t{1, 3}));
  EXPECT_EQ(json_ids(R"({"where":{"tilt":{"nin":[[1,2],[9,9],[1,1],[2,2],[3,3],[4,4],[5,5],[6,6],[7,7]]}},)"
                     R"("order":["id"]})"),
            (ids_t{1, 2}));
  // Null only equals null.
  EXPECT_EQ(json_ids(R"({"where":{"color":null}})"), (ids_t{1}));
  EXPECT_EQ(json_ids(R"({"where":{"color":{"neq":null}},"order":["id"]})"), (ids_t{2, 3}));
  EXPECT_EQ(json_ids(R"({"where":{"color":[1,2,3,4]}})"), (ids_t{3}));
  EXPECT_EQ(json_ids(R"({"where":{"color":{"inq":[null,[1,2,3,4]]}},"order":["id"]})"), (ids_t{1, 3}));

  using pos = std::array<float, 3>;
  EXPECT_EQ(typed_ids(filter<Body>{}.where(field(&Body::position) == pos{1, 2, 3})), (ids_t{3}));
  EXPECT_EQ(typed_ids(filter<Body>{}.where(field(&Body::position) == pos{0.1f, -2.5f, 3})), (ids_t{1}));
  EXPECT_EQ(typed_ids(filter<Body>{}.where(field(&Body::position) != pos{1, 2, 3}).order(&Body::id)), (ids_t{1, 2}));
  EXPECT_EQ(
      typed_ids(
          filter<Body>{}
              .where(field(&Body::tilt).inq({std::array<std::int8_t, 2>{1, 2}, std::array<std::int8_t, 2>{0, -1}}))
              .order(&Body::id)),
      (ids_t{2, 3}));
  EXPECT_EQ(typed_ids(filter<Body>{}.where(field(&Body::color).is_null())), (ids_t{1}));
  EXPECT_EQ(typed_ids(filter<Body>{}.where(field(&Body::color) == std::array<std::int16_t, 4>{1, 2, 3, 4})),
            (ids_t{3}));
}

// Eight or more operands of inq and nin go into a hashed set; an array field
// compared with a set of scalars (nulls) once aborted the process.
TEST_F(ArrayFields, InqAndNinOfManyNullsAnswerAsOfFew) {
  for (const char* op : {"inq", "nin"}) {
    for (const char* f : {"position", "color"}) {
      std::string few = std::string(R"({"where":{")") + f + R"(":{")" + op + R"(":[null,null]}},"order":["id"]})";
      std::string many = std::string(R"({"where":{")") + f + R"(":{")" + op + R"(":[)";
      for (int i = 0; i < 8; ++i) many += i ? ",null" : "null";
      many += R"(]}},"order":["id"]})";
      EXPECT_EQ(json_ids(many), json_ids(few)) << many;
    }
  }
  EXPECT_EQ(json_ids(R"({"where":{"color":{"inq":[null,null,null,null,null,null,null,null]}}})"), (ids_t{1}));
  EXPECT_EQ(json_ids(R"({"where":{"position":{"nin":[null,null,null,null,null,null,null,null]}},"order":["id"]})"),
            (ids_t{1, 2, 3}));
}

TEST_F(ArrayFields, OtherOperatorsAndOrderAreInvalidFilters) {
  for (const char* json :
       {R"({"where":{"position":{"gt":[1,2,3]}}})", R"({"where":{"position":{"lte":[1,2,3]}}})",
        R"({"where":{"position":{"between":[[1,2,3],[4,5,6]]}}})", R"({"where":{"position":{"like":"1%"}}})"}) {
    auto r = bodies.find(json);
    ASSERT_FALSE(r) << json;
    EXPECT_EQ(r.error().code, errc::invalid_filter);
    EXPECT_NE(r.error().message().find("Body.position"), std::string::npos) << r.error().message();
  }
  auto gt = bodies.find(R"({"where":{"position":{"gt":[1,2,3]}}})");
  EXPECT_NE(gt.error().message().find("an array field takes eq, neq, inq and nin only"), std::string::npos)
      << gt.error().message();
  auto order = bodies.find(R"({"order":["position ASC"]})");
  ASSERT_FALSE(order);
  EXPECT_EQ(order.error().code, errc::invalid_filter);
  EXPECT_NE(order.error().message().find("order by position: an array field has no order"), std::string::npos)
      << order.error().message();
}

TEST_F(ArrayFields, OperandsOfTheWrongShapeAreInvalidFilters) {
  for (const char* json :
       {R"({"where":{"position":[1,2]}})", R"({"where":{"position":[1,2,3,4]}})", R"({"where":{"position":5}})",
        R"({"where":{"position":[1,"a",3]}})", R"({"where":{"position":[[1],2,3]}})", R"({"where":{"id":[1,2,3]}})",
        R"({"where":{"tilt":{"inq":[[1,2],[1]]}}})"}) {
    auto r = bodies.find(json);
    ASSERT_FALSE(r) << json;
    EXPECT_EQ(r.error().code, errc::invalid_filter) << json;
  }
  auto short_one = bodies.find(R"({"where":{"position":[1,2]}})");
  EXPECT_NE(short_one.error().message().find("has 2 elements, but the field is float32[3]"), std::string::npos)
      << short_one.error().message();
}

TEST_F(ArrayFields, ValuesThatDoNotFitAreRejectedFromJson) {
  expect_rejected(bodies.create_json(R"({"id":9,"position":[1,2]})"), {"Body", "position", "[1,2]", "float32[3]"});
  expect_rejected(bodies.create_json(R"({"id":9,"position":[1,2,3,4]})"), {"Body", "position", "4 elements"});
  expect_rejected(bodies.create_json(R"({"id":9,"tilt":[1,128]})"), {"Body", "tilt", "128", "int8"});
  expect_rejected(bodies.create_json(R"({"id":9,"tilt":[1.5,1]})"), {"Body", "tilt", "1.5"});
  expect_rejected(bodies.create_json(R"({"id":9,"tags":[-1,0]})"), {"Body", "tags", "-1", "uint64"});
  expect_rejected(bodies.create_json(R"({"id":9,"position":[1e39,0,0]})"), {"Body", "position", "1e+39", "float32"});
  expect_rejected(bodies.create_json(R"({"id":9,"position":[1,"a",3]})"), {"Body", "position"});
  expect_rejected(bodies.create_json(R"({"id":9,"position":[1,null,3]})"), {"Body", "position"});
  expect_rejected(bodies.create_json(R"({"id":9,"position":3})"), {"Body", "position", "float32[3]"});
  expect_rejected(bodies.create_json(R"({"id":9,"position":null})"), {"Body", "position", "null"});
  expect_rejected(bodies.create_json(R"({"id":9,"color":[1,2,3,40000]})"), {"Body", "color", "40000", "int16"});
}

TEST_F(ArrayFields, PatchesThatDoNotFitAreRejected) {
  expect_rejected(bodies.parse_patch(R"({"position":[1,2]})"), {"Body", "position", "[1,2]"});
  expect_rejected(bodies.parse_patch(R"({"tilt":[0,-129]})"), {"Body", "tilt", "-129"});
  // A typed patch's array has the field's element type (checked at compile
  // time), so only a JSON patch can hold an element that does not fit.
  auto bad = bodies.parse_patch(R"({"position":[1,2,3],"color":[1,2,3,70000]})");
  expect_rejected(bad, {"Body", "color", "70000", "int16"});
}

TEST_F(ArrayFields, PatchesThatFitAreApplied) {
  auto p = bodies.parse_patch(R"({"position":[4,5.5,-6],"color":[9,8,7,6],"tags":[18446744073709551614,1]})");
  ASSERT_TRUE(p) << p.error().message();
  auto b = bodies.update_by_id(1, *p);
  ASSERT_TRUE(b) << b.error().message();
  EXPECT_EQ(b->position, (std::array<float, 3>{4, 5.5f, -6}));
  EXPECT_EQ(b->color, (std::array<std::int16_t, 4>{9, 8, 7, 6}));
  EXPECT_EQ(b->tags, (std::array<std::uint64_t, 2>{uint64_max - 1, 1}));
  auto t = bodies.update_by_id(2, relstore::patch<Body>{}
                                      .set(&Body::position, std::array<float, 3>{0.1f, 0.2f, 0.3f})
                                      .set(&Body::color, relstore::null));
  ASSERT_TRUE(t) << t.error().message();
  EXPECT_EQ(t->position, (std::array<float, 3>{0.1f, 0.2f, 0.3f}));
  EXPECT_EQ(t->color, std::nullopt);
  auto n = bodies.update_all(relstore::patch<Body>{}.set(&Body::velocity, std::array<double, 2>{7, 8}),
                             field(&Body::position) == std::array<float, 3>{1, 2, 3});
  ASSERT_TRUE(n) << n.error().message();
  EXPECT_EQ(*n, 1u);
  EXPECT_EQ(bodies.find_by_id(3)->velocity, (std::array<double, 2>{7, 8}));
}

// A typed patch takes an std::optional value for an optional field: its
// value when it has one, else null (another entity's field copied over).
TEST_F(ArrayFields, ATypedPatchSetsAnOptionalArrayFromAnOptional) {
  const std::optional<std::array<std::int16_t, 4>> some = std::array<std::int16_t, 4>{4, 3, 2, 1}, none;
  auto s = bodies.update_by_id(1, relstore::patch<Body>{}.set(&Body::color, some));
  ASSERT_TRUE(s) << s.error().message();
  EXPECT_EQ(s->color, some);
  auto n = bodies.update_by_id(3, relstore::patch<Body>{}.set(&Body::color, none));
  ASSERT_TRUE(n) << n.error().message();
  EXPECT_EQ(n->color, std::nullopt);
  EXPECT_EQ(bodies.find_by_id(3)->color, std::nullopt);
  auto from = bodies.update_by_id(2, relstore::patch<Body>{}.set(&Body::color, bodies.find_by_id(1)->color));
  ASSERT_TRUE(from) << from.error().message();
  EXPECT_EQ(from->color, some);
}

TEST_F(ArrayFields, AnUpdateThatChangesNoElementIsNoChange) {
  int events = 0;
  auto sub = db.on<Body>(relstore::on_update_event, [&](const relstore::event<Body>&) { ++events; });
  ASSERT_TRUE(bodies.update_by_id(3, relstore::patch<Body>{}.set(&Body::position, std::array<float, 3>{1, 2, 3})));
  EXPECT_EQ(events, 0);
  ASSERT_TRUE(bodies.update_by_id(3, relstore::patch<Body>{}.set(&Body::position, std::array<float, 3>{1, 2, 4})));
  EXPECT_EQ(events, 1);
}

}  // namespace

}  // namespace array_fields_test
