// diff_datasets: what changed between two datasets.
#include "relstore/diff.hpp"

#include <gtest/gtest.h>

#include "common/shop_schema.hpp"
#include "common/snapshot_helpers.hpp"

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
  EXPECT_NE(d.error().message.find("Customer id 1 twice"), std::string::npos) << d.error().message;
}

}  // namespace
