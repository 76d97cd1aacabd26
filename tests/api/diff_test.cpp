// diff_datasets: what changed between two datasets.
#include "relstore/diff.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "relstore/import.hpp"

#include "common/shop_schema.hpp"
#include "common/snapshot_helpers.hpp"

namespace diff_test {

namespace {

using namespace shop;

TEST(Diff, CountsAddedRemovedAndChangedByPrimaryKey) {
  store a;
  for (const char* n : {"Ada", "Bob", "Cy"}) ASSERT_TRUE(a.repo<Customer>().create({.name = n}));
  store b = a;
  ASSERT_TRUE(b.repo<Customer>().delete_by_id(1));
  ASSERT_TRUE(b.repo<Customer>().update_by_id(2, relstore::patch<Customer>{}.set(&Customer::name, "Bo")));
  ASSERT_TRUE(b.repo<Customer>().create({.name = "Di"}));
  ASSERT_TRUE(b.repo<Customer>().create({.name = "Ed"}));
  const auto d = relstore::diff_datasets(test::dataset_of(a), test::dataset_of(b)).value();
  bool seen = false;
  for (const auto& m : d) {
    if (m.model != "Customer") {
      EXPECT_EQ(m.added + m.removed + m.changed, 0u) << m.model;
      continue;
    }
    seen = true;
    EXPECT_EQ(m.added, 2u);
    EXPECT_EQ(m.removed, 1u);
    EXPECT_EQ(m.changed, 1u);
  }
  EXPECT_TRUE(seen);
}

TEST(Diff, AFileAgainstItselfHasNoChange) {
  store a;
  ASSERT_TRUE(a.repo<Customer>().create({.name = "Ada"}));
  const auto ds = test::dataset_of(a);
  for (const auto& m : relstore::diff_datasets(ds, ds).value()) {
    EXPECT_EQ(m.added + m.removed + m.changed, 0u) << m.model;
  }
}

// A file holding a key twice cannot be matched by key: diff says so instead
// of reporting "added 18446744073709551615" or a change of a file against itself.
TEST(Diff, RefusesAFileThatHoldsAKeyTwice) {
  store a;
  ASSERT_TRUE(a.repo<Customer>().create({.name = "Ada"}));
  relstore::dataset ds = test::dataset_of(a);
  const auto customer = *ds.find_model("Customer");
  const std::size_t row = ds.add_row(customer);
  ASSERT_TRUE(ds.set(customer, row, 0, std::int64_t{1}, nullptr));
  ASSERT_TRUE(ds.set(customer, row, 1, std::string("Ada again"), nullptr));
  auto d = relstore::diff_datasets(ds, ds);
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().code, relstore::errc::already_exists);
  EXPECT_NE(d.error().message().find("Customer id 1 twice"), std::string::npos) << d.error().message();
}

// Each differing key, with the fields that changed and their two values.
TEST(Diff, ReportsEachKeyAndTheFieldsThatChanged) {
  store a;
  for (const char* n : {"Ada", "Bob"}) ASSERT_TRUE(a.repo<Customer>().create({.name = n}));
  store b = a;
  ASSERT_TRUE(b.repo<Customer>().delete_by_id(1));
  ASSERT_TRUE(b.repo<Customer>().update_by_id(
      2, relstore::patch<Customer>{}.set(&Customer::name, "Bo").set(&Customer::email, std::string("b@x"))));
  ASSERT_TRUE(b.repo<Customer>().create({.name = "Cy"}));
  std::vector<std::string> seen;
  relstore::diff_options o;
  o.on_row = [&](const relstore::row_change& c) {
    std::string line =
        std::string(c.model) + " " + relstore::describe(c.key) + " " + std::string(relstore::to_string(c.change));
    for (const auto& f : c.fields) {
      line += " " + std::string(f.name) + ":" + relstore::describe(f.before) + "->" + relstore::describe(f.after);
    }
    seen.push_back(line);
  };
  ASSERT_TRUE(relstore::diff_datasets(test::dataset_of(a), test::dataset_of(b), o));
  EXPECT_EQ(seen, (std::vector<std::string>{"Customer 1 removed",
                                            "Customer 2 changed name:\"Bob\"->\"Bo\" email:null->\"b@x\"",
                                            "Customer 3 added"}));
}

TEST(Diff, RefusesUnrelatedSchemasUnlessAskedAndNamesSchemaChanges) {
  store a;
  ASSERT_TRUE(a.repo<Customer>().create({.name = "Ada"}));
  auto other = relstore::import_json(R"({"Zed":[{"id":1}]})",
                                     R"({"models":[{"name":"Zed","fields":[{"name":"id","type":"int64"}]}]})")
                   .value();
  std::vector<std::string> notes;
  relstore::diff_options o;
  o.on_schema_change = [&](const std::string& s) { notes.push_back(s); };
  auto refused = relstore::diff_datasets(test::dataset_of(a), other, o);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, relstore::errc::schema_mismatch);
  EXPECT_NE(std::find(notes.begin(), notes.end(), "model Zed only in the second file"), notes.end());
  o.unrelated = true;
  auto forced = relstore::diff_datasets(test::dataset_of(a), other, o);
  ASSERT_TRUE(forced) << forced.error().message();
  std::size_t added = 0, removed = 0;
  for (const auto& m : *forced) added += m.added, removed += m.removed;
  EXPECT_EQ(added, 1u);
  EXPECT_EQ(removed, 1u);
}

TEST(Diff, ComparesAnEvolvedSchemaOnTheFieldsBothHave) {
  auto a = relstore::import_json(R"({"M":[{"id":1,"x":1,"gone":true}]})",
                                 R"({"models":[{"name":"M","fields":[{"name":"id","type":"int64"},
                                     {"name":"x","type":"int64"},{"name":"gone","type":"bool"}]}]})")
               .value();
  auto b = relstore::import_json(R"({"M":[{"id":1,"x":1,"new":"n"}]})",
                                 R"({"models":[{"name":"M","fields":[{"name":"id","type":"int64"},
                                     {"name":"x","type":"int64"},{"name":"new","type":"string"}]}]})")
               .value();
  std::vector<std::string> notes;
  relstore::diff_options o;
  o.on_schema_change = [&](const std::string& s) { notes.push_back(s); };
  auto d = relstore::diff_datasets(a, b, o);
  ASSERT_TRUE(d) << d.error().message();
  EXPECT_EQ(d->at(0).changed, 0u);
  EXPECT_EQ(notes,
            (std::vector<std::string>{"field M.gone only in the first file", "field M.new only in the second file"}));
}

// append_row_change spells a row as relstore-snapshot diff prints it. Two
// NaNs that differ only in their bits are a change (the diff compares bits,
// as a snapshot keeps them): the table shows the bits, where it once printed
// "NaN -> NaN"; JSON has no NaN, so jsonl gives null for both.
TEST(Diff, AppendRowChangeShowsTheBitsOfNaNsThatSpellAlike) {
  store a;
  const auto ada = a.repo<Customer>().create({.name = "Ada"}).value();
  const double quiet = std::numeric_limits<double>::quiet_NaN();
  const double payload = std::bit_cast<double>(std::bit_cast<std::uint64_t>(quiet) | 1u);
  ASSERT_TRUE(a.repo<Order>().create({.customerId = ada.id, .total = quiet, .note = "a"}));
  store b = a;
  ASSERT_TRUE(b.repo<Order>().update_by_id(
      1, relstore::patch<Order>{}.set(&Order::total, payload).set(&Order::note, std::string("b"))));
  std::vector<std::string> table, jsonl;
  relstore::diff_options o;
  o.on_row = [&](const relstore::row_change& c) {
    table.emplace_back();
    relstore::append_row_change(c, relstore::diff_format::table, table.back());
    jsonl.emplace_back();
    relstore::append_row_change(c, relstore::diff_format::jsonl, jsonl.back());
  };
  ASSERT_TRUE(relstore::diff_datasets(test::dataset_of(a), test::dataset_of(b), o));
  EXPECT_EQ(table, (std::vector<std::string>{"Order 1: changed total NaN (bits 0x7ff8000000000000) -> NaN (bits "
                                             "0x7ff8000000000001), note \"a\" -> \"b\""}));
  EXPECT_EQ(jsonl, (std::vector<std::string>{R"({"model":"Order","key":1,"change":"changed","fields":{"total":)"
                                             R"({"before":null,"after":null},"note":{"before":"a","after":"b"}}})"}));
}

}  // namespace

}  // namespace diff_test
