// std::array fields in snapshots: every archive keeps every element (NaN and
// -0.0 included), the schema names the element type and length, an array may
// widen its element type between a snapshot and a program but never change
// its length, and a column holding an element its type cannot is corrupt.
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include <relstore/snapshot.hpp>

#include "common/game_schema.hpp"
#include "common/hostile_writer.hpp"
#include "common/snapshot_helpers.hpp"

namespace array_fields_test {

namespace {

using relstore::errc;
using relstore::field_type;

struct array_cell {
  std::string name;
  field_type element;
  std::uint32_t extent;
  relstore::value v;
};

// An array of `items` as a run-time value.
relstore::value array_of(std::initializer_list<relstore::value_view> items) {
  relstore::array_value a;
  a.items.assign(items.begin(), items.end());
  return a;
}

// A dataset of one model `name` and one row: an int64 id of 1 and `cells`.
relstore::dataset one_row(const std::string& name, const std::vector<array_cell>& cells) {
  std::vector<relstore::field_info> fields;
  std::vector<relstore::value> values;
  for (const auto& c : cells) {
    fields.push_back({.name = c.name, .type = field_type::array, .element = c.element, .extent = c.extent});
    values.push_back(c.v);
  }
  return test::one_row(name, fields, values);
}
using test::snapshot_of;

class ArraySnapshot : public ::testing::TestWithParam<relstore::archive_format> {};

TEST_P(ArraySnapshot, EveryElementRoundTrips) {
  game::store db;
  game::fill_bodies(db);
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  ASSERT_TRUE(db.repo<game::Body>().create({.id = 4,
                                            .position = {-0.0f, std::numeric_limits<float>::infinity(), 1e-45f},
                                            .velocity = {nan, -std::numeric_limits<double>::infinity()}}));
  std::stringstream buf;
  ASSERT_TRUE(relstore::save(db, buf, {.format = GetParam()}));
  if (GetParam() == relstore::archive_format::xml) {  // readable: the schema names element and length
    EXPECT_NE(buf.str().find("<element>6</element>"), std::string::npos);
    EXPECT_NE(buf.str().find("<extent>3</extent>"), std::string::npos);
  }
  game::store loaded;
  auto r = relstore::load(loaded, buf);
  ASSERT_TRUE(r) << r.error().message();
  for (const auto& b : game::extreme_bodies()) EXPECT_EQ(loaded.repo<game::Body>().find_by_id(b.id).value(), b);
  const auto four = loaded.repo<game::Body>().find_by_id(4).value();
  EXPECT_TRUE(four.position[0] == 0 && std::signbit(four.position[0]));
  EXPECT_EQ(four.position[1], std::numeric_limits<float>::infinity());
  EXPECT_EQ(four.position[2], 1e-45f);
  EXPECT_TRUE(std::isnan(four.velocity[0]));
  EXPECT_EQ(four.velocity[1], -std::numeric_limits<double>::infinity());
  EXPECT_EQ(four.color, std::nullopt);
}

INSTANTIATE_TEST_SUITE_P(Formats, ArraySnapshot,
                         ::testing::Values(relstore::archive_format::binary, relstore::archive_format::text,
                                           relstore::archive_format::xml));

TEST(ArraySnapshotDataset, CellsAreTheElementsRowByRow) {
  game::store db;
  game::fill_bodies(db);
  const auto ds = test::dataset_of(db);
  const auto m = *ds.find_model("Body");
  const auto tags = *ds.model(m).find_field("tags");
  const auto tilt = *ds.model(m).find_field("tilt");
  const auto color = *ds.model(m).find_field("color");
  EXPECT_EQ(ds.model(m).fields[tags].extent, 2u);
  EXPECT_EQ(ds.cells(m, tilt).ints, (relstore::cell_vector<std::int64_t>{-128, 127, 0, -1, 1, 2}));
  EXPECT_EQ(ds.cells(m, tags).ints[1], -1);  // uint64 bits, as a scalar's
  EXPECT_EQ(ds.cells(m, color).nulls, (relstore::cell_vector<std::uint8_t>{1, 0, 0}));
  const relstore::value_view v = ds.get(m, 1, tags);
  EXPECT_EQ(relstore::describe(v), "[9223372036854775807,9223372036854775808]");
  EXPECT_EQ(relstore::describe(ds.get(m, 0, color)), "null");

  // A dataset's set checks the length and each element.
  relstore::dataset copy = test::dataset_of(db);
  std::string why;
  EXPECT_FALSE(copy.set(m, 0, tilt, array_of({std::int64_t{1}}), &why));
  EXPECT_NE(why.find("expects int8[2], got 1 elements [1]"), std::string::npos) << why;
  EXPECT_FALSE(copy.set(m, 0, tilt, array_of({std::int64_t{1}, std::int64_t{300}}), &why));
  EXPECT_NE(why.find("300 is out of range for int8"), std::string::npos) << why;
  EXPECT_EQ(copy.cells(m, tilt).ints, ds.cells(m, tilt).ints);
  EXPECT_TRUE(copy.set(m, 0, tilt, array_of({std::int64_t{5}, std::int64_t{-5}}), &why)) << why;
  EXPECT_EQ(relstore::describe(copy.get(m, 0, tilt)), "[5,-5]");
}

TEST(ArrayEvolution, AnElementTypeWidensOnLoad) {
  // game::Body has int8[2] tilt, int16[4] color, double[2] velocity: a
  // snapshot holding int8[4] color and float32[2] velocity loads.
  auto buf = snapshot_of(
      one_row("Body", {{"tilt", field_type::int8, 2, array_of({std::int64_t{-1}, std::int64_t{1}})},
                       {"color", field_type::int8, 4,
                        array_of({std::int64_t{-128}, std::int64_t{127}, std::int64_t{0}, std::int64_t{1}})},
                       {"velocity", field_type::float32, 2, array_of({0.5, static_cast<double>(0.1f)})}}));
  game::store db;
  auto r = relstore::load(db, buf);
  ASSERT_TRUE(r) << r.error().message();
  const auto b = db.repo<game::Body>().find_by_id(1).value();
  EXPECT_EQ(b.tilt, (std::array<std::int8_t, 2>{-1, 1}));
  EXPECT_EQ(b.color, (std::array<std::int16_t, 4>{-128, 127, 0, 1}));
  EXPECT_EQ(b.velocity, (std::array<double, 2>{0.5, static_cast<double>(0.1f)}));
}

TEST(ArrayEvolution, ALengthChangeOrANarrowerElementIsASchemaMismatch) {
  auto expect_mismatch = [](array_cell c, const std::string& says) {
    SCOPED_TRACE(c.name);
    auto buf = snapshot_of(one_row("Body", {std::move(c)}));
    game::store db;
    auto r = relstore::load(db, buf);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, errc::schema_mismatch);
    EXPECT_NE(r.error().message().find(says), std::string::npos) << r.error().message();
  };
  const relstore::value three = array_of({std::int64_t{1}, std::int64_t{2}, std::int64_t{3}});
  expect_mismatch({"tilt", field_type::int8, 3, three}, "Body.tilt is int8[3] in the snapshot but int8[2]");
  expect_mismatch({"position", field_type::float64, 3, three},
                  "Body.position is float64[3] in the snapshot but float32[3]");
  expect_mismatch({"color", field_type::uint16, 3, three}, "Body.color is uint16[3] in the snapshot but int16[4]");
  expect_mismatch({"tags", field_type::int64, 3, three}, "Body.tags is int64[3] in the snapshot but uint64[2]");

  // A scalar never becomes an array, nor an array a scalar.
  relstore::model_info m;
  m.name = "Body";
  m.fields.push_back({.name = "id"});
  m.fields.push_back({.name = "position", .type = field_type::float32});
  relstore::registry reg;
  ASSERT_TRUE(reg.add_model(m));
  relstore::dataset ds(reg);
  auto buf = snapshot_of(ds);
  game::store db;
  auto r = relstore::load(db, buf);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message().find("Body.position is float32 in the snapshot but float32[3]"), std::string::npos)
      << r.error().message();
}

TEST(ArrayEvolution, AColumnHoldingAnElementItsTypeCannotIsCorrupt) {
  auto expect_corrupt = [](field_type element, auto poke, const std::string& says) {
    auto ds = one_row("Unit", {{"x", element, 2, array_of({std::int64_t{0}, std::int64_t{0}})}});
    poke(ds.cells(0, 1));
    auto buf = snapshot_of(ds);
    auto back = relstore::read_snapshot(buf);
    ASSERT_FALSE(back);
    EXPECT_EQ(back.error().code, errc::snapshot_corrupt);
    EXPECT_NE(back.error().message().find(says), std::string::npos) << back.error().message();
  };
  expect_corrupt(
      field_type::uint8, [](relstore::column& c) { c.ints[1] = 256; }, "Unit.x: value 256 at row 0");
  expect_corrupt(
      field_type::int16, [](relstore::column& c) { c.ints[0] = 40000; }, "out of range for int16");
  expect_corrupt(
      field_type::float32, [](relstore::column& c) { c.doubles[1] = 0.1; }, "is not a float32");
}

// A file's array schema is checked like every other byte: an element type
// that is no number, a length outside 1..64, an enum array.
TEST(ArrayHostileFiles, AnArrayOfNoNumberOrOfABadLengthIsCorrupt) {
  // One model M(id:int64, a:array of `element`, `extent` long) and one row.
  auto file = [](std::uint8_t code, std::uint8_t element, std::uint32_t extent) {
    test::hostile_writer w;
    w.put<std::uint32_t>(1).text("M").put<std::uint32_t>(0).put<std::uint32_t>(2);
    w.text("id").put<std::uint8_t>(2).put<std::uint8_t>(0);
    w.text("a").put<std::uint8_t>(code).put<std::uint8_t>(0).put<std::uint8_t>(element).put<std::uint32_t>(extent);
    w.put<std::uint32_t>(0);  // relations
    w.put<std::uint64_t>(1).put<std::int64_t>(1);
    for (std::uint32_t i = 0; i < extent && extent <= 64; ++i) w.put<std::int64_t>(-5);
    return w.sealed();
  };
  auto expect_corrupt = [&](std::uint8_t code, std::uint8_t element, std::uint32_t extent, const std::string& says) {
    std::istringstream in(file(code, element, extent));
    auto r = relstore::read_snapshot(in);
    ASSERT_FALSE(r) << says;
    EXPECT_EQ(r.error().code, errc::snapshot_corrupt);
    EXPECT_NE(r.error().message().find(says), std::string::npos) << r.error().message();
  };
  expect_corrupt(12, 0, 2, "field M.a is an array of unknown element type 0");
  expect_corrupt(12, 5, 2, "field M.a is an array of unknown element type 5");
  expect_corrupt(12, 12, 2, "field M.a is an array of unknown element type 12");
  expect_corrupt(12, 7, 0, "field M.a is an array of 0 elements (1 to 64 allowed)");
  expect_corrupt(12, 7, 65, "field M.a is an array of 65 elements (1 to 64 allowed)");
  expect_corrupt(12 | 0x80, 7, 2, "field M.a is an array and an enum");
  expect_corrupt(13, 7, 2, "field M.a has unknown type 13");
  expect_corrupt(12, 9, 2, "M.a: value -5 at row 0 is out of range for uint8");

  std::istringstream good(file(12, 7, 2));
  auto r = relstore::read_snapshot(good);
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(relstore::describe(r->get(0, 0, 1)), "[-5,-5]");
}

}  // namespace

}  // namespace array_fields_test
