// float, int8/int16, uint8/uint16/uint64 fields in snapshots: every archive
// keeps every extreme, a type may widen between a snapshot and a program but
// not narrow, and a column holding a value its type cannot is corrupt.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <relstore/snapshot.hpp>

#include "common/edge_schema.hpp"
#include "common/game_schema.hpp"
#include "common/snapshot_helpers.hpp"

namespace field_types_test {

namespace {

using relstore::errc;
using relstore::field_type;

struct cell {
  std::string name;
  field_type type;
  relstore::value v;
};

// A dataset of one model `name` and one row: an int64 id of 1 and `cells`.
relstore::dataset one_row(const std::string& name, const std::vector<cell>& cells) {
  std::vector<relstore::field_info> fields;
  std::vector<relstore::value> values;
  for (const auto& c : cells) {
    fields.push_back({.name = c.name, .type = c.type});
    values.push_back(c.v);
  }
  return test::one_row(name, fields, values);
}
using test::snapshot_of;

class FieldTypeSnapshot : public ::testing::TestWithParam<relstore::archive_format> {};

TEST_P(FieldTypeSnapshot, EveryExtremeRoundTrips) {
  game::store db;
  game::fill(db);
  auto special =
      db.repo<game::Unit>().create({.id = 5, .speed = std::numeric_limits<float>::quiet_NaN(), .boost = -0.0f});
  ASSERT_TRUE(special) << special.error().message();
  ASSERT_TRUE(db.repo<game::Unit>().create({.id = 6, .speed = -std::numeric_limits<float>::infinity()}));
  std::stringstream buf;
  ASSERT_TRUE(relstore::save(db, buf, {.format = GetParam()}));
  game::store loaded;
  auto r = relstore::load(loaded, buf);
  ASSERT_TRUE(r) << r.error().message();
  for (const auto& u : game::extreme_units()) EXPECT_EQ(loaded.repo<game::Unit>().find_by_id(u.id).value(), u);
  const auto five = loaded.repo<game::Unit>().find_by_id(5).value();
  EXPECT_TRUE(std::isnan(five.speed));
  ASSERT_TRUE(five.boost);
  EXPECT_TRUE(*five.boost == 0 && std::signbit(*five.boost));
  EXPECT_EQ(loaded.repo<game::Unit>().find_by_id(6).value().speed, -std::numeric_limits<float>::infinity());
}

INSTANTIATE_TEST_SUITE_P(Formats, FieldTypeSnapshot,
                         ::testing::Values(relstore::archive_format::binary, relstore::archive_format::text,
                                           relstore::archive_format::xml));

TEST(FieldTypeEvolution, NarrowerTypesWidenOnLoad) {
  // edges::Value has int32 small, uint32 count, double real: a snapshot that
  // held them as int8, uint16 and float32 loads with the values kept.
  auto buf = snapshot_of(one_row("Value", {{"small", field_type::int8, std::int64_t{-128}},
                                           {"count", field_type::uint16, std::int64_t{65535}},
                                           {"real", field_type::float32, 0.1f}}));
  edges::store db;
  auto r = relstore::load(db, buf);
  ASSERT_TRUE(r) << r.error().message();
  const auto v = db.repo<edges::Value>().find_by_id(1).value();
  EXPECT_EQ(v.small, -128);
  EXPECT_EQ(v.count, 65535u);
  EXPECT_EQ(v.real, static_cast<double>(0.1f));

  // game::Unit: int8 height -> int16, uint8 ammo -> uint16, uint32 serial -> uint64.
  auto unit = snapshot_of(one_row("Unit", {{"height", field_type::int8, std::int64_t{-5}},
                                           {"ammo", field_type::uint8, std::int64_t{255}},
                                           {"serial", field_type::uint32, std::int64_t{4294967295}}}));
  game::store g;
  auto u = relstore::load(g, unit);
  ASSERT_TRUE(u) << u.error().message();
  const auto got = g.repo<game::Unit>().find_by_id(1).value();
  EXPECT_EQ(got.height, -5);
  EXPECT_EQ(got.ammo, 255);
  EXPECT_EQ(got.serial, 4294967295u);
}

TEST(FieldTypeEvolution, NarrowingOrChangingSignIsASchemaMismatch) {
  auto expect_mismatch = [](const std::string& name, field_type in_snapshot, const relstore::value& v,
                            const std::string& says) {
    SCOPED_TRACE(name);
    auto buf = snapshot_of(one_row("Unit", {{name, in_snapshot, v}}));
    game::store db;
    auto r = relstore::load(db, buf);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, errc::schema_mismatch);
    EXPECT_NE(r.error().message().find(says), std::string::npos) << r.error().message();
  };
  // Even when the value would fit: the rule is by type, not by value.
  expect_mismatch("level", field_type::uint16, std::int64_t{1}, "Unit.level is uint16 in the snapshot but uint8");
  expect_mismatch("tilt", field_type::uint8, std::int64_t{1}, "Unit.tilt is uint8 in the snapshot but int8");
  expect_mismatch("ammo", field_type::int16, std::int64_t{1}, "Unit.ammo is int16 in the snapshot but uint16");
  expect_mismatch("serial", field_type::int64, std::int64_t{1}, "Unit.serial is int64 in the snapshot but uint64");
  expect_mismatch("speed", field_type::float64, 0.5, "Unit.speed is float64 in the snapshot but float32");
  expect_mismatch("speed", field_type::int8, std::int64_t{1}, "Unit.speed is int8 in the snapshot but float32");
}

TEST(FieldTypeEvolution, AColumnHoldingWhatItsTypeCannotIsCorrupt) {
  auto expect_corrupt = [](field_type type, auto poke, const std::string& says) {
    auto ds = one_row("Unit", {{"x", type, std::int64_t{0}}});
    poke(ds.cells(0, 1));
    auto buf = snapshot_of(ds);
    auto back = relstore::read_snapshot(buf);
    ASSERT_FALSE(back);
    EXPECT_EQ(back.error().code, errc::snapshot_corrupt);
    EXPECT_NE(back.error().message().find(says), std::string::npos) << back.error().message();
  };
  expect_corrupt(
      field_type::uint8, [](relstore::column& c) { c.ints[0] = 256; }, "Unit.x: value 256 at row 0");
  expect_corrupt(
      field_type::int8, [](relstore::column& c) { c.ints[0] = -129; }, "out of range for int8");
  expect_corrupt(
      field_type::uint16, [](relstore::column& c) { c.ints[0] = -1; }, "out of range for uint16");
  expect_corrupt(
      field_type::float32, [](relstore::column& c) { c.doubles[0] = 0.1; }, "is not a float32");
  expect_corrupt(
      field_type::float32, [](relstore::column& c) { c.doubles[0] = 1e300; }, "is not a float32");
}

// uint64 values above INT64_MAX sit in the snapshot's int64 column as their
// two's complement bits: the dataset reads them back as the same uint64.
TEST(FieldTypeEvolution, Uint64AboveInt64MaxReadsBackFromTheDataset) {
  game::store db;
  game::fill(db);
  const auto ds = test::dataset_of(db);
  const auto serial = *ds.model(0).find_field("serial");
  EXPECT_EQ(ds.get(0, 1, serial), relstore::value_view(game::uint64_max));
  EXPECT_EQ(ds.cells(0, serial).ints[1], -1);
  EXPECT_EQ(ds.get(0, 3, serial), relstore::value_view(game::int64_max + 1));
  EXPECT_EQ(ds.get(0, 2, serial), relstore::value_view(static_cast<std::int64_t>(game::int64_max)));
}

}  // namespace

}  // namespace field_types_test
