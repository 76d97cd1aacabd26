// column_table: rows without C++ types, with the indexes the run-time
// pipelines ask for.
#include "relstore/detail/column_table.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <string>
#include <utility>
#include <vector>

namespace column_table_test {

namespace {

using relstore::field_type;
using relstore::value;
using relstore::value_view;
using relstore::detail::column_table;
using relstore::detail::index_kind;

relstore::model_info order_model() {
  relstore::model_info m;
  m.name = "Order";
  m.fields = {{"id", field_type::int64, false},
              {"customerId", field_type::int64, true},
              {"code", field_type::string, false},
              {"qty", field_type::int32, false}};
  return column_table::with_column_accessors(m);
}

class ColumnTable : public ::testing::Test {
 protected:
  void SetUp() override {
    t.add_index(1, false);
    t.add_index(2, true);
    // id, customerId, code
    add(1, value(std::int64_t{10}), "a");
    add(2, value(std::int64_t{20}), "b");
    add(3, value(std::int64_t{10}), "c");
    add(4, value(relstore::null), "d");
  }
  void add(std::int64_t id, value customer, std::string code) {
    const std::size_t r = t.add_row();
    std::string why;
    ASSERT_TRUE(t.set(r, 0, id, &why)) << why;
    ASSERT_TRUE(t.set(r, 1, customer, &why)) << why;
    ASSERT_TRUE(t.set(r, 2, std::move(code), &why)) << why;
  }
  std::vector<std::int64_t> ids_equal(std::size_t field, const value_view& key) const {
    std::vector<std::int64_t> out;
    t.for_each_equal(field, key, [&](const void* e) { out.push_back(std::get<std::int64_t>(t.get(t.row_of(e), 0))); });
    return out;
  }

  relstore::model_info info = order_model();
  column_table t{info};
};

TEST_F(ColumnTable, IndexesAnswerEqualityLikeATypedTable) {
  EXPECT_EQ(t.index_on(0), index_kind::unique);
  EXPECT_EQ(t.index_on(1), index_kind::non_unique);
  EXPECT_EQ(t.index_on(2), index_kind::unique);
  EXPECT_EQ(t.index_on(3), index_kind::none);
  EXPECT_EQ(ids_equal(1, std::int64_t{10}), (std::vector<std::int64_t>{1, 3})) << "in row order";
  EXPECT_EQ(ids_equal(1, 10.0), (std::vector<std::int64_t>{1, 3})) << "an integral double equals the integer";
  EXPECT_TRUE(ids_equal(1, 10.5).empty()) << "a fraction equals no integer key";
  EXPECT_TRUE(ids_equal(1, std::string_view("10")).empty()) << "a string equals no integer key";
  EXPECT_EQ(ids_equal(1, relstore::null), (std::vector<std::int64_t>{4})) << "null finds the null keys";
  ASSERT_NE(t.find(2, std::string_view("c")), nullptr);
  EXPECT_EQ(t.row_of(t.find(2, std::string_view("c"))), 2u);
  EXPECT_EQ(t.find(0, std::int64_t{99}), nullptr);
}

TEST_F(ColumnTable, DistinctSkipsNullsAndDuplicatesAreReportedInRowOrder) {
  std::vector<std::size_t> distinct;
  t.for_each_distinct(1, [&](const void* e) { distinct.push_back(t.row_of(e)); });
  EXPECT_EQ(distinct, (std::vector<std::size_t>{0, 1}));
  add(5, value(std::int64_t{20}), "a");  // code "a" repeats row 0's
  add(1, value(std::int64_t{20}), "e");  // id 1 repeats row 0's
  std::vector<std::size_t> dup_codes, dup_ids;
  t.for_each_duplicate(2, [&](const void* e) { dup_codes.push_back(t.row_of(e)); });
  t.for_each_duplicate(0, [&](const void* e) { dup_ids.push_back(t.row_of(e)); });
  EXPECT_EQ(dup_codes, (std::vector<std::size_t>{4}));
  EXPECT_EQ(dup_ids, (std::vector<std::size_t>{5}));
}

TEST_F(ColumnTable, SetRejectsWhatDoesNotFitAndKeepsTheCell) {
  std::string why;
  EXPECT_FALSE(t.set(0, 3, std::int64_t{1} << 40, &why));
  EXPECT_NE(why.find("out of range for int32"), std::string::npos) << why;
  EXPECT_FALSE(t.set(0, 0, relstore::null, &why)) << "id is not optional";
  EXPECT_EQ(t.get(0, 0), value_view(std::int64_t{1}));
  EXPECT_TRUE(t.check());
}

TEST_F(ColumnTable, CheckFindsWhatABadFileCouldHold) {
  t.at(3).ints[1] = std::int64_t{1} << 40;
  auto r = t.check();
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message().find("Order.qty: value 1099511627776 at row 1 is out of range for int32"),
            std::string::npos)
      << r.error().message();
  t.at(3).ints[1] = 0;
  t.at(1).nulls[0] = 2;
  EXPECT_FALSE(t.check());
  t.at(1).nulls[0] = 0;
  t.at(2).strings.pop_back();
  EXPECT_FALSE(t.check()) << "a column shorter than the rows";
}

TEST_F(ColumnTable, EraseAndSetNullKeepTheOtherRowsAndTheirIndexes) {
  t.set_null({t.entity(0)}, 1, {});
  EXPECT_EQ(t.get(0, 1), value_view(relstore::null));
  t.erase({t.entity(1), t.entity(3)}, nullptr);
  ASSERT_EQ(t.rows(), 2u);
  EXPECT_EQ(t.get(0, 0), value_view(std::int64_t{1}));
  EXPECT_EQ(t.get(1, 0), value_view(std::int64_t{3}));
  EXPECT_EQ(ids_equal(1, std::int64_t{10}), (std::vector<std::int64_t>{3}));
  EXPECT_EQ(t.find(2, std::string_view("b")), nullptr);
}

// A delete's plan holds entity pointers across its set-nulls and its erase
// (cascade.cpp apply_delete): a set-null must not move them. Before the
// fix, ASan saw the erase read the freed pointer array.
TEST_F(ColumnTable, SetNullKeepsEntityPointersTakenBeforeIt) {
  const void* first = t.entity(0);
  const void* second = t.entity(1);
  t.set_null({first}, 1, {});
  EXPECT_EQ(t.row_of(second), 1u);
  t.erase({second}, nullptr);
  ASSERT_EQ(t.rows(), 3u);
  EXPECT_EQ(t.get(0, 1), value_view(relstore::null));
  EXPECT_EQ(t.get(1, 0), value_view(std::int64_t{3}));
}

// An integer column written through a reference held across a read leaves
// that read's index stale (the documented misuse; for a string field it is
// undefined behaviour): distinct visits the row the
// index does not know, without reading past the index (it crashed before).
// Taking the column again gives a fresh index.
TEST_F(ColumnTable, AStaleIndexIsNoCrashAndTakingTheColumnAgainRebuildsIt) {
  auto& customers = t.at(1);
  EXPECT_EQ(ids_equal(1, std::int64_t{10}), (std::vector<std::int64_t>{1, 3}));  // indexes the column
  customers.ints[0] = 99;
  std::vector<std::size_t> distinct;
  t.for_each_distinct(1, [&](const void* e) { distinct.push_back(t.row_of(e)); });
  EXPECT_EQ(distinct, (std::vector<std::size_t>{0, 1})) << "99 is in no group of the stale index";
  (void)t.at(1);
  EXPECT_EQ(ids_equal(1, std::int64_t{99}), (std::vector<std::int64_t>{1}));
  EXPECT_EQ(ids_equal(1, std::int64_t{10}), (std::vector<std::int64_t>{3}));
}

// Two rows holding one key (a damaged file): sorted by key and then by
// row, so each row's repeats meet and an inq's repeats can be dropped.
TEST_F(ColumnTable, SortByKeyPutsEachRowsRepeatsTogether) {
  add(1, value(std::int64_t{20}), "e");  // row 4 repeats row 0's id
  const void* a = t.entity(0);
  const void* b = t.entity(4);
  std::vector<const void*> hits{a, b, t.entity(1), a, b};
  t.sort_by_key(hits);
  EXPECT_EQ(hits, (std::vector<const void*>{a, a, b, b, t.entity(1)}));
}

// The order a load inserts a model's rows in (grouped by its first foreign
// key): nulls first, then each value's rows in row order, values ascending.
TEST(RowsGroupedBy, NullsFirstThenEachValuesRowsInRowOrder) {
  relstore::detail::column c;
  c.ints = {30, 10, 0, 30, 20, 10, 0};
  c.nulls = {0, 0, 1, 0, 0, 0, 1};
  EXPECT_EQ(relstore::detail::rows_grouped_by(c, 7),
            (relstore::detail::cell_vector<std::uint32_t>{2, 6, 1, 5, 4, 0, 3}));
  c.nulls.clear();  // not nullable: the zeros are values
  EXPECT_EQ(relstore::detail::rows_grouped_by(c, 7),
            (relstore::detail::cell_vector<std::uint32_t>{2, 6, 1, 5, 4, 0, 3}));
  c.ints = {3, 3, 1};
  EXPECT_EQ(relstore::detail::rows_grouped_by(c, 3), (relstore::detail::cell_vector<std::uint32_t>{2, 0, 1}));
}

// Values spread over the whole int64 range take the sorting path, with the
// same order.
TEST(RowsGroupedBy, SparseValuesAtTheEndsOfTheRangeGroupTheSameWay) {
  relstore::detail::column c;
  c.ints = {INT64_MAX, INT64_MIN, 5, INT64_MIN, -7, 5};
  EXPECT_EQ(relstore::detail::rows_grouped_by(c, 6), (relstore::detail::cell_vector<std::uint32_t>{1, 3, 4, 2, 5, 0}));
  c.nulls = {1, 1, 1, 1, 1, 1};
  EXPECT_EQ(relstore::detail::rows_grouped_by(c, 6), (relstore::detail::cell_vector<std::uint32_t>{0, 1, 2, 3, 4, 5}));
  c.ints.clear();
  c.nulls.clear();
  EXPECT_TRUE(relstore::detail::rows_grouped_by(c, 0).empty());
}

// group_places gives each row's place in that order: a load reads the rows
// in file order and puts each at its place.
TEST(RowsGroupedBy, GroupPlacesIsTheSameOrderSeenFromTheRows) {
  relstore::detail::column c;
  for (const bool nullable : {true, false}) {
    for (const bool sparse : {false, true}) {
      c.ints = {30, 10, 0, 30, 20, 10, 0};
      if (sparse) c.ints[4] = INT64_MIN;
      c.nulls = nullable ? relstore::detail::cell_vector<std::uint8_t>{0, 0, 1, 0, 0, 0, 1}
                         : relstore::detail::cell_vector<std::uint8_t>{};
      // The grouping, worked out here: nulls first, then by value, rows in
      // their order within a group.
      std::vector<std::uint32_t> want(7);
      std::iota(want.begin(), want.end(), 0u);
      auto group_key = [&](std::uint32_t r) {
        const bool null = nullable && c.nulls[r] != 0;
        return std::pair<bool, std::int64_t>{!null, null ? 0 : c.ints[r]};
      };
      std::stable_sort(want.begin(), want.end(),
                       [&](std::uint32_t a, std::uint32_t b) { return group_key(a) < group_key(b); });
      const auto order = relstore::detail::rows_grouped_by(c, 7);
      EXPECT_EQ(std::vector<std::uint32_t>(order.begin(), order.end()), want)
          << "nullable " << nullable << " sparse " << sparse;
      const auto places = relstore::detail::group_places(c, 7);
      ASSERT_EQ(places.size(), 7u);
      for (std::uint32_t i = 0; i < 7; ++i) EXPECT_EQ(places[want[i]], i) << "row " << want[i];
    }
  }
  EXPECT_EQ(relstore::detail::group_places(c, 7), (relstore::detail::cell_vector<std::uint32_t>{5, 3, 1, 6, 0, 4, 2}));
}

// Rows already in that order (as save() writes them) keep their places:
// group_places is empty, and a load reads them straight through.
TEST(RowsGroupedBy, RowsAlreadyInGroupOrderKeepTheirPlaces) {
  using relstore::detail::cell_vector;
  relstore::detail::column c;
  c.ints = {0, 0, 10, 10, 20, 30};
  c.nulls = {1, 1, 0, 0, 0, 0};
  EXPECT_TRUE(relstore::detail::in_group_order(c, 6));
  EXPECT_TRUE(relstore::detail::group_places(c, 6).empty());
  EXPECT_EQ(relstore::detail::rows_grouped_by(c, 6), (cell_vector<std::uint32_t>{0, 1, 2, 3, 4, 5}));
  c.nulls = {1, 0, 1, 0, 0, 0};  // a null after a value
  EXPECT_FALSE(relstore::detail::in_group_order(c, 6));
  EXPECT_EQ(relstore::detail::group_places(c, 6), (cell_vector<std::uint32_t>{0, 2, 1, 3, 4, 5}));
  c.nulls.clear();
  EXPECT_TRUE(relstore::detail::in_group_order(c, 6));
  c.ints = {0, 10, 5, 20, 20, 30};  // one step down
  EXPECT_FALSE(relstore::detail::in_group_order(c, 6));
  EXPECT_EQ(relstore::detail::group_places(c, 6), (cell_vector<std::uint32_t>{0, 2, 1, 3, 4, 5}));
}

}  // namespace

}  // namespace column_table_test
