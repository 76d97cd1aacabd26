// One integrity check: verify finds the same broken rule, worded the same
// way, in a dataset and in a typed store's load; and relations that repeat
// the same keys are checked once.
#include "relstore/detail/verify.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "common/shop_schema.hpp"
#include "common/snapshot_helpers.hpp"
#include "relstore/detail/store_access.hpp"
#include "relstore/verify.hpp"

namespace verify_test {

namespace {

using namespace shop;
using relstore::errc;

store small_store() {
  store db;
  auto ada = db.repo<Customer>().create({.name = "Ada"}).value();
  EXPECT_TRUE(db.repo<Customer>().related<"orders">(ada.id).create({.total = 1}));
  EXPECT_TRUE(db.repo<Customer>().related<"orders">(ada.id).create({.total = 2}));
  EXPECT_TRUE(db.repo<Account>().create({.code = "A"}));
  return db;
}

TEST(Verify, ADatasetAndATypedLoadReportTheSameDanglingKey) {
  relstore::dataset ds = test::dataset_of(small_store());
  const auto order = *ds.find_model("Order");
  ds.cells(order, 1).ints[1] = 77;
  const auto problems = relstore::verify_dataset(ds);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].code, errc::foreign_key_violation);
  EXPECT_EQ(problems[0].model, "Order");
  EXPECT_EQ(problems[0].key, "2");
  EXPECT_EQ(problems[0].field, "customerId");
  EXPECT_EQ(problems[0].value, "77");

  std::stringstream bytes;
  ASSERT_TRUE(relstore::write_snapshot(ds, bytes));
  store target;
  auto r = relstore::load(target, bytes);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::snapshot_corrupt);
  EXPECT_EQ(r.error().message(), problems[0].message) << "one check, one message";
}

TEST(Verify, DuplicatesOfPrimaryAndKeyFromKeysAreFoundInADataset) {
  relstore::dataset ds = test::dataset_of(small_store());
  const auto account = *ds.find_model("Account");
  const std::size_t row = ds.add_row(account);
  ASSERT_TRUE(ds.set(account, row, 0, std::int64_t{9}, nullptr));
  ASSERT_TRUE(ds.set(account, row, 1, std::string("A"), nullptr));  // code repeats
  const auto problems = relstore::verify_dataset(ds);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].code, errc::already_exists);
  EXPECT_NE(problems[0].message.find("Account.code = \"A\" already exists"), std::string::npos) << problems[0].message;
}

// 64 relations (the most one model may be the target of) repeating the same
// keys between the same two models cost one pass, not 64; the 65th is refused.
TEST(Verify, RelationsThatRepeatTheSameKeysAreCheckedOnce) {
  relstore::registry reg;
  relstore::model_info p{"P", {{"id", relstore::field_type::int64, false}}, 0};
  relstore::model_info c{
      "C", {{"id", relstore::field_type::int64, false}, {"pId", relstore::field_type::int64, false}}, 0};
  ASSERT_TRUE(reg.add_model(p));
  ASSERT_TRUE(reg.add_model(c));
  for (int i = 0; i < 64; ++i) {
    relstore::has_many_options o;
    o.inverse = std::string("p").append(std::to_string(i));
    ASSERT_TRUE(reg.add_has_many(std::string("r").append(std::to_string(i)), "P", "C", o));
  }
  auto sixty_fifth = reg.add_has_many("r64", "P", "C", {"", "", "p64", relstore::on_delete::restrict});
  ASSERT_FALSE(sixty_fifth);
  EXPECT_NE(sixty_fifth.error().message().find("model C is already the target of 64 relations"), std::string::npos)
      << sixty_fifth.error().message();
  relstore::dataset ds(reg);
  for (std::int64_t i = 1; i <= 20000; ++i) {
    const std::size_t pr = ds.add_row(0);
    ASSERT_TRUE(ds.set(0, pr, 0, i, nullptr));
    const std::size_t cr = ds.add_row(1);
    ASSERT_TRUE(ds.set(1, cr, 0, i, nullptr));
    ASSERT_TRUE(ds.set(1, cr, 1, i == 20000 ? std::int64_t{0} : i, nullptr));
  }
  std::size_t work = 0;
  const auto& store = relstore::detail::dataset_access::of(ds);
  std::vector<relstore::violation> found;
  relstore::detail::verify(
      ds.schema(), store.bases().data(),
      [&](const relstore::violation& v) {
        found.push_back(v);
        return true;
      },
      [&](std::size_t, std::size_t total) { work = total; });
  ASSERT_EQ(found.size(), 1u) << "reported once, not once per relation";
  EXPECT_EQ(found[0].key, "20000");
  EXPECT_EQ(work, 3u * 20000u) << "each table once, plus the one distinct check";
}

// Regression: a pair linked twice was reported once per direction of a
// through declared both ways (LoopBack's usual layout), and a parent's second
// child once per has_one on the same key.
TEST(Verify, AViolationSeenByTwoRelationsIsReportedOnce) {
  using relstore::field_type;
  relstore::registry reg;
  ASSERT_TRUE(reg.add_model({"Patient", {{"id", field_type::int64, false}}, 0}));
  ASSERT_TRUE(reg.add_model({"Doctor", {{"id", field_type::int64, false}}, 0}));
  ASSERT_TRUE(reg.add_model({"Appointment",
                             {{"id", field_type::int64, false},
                              {"patientId", field_type::int64, false},
                              {"doctorId", field_type::int64, false}},
                             0}));
  ASSERT_TRUE(reg.add_model({"Badge", {{"id", field_type::int64, false}, {"doctorId", field_type::int64, false}}, 0}));
  ASSERT_TRUE(reg.add_has_many("appointments", "Patient", "Appointment"));
  ASSERT_TRUE(reg.add_has_many("appointments", "Doctor", "Appointment"));
  ASSERT_TRUE(reg.add_has_many_through("doctors", "Patient", "Doctor", "Appointment"));
  ASSERT_TRUE(reg.add_has_many_through("patients", "Doctor", "Patient", "Appointment"));
  ASSERT_TRUE(reg.add_has_one("badge", "Doctor", "Badge", {"", "", "holder", relstore::on_delete::restrict}));
  ASSERT_TRUE(reg.add_has_one("spareBadge", "Doctor", "Badge", {"", "", "spareHolder", relstore::on_delete::restrict}));
  relstore::dataset ds(reg);
  const auto row = [&](std::size_t model, std::vector<std::int64_t> cells) {
    const std::size_t r = ds.add_row(model);
    for (std::size_t f = 0; f < cells.size(); ++f) ASSERT_TRUE(ds.set(model, r, f, cells[f], nullptr));
  };
  row(0, {1});
  row(1, {1});
  row(2, {1, 1, 1});
  row(2, {2, 1, 1});  // links Patient 1 and Doctor 1 again
  row(3, {1, 1});
  row(3, {2, 1});  // Doctor 1's second badge
  const auto problems = relstore::verify_dataset(ds);
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_EQ(problems[0].model, "Badge");
  EXPECT_EQ(problems[0].key, "2");
  EXPECT_EQ(problems[1].model, "Appointment");
  EXPECT_EQ(problems[1].key, "2");
}

// Keys at the ends of the int64 range, and negative ones, resolve or
// dangle like any other (the quick foreign-key pass keeps INT64_MIN apart).
TEST(Verify, KeysAtTheEndsOfTheInt64RangeResolveAndDangleLikeOthers) {
  relstore::registry reg;
  ASSERT_TRUE(reg.add_model({"P", {{"id", relstore::field_type::int64, false}}, 0}));
  ASSERT_TRUE(reg.add_model(
      {"C", {{"id", relstore::field_type::int64, false}, {"pId", relstore::field_type::int64, true}}, 0}));
  ASSERT_TRUE(reg.add_has_many("cs", "P", "C", {}));
  auto dataset_with = [&](std::vector<std::int64_t> parents, std::vector<relstore::value> children) {
    relstore::dataset ds(reg);
    for (std::int64_t k : parents) EXPECT_TRUE(ds.set(0, ds.add_row(0), 0, k, nullptr));
    std::int64_t id = 1;
    for (const auto& fk : children) {
      const std::size_t r = ds.add_row(1);
      EXPECT_TRUE(ds.set(1, r, 0, id++, nullptr));
      EXPECT_TRUE(ds.set(1, r, 1, fk, nullptr));
    }
    return ds;
  };
  const std::vector<std::int64_t> ends{INT64_MIN, -1, INT64_MAX};
  const relstore::value none = relstore::null;
  EXPECT_TRUE(relstore::verify_dataset(
                  dataset_with(ends, {INT64_MAX, INT64_MIN, std::int64_t{-1}, none, std::int64_t{INT64_MIN}}))
                  .empty());
  auto problems = relstore::verify_dataset(dataset_with(ends, {INT64_MIN, std::int64_t{INT64_MIN + 1}}));
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].key, "2");
  EXPECT_EQ(problems[0].value, std::to_string(INT64_MIN + 1));
  problems = relstore::verify_dataset(dataset_with({-1, INT64_MAX}, {std::int64_t{-1}, std::int64_t{INT64_MIN}}));
  ASSERT_EQ(problems.size(), 1u) << "INT64_MIN names no parent here";
  EXPECT_EQ(problems[0].key, "2");
  EXPECT_EQ(problems[0].code, errc::foreign_key_violation);
}

// The foreign-key pass reads runs of equal keys: a typed table in place, a
// dataset through its accessors, with the same runs (nulls skipped, a value
// may come back), and it stops when told to.
TEST(Verify, AForeignKeyPassSeesTheSameRunsInATypedTableAndADataset) {
  store db;
  for (std::int64_t c = 1; c <= 2; ++c) ASSERT_TRUE(db.repo<Customer>().create({.id = c, .name = "c"}));
  for (std::int64_t k = 5; k <= 6; ++k) ASSERT_TRUE(db.repo<Coupon>().create({.id = k, .label = "k"}));
  const std::int64_t customers[] = {1, 1, 2, 2, 1};
  const std::optional<std::int64_t> coupons[] = {std::nullopt, 5, std::nullopt, 5, 6};
  for (std::size_t i = 0; i < 5; ++i) {
    ASSERT_TRUE(db.repo<Order>().create({.customerId = customers[i], .couponId = coupons[i]}));
  }
  relstore::dataset ds = test::dataset_of(db);
  const auto& typed = relstore::detail::store_access::of(db).template tab<Order>();
  const relstore::detail::table_base& untyped = relstore::detail::dataset_access::of(ds).table(*ds.find_model("Order"));
  const std::size_t customer_id = 1, coupon_id = 4;
  // The typed table holds the orders as created; the dataset as save()
  // writes them, grouped by customer: coupons null, 5, 6, then null, 5.
  using runs_t = std::vector<std::int64_t>;
  const std::pair<const relstore::detail::table_base*, std::pair<runs_t, runs_t>> cases[] = {
      {&typed, {{1, 2, 1}, {5, 6}}}, {&untyped, {{1, 2}, {5, 6, 5}}}};
  for (const auto& [t, expected] : cases) {
    std::vector<std::int64_t> runs;
    auto all = [&](std::int64_t v) {
      runs.push_back(v);
      return true;
    };
    EXPECT_TRUE(t->for_each_int64_run(customer_id, all));
    EXPECT_EQ(runs, expected.first);
    runs.clear();
    EXPECT_TRUE(t->for_each_int64_run(coupon_id, all));
    EXPECT_EQ(runs, expected.second);
    runs.clear();
    EXPECT_FALSE(t->for_each_int64_run(customer_id, [&](std::int64_t v) {
      runs.push_back(v);
      return v != 2;
    }));
    EXPECT_EQ(runs, (std::vector<std::int64_t>{1, 2})) << "no call after fn says stop";
  }
}

}  // namespace

}  // namespace verify_test

namespace verify_test {
namespace {

// Regression: the repeated-link check of a through relation told target keys
// apart by describe(), which cuts a long string short, so two links to
// different long keys that share their first bytes were "a second link":
// a valid store could not be loaded (helper-57).
TEST(Verify, LinksToLongStringKeysThatShareAPrefixAreDistinct) {
  relstore::registry reg;
  ASSERT_TRUE(reg.add_model({"P", {{"id", relstore::field_type::int64, false}}, 0}));
  ASSERT_TRUE(reg.add_model({"T", {{"code", relstore::field_type::string, false}}, 0}));
  ASSERT_TRUE(reg.add_model({"L",
                             {{"id", relstore::field_type::int64, false},
                              {"pId", relstore::field_type::int64, false},
                              {"tId", relstore::field_type::string, false}},
                             0}));
  ASSERT_TRUE(reg.add_has_many("ls", "P", "L", {}));
  ASSERT_TRUE(reg.add_has_many("ls", "T", "L", {}));
  ASSERT_TRUE(reg.add_has_many_through("ts", "P", "T", "L"));
  const std::string a = std::string(300, 'a') + "1" + std::string(150, 'b');
  const std::string b = std::string(300, 'a') + "2" + std::string(150, 'b');
  relstore::dataset ds(reg);
  ASSERT_TRUE(ds.set(0, ds.add_row(0), 0, std::int64_t{1}, nullptr));
  std::int64_t id = 1;
  for (const std::string& code : {a, b}) {
    ASSERT_TRUE(ds.set(1, ds.add_row(1), 0, code, nullptr));
    const std::size_t r = ds.add_row(2);
    ASSERT_TRUE(ds.set(2, r, 0, id++, nullptr));
    ASSERT_TRUE(ds.set(2, r, 1, std::int64_t{1}, nullptr));
    ASSERT_TRUE(ds.set(2, r, 2, code, nullptr));
  }
  const auto found = relstore::verify_dataset(ds);
  EXPECT_TRUE(found.empty()) << found.front().message;
  // The same link twice is still found.
  const std::size_t r = ds.add_row(2);
  ASSERT_TRUE(ds.set(2, r, 0, id, nullptr));
  ASSERT_TRUE(ds.set(2, r, 1, std::int64_t{1}, nullptr));
  ASSERT_TRUE(ds.set(2, r, 2, b, nullptr));
  EXPECT_EQ(relstore::verify_dataset(ds).size(), 1u);
}

}  // namespace
}  // namespace verify_test
