// One query pipeline: the same filter on a typed store and on the dataset of
// its snapshot selects the same entities, in the same order, through the
// same index.
#include "relstore/detail/query.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include <random>
#include "common/shop_schema.hpp"
#include "common/snapshot_helpers.hpp"
#include "relstore/detail/json_filter.hpp"

namespace query_test {

namespace {

using namespace shop;

// `customers` customers and `orders` orders with random totals, notes and
// coupons, created with explicit keys in a shuffled order.
void seed(store& db, int customers, int orders) {
  std::mt19937 rng(7);
  auto coupon = db.repo<Coupon>().create({.label = "C"}).value();
  for (int c = 1; c <= customers; ++c) ASSERT_TRUE(db.repo<Customer>().create({.id = c, .name = "c"}));
  std::vector<int> ids(static_cast<std::size_t>(orders));
  for (int i = 0; i < orders; ++i) ids[static_cast<std::size_t>(i)] = i + 1;
  std::shuffle(ids.begin(), ids.end(), rng);
  const char* notes[] = {"apple", "banana", "cab", "dab", "", "zz"};
  for (int id : ids) {
    Order o{.id = id,
            .customerId = 1 + static_cast<std::int64_t>(rng() % static_cast<unsigned>(customers)),
            .total = static_cast<double>(rng() % 100),
            .note = notes[rng() % 6]};
    if (rng() % 3 == 0) o.couponId = coupon.id;
    ASSERT_TRUE(db.repo<Order>().create(o));
  }
}

std::vector<std::int64_t> keys_of_dataset(const relstore::dataset& ds, const std::string& model,
                                          const std::string& json, relstore::query_plan* plan = nullptr) {
  const auto& store = relstore::detail::dataset_access::of(ds);
  const std::size_t m = *ds.find_model(model);
  auto spec = relstore::detail::parse_filter_json(ds.schema(), m, json);
  EXPECT_TRUE(spec) << json;
  if (!spec) return {};
  EXPECT_TRUE(relstore::detail::validate_filter(ds.schema(), m, *spec));
  const auto& t = store.table(m);
  if (plan != nullptr) (void)relstore::detail::select(t, spec->where ? &*spec->where : nullptr, plan);
  std::vector<std::int64_t> out;
  auto hits = relstore::detail::run_query(t, *spec);
  EXPECT_TRUE(hits) << json;
  if (!hits) return {};
  for (const void* e : *hits) {
    out.push_back(std::get<std::int64_t>(t.info().fields[t.info().primary_key].get(e)));
  }
  return out;
}

TEST(QueryPipeline, TypedStoreAndDatasetAgreeOnEveryFilter) {
  store db;
  seed(db, 7, 40);
  relstore::dataset ds = test::dataset_of(db);
  const std::vector<std::string> filters = {
      R"({})",
      R"({"where":{"customerId":3}})",
      R"({"where":{"customerId":{"inq":[2,5,2]}},"order":["total DESC"],"limit":7})",
      R"({"where":{"total":{"between":[10,60]}},"order":["note ASC","total DESC"],"skip":3})",
      R"({"where":{"or":[{"note":{"like":"%a%"}},{"couponId":null}]},"limit":5,"skip":2})",
      R"({"where":{"id":{"gt":100}}})",
      R"({"where":{"and":[{"customerId":4},{"total":{"lt":50}}]},"order":["id DESC"]})",
  };
  auto orders = db.repo<Order>();
  for (const auto& json : filters) {
    auto typed = orders.find(json);
    ASSERT_TRUE(typed) << json << ": " << typed.error().message();
    std::vector<std::int64_t> want;
    for (const auto& r : *typed) want.push_back(r->id);
    relstore::query_plan from_dataset;
    EXPECT_EQ(keys_of_dataset(ds, "Order", json, &from_dataset), want) << json;
    auto f = orders.parse_filter(json);
    ASSERT_TRUE(f);
    auto typed_plan = orders.explain(*f);
    ASSERT_TRUE(typed_plan);
    EXPECT_EQ(from_dataset.index, typed_plan->index) << json;
    EXPECT_EQ(from_dataset.access, typed_plan->access) << json;
    EXPECT_EQ(from_dataset.matched, typed_plan->matched) << json;
  }
}

TEST(QueryPipeline, IncludesResolveTheSameOnADataset) {
  store db;
  seed(db, 3, 12);
  relstore::dataset ds = test::dataset_of(db);
  const auto& store = relstore::detail::dataset_access::of(ds);
  const std::size_t customer = *ds.find_model("Customer");
  auto spec = relstore::detail::parse_filter_json(
      ds.schema(), customer, R"({"include":[{"relation":"orders","scope":{"order":["total DESC"],"limit":2}}]})");
  ASSERT_TRUE(spec);
  relstore::detail::query_result r{relstore::detail::run_query(store.table(customer), *spec).value(), {}};
  std::size_t budget = 1000;
  ASSERT_TRUE(relstore::detail::include_into(ds.schema(), store.bases().data(), customer, r, spec->include, budget));
  EXPECT_LT(budget, 1000u);
  auto typed = db.repo<Customer>().find(relstore::filter<Customer>{}.include(
      "orders", relstore::filter<Order>{}.order(&Order::total, relstore::desc).limit(2)));
  ASSERT_TRUE(typed);
  ASSERT_EQ(r.entities.size(), typed->size());
  ASSERT_EQ(r.includes.size(), 1u);
  const auto& orders_table = store.table(*ds.find_model("Order"));
  for (std::size_t i = 0; i < r.entities.size(); ++i) {
    std::vector<std::int64_t> got, want;
    for (const void* e : r.includes[0].per_entity[i].entities) {
      got.push_back(std::get<std::int64_t>(orders_table.get(orders_table.row_of(e), 0)));
    }
    for (const auto& o : (*typed)[i].many<"orders">()) want.push_back(o->id);
    EXPECT_EQ(got, want) << "customer " << i;
  }
}

}  // namespace

}  // namespace query_test
