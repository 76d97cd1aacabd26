// A where clause reads a number field in place (field_info::offset) and must
// answer exactly as the field's type-erased reader and compare_numbers do.
#include "relstore/detail/where.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "common/edge_schema.hpp"
#include "common/game_schema.hpp"
#include "relstore/dataset.hpp"
#include "relstore/detail/reflect.hpp"
#include "relstore/dump.hpp"

namespace where_test {
namespace {

using relstore::op;
using relstore::value;
using relstore::detail::where_node;

// `m` with no field read in place: evaluate() takes the reader's way.
relstore::model_info read_through_get(const relstore::model_info& m) {
  relstore::model_info copy = m;
  for (auto& f : copy.fields) f.offset = -1;
  return copy;
}

std::vector<value> number_operands() {
  constexpr std::int64_t exact = std::int64_t{1} << 53;
  return {value(std::int64_t{0}),
          value(std::int64_t{-1}),
          value(std::int64_t{7}),
          value(std::int64_t{127}),
          value(std::int64_t{-128}),
          value(std::int64_t{65535}),
          value(std::int64_t{4294967295}),
          value(exact),
          value(exact + 1),
          value(-exact - 1),
          value(std::numeric_limits<std::int64_t>::max()),
          value(std::numeric_limits<std::int64_t>::min()),
          value(0.0),
          value(-0.0),
          value(6.5),
          value(7.0),
          value(-128.5),
          value(1e300),
          value(std::nan("")),
          value(static_cast<double>(exact) * 2),
          value(std::numeric_limits<double>::infinity())};
}

// Every comparison of `field` against every number operand, on each of
// `entities`: the same answer in place and through get.
template <class M>
void expect_same_answers(std::size_t field, const std::vector<M>& entities) {
  const relstore::model_info& in_place = relstore::detail::info_of<M>();
  ASSERT_GE(in_place.fields[field].offset, 0) << in_place.fields[field].name << " is not read in place";
  const relstore::model_info through_get = read_through_get(in_place);
  for (op kind : {op::eq, op::neq, op::gt, op::gte, op::lt, op::lte}) {
    for (const value& o : number_operands()) {
      where_node n;
      n.kind = kind;
      n.field = static_cast<std::uint32_t>(field);
      n.operands = {o};
      for (const M& e : entities) {
        EXPECT_EQ(relstore::detail::evaluate(in_place, n, &e), relstore::detail::evaluate(through_get, n, &e))
            << in_place.fields[field].name << " " << relstore::to_string(kind) << " operand #" << o.index() << " "
            << relstore::describe(o) << " on entity " << e.id;
      }
    }
  }
}

TEST(WhereInPlace, ANumberFieldReadInPlaceAnswersAsItsReaderDoes) {
  using edges::Value;
  constexpr std::int64_t exact = std::int64_t{1} << 53;
  std::vector<Value> values;
  std::int64_t id = 0;
  for (double real : {0.0, -0.0, 6.5, 7.0, -128.5, std::nan(""), 1e300, static_cast<double>(exact),
                      -std::numeric_limits<double>::infinity()}) {
    values.push_back({.id = ++id, .small = -128, .count = 0, .real = real});
  }
  values.push_back({.id = ++id, .small = std::numeric_limits<std::int32_t>::min(), .count = 4294967295U});
  values.push_back({.id = ++id, .small = std::numeric_limits<std::int32_t>::max(), .count = 7});
  values.push_back({.id = ++id, .small = 7, .count = 65535});
  for (std::string_view name : {"small", "count", "real"}) {
    expect_same_answers(relstore::detail::field_index<Value>(name), values);
  }

  using game::Unit;
  std::vector<Unit> units;
  id = 0;
  for (float speed : {0.0F, 6.5F, 7.0F, -128.5F, std::numeric_limits<float>::max(), std::nanf("")}) {
    units.push_back({.id = ++id, .speed = speed, .tilt = -128, .height = 32767, .level = 255, .ammo = 65535});
  }
  units.push_back({.id = ++id, .tilt = 127, .height = -32768, .level = 0, .ammo = 0});
  units.push_back({.id = ++id, .tilt = 7, .height = 7, .level = 7, .ammo = 7});
  for (std::string_view name : {"id", "speed", "tilt", "height", "level", "ammo"}) {
    expect_same_answers(relstore::detail::field_index<Unit>(name), units);
  }
}

// A dataset made from a typed schema's registry holds its rows in columns:
// a where clause must read its cells, not the typed model's offsets.
TEST(WhereInPlace, ADatasetOfATypedSchemaComparesItsOwnCells) {
  relstore::dataset ds(edges::schema::registry());
  const std::size_t m = ds.find_model("Value").value();
  auto field = [&](std::string_view name) { return relstore::detail::field_index<edges::Value>(name); };
  for (std::int64_t i = 1; i <= 3; ++i) {
    const std::size_t row = ds.add_row(m);
    std::string why;
    ASSERT_TRUE(ds.set(m, row, field("id"), value(i), &why)) << why;
    ASSERT_TRUE(ds.set(m, row, field("small"), value(10 * i), &why)) << why;
    ASSERT_TRUE(ds.set(m, row, field("count"), value(std::int64_t{7}), &why)) << why;
    ASSERT_TRUE(ds.set(m, row, field("real"), value(0.5 + static_cast<double>(i)), &why)) << why;
  }
  auto matches = [&](std::string_view filter) {
    std::ostringstream out;
    auto n = relstore::dump_dataset(ds, "Value", filter, out);
    EXPECT_TRUE(n) << filter << ": " << n.error().message();
    return n ? out.str() : std::string();
  };
  const std::string small = matches(R"({"where":{"small":20}})");
  EXPECT_EQ(std::count(small.begin(), small.end(), '\n'), 1) << small;
  EXPECT_NE(small.find(R"("id":2)"), std::string::npos) << small;
  const std::string real = matches(R"({"where":{"real":{"gt":2}}})");
  EXPECT_EQ(std::count(real.begin(), real.end(), '\n'), 2) << real;
  const std::string count = matches(R"({"where":{"count":7}})");
  EXPECT_EQ(std::count(count.begin(), count.end(), '\n'), 3) << count;
}

TEST(WhereInPlace, OnlyAlwaysNumberFieldsAreReadInPlace) {
  const relstore::model_info& unit = relstore::detail::info_of<game::Unit>();
  for (std::string_view name : {"serial", "boost", "token"}) {  // uint64, optional float, optional uint64
    EXPECT_EQ(unit.fields[relstore::detail::field_index<game::Unit>(name)].offset, -1) << name;
  }
  const relstore::model_info& value_model = relstore::detail::info_of<edges::Value>();
  for (std::string_view name : {"flag", "maybe", "text", "note"}) {
    EXPECT_EQ(value_model.fields[relstore::detail::field_index<edges::Value>(name)].offset, -1) << name;
  }
}

}  // namespace
}  // namespace where_test
