// One query pipeline: the same filter on a typed store and on the dataset of
// its snapshot selects the same entities, in the same order, through the
// same index.
#include "relstore/detail/query.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include <random>
#include "common/guild_schema.hpp"
#include "common/shop_schema.hpp"
#include "common/snapshot_helpers.hpp"
#include "relstore/detail/json_filter.hpp"
#include "relstore/detail/store_access.hpp"

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

// The players with score >= 3 that select() meets, by id: in key order, or
// (key_order false) in the order the ordered index on score is walked.
template <class Store>
std::vector<std::int64_t> scored_at_least_3(bool key_order) {
  using guild::Player;
  Store db;
  const auto g = db.template repo<guild::Guild>().create({.name = "g"}).value().id;
  const double scores[] = {5, 9, 1, 9, 7, 3, 7};  // ids 1..7
  for (double s : scores) {
    EXPECT_TRUE(db.template repo<Player>().create(
        {.guildId = g, .handle = std::to_string(s) + "/" + std::to_string(db.template size<Player>()), .score = s}));
  }
  auto f = relstore::filter<Player>{}.where(relstore::field(&Player::score) >= 3.0);
  const auto& spec = relstore::detail::spec_access::spec(f);
  relstore::query_plan plan;
  auto hits = relstore::detail::store_access::of(db).template select<Player>(&*spec.where, &plan, key_order);
  EXPECT_EQ(plan.access, relstore::access_kind::index_range);
  std::vector<std::int64_t> ids;
  for (const void* e : hits.value()) ids.push_back(static_cast<const Player*>(e)->id);
  return ids;
}

// A select that needs no order walks a range forward in the index, however
// it is stored: highest first on an ordered_desc index (ties in key order),
// each entity once. Asked for key order, both give key order.
TEST(QueryPipeline, AnUnorderedRangeIsTheIndexsForwardWalk) {
  using ids = std::vector<std::int64_t>;
  EXPECT_EQ(scored_at_least_3<guild::descending_store>(false), (ids{2, 4, 5, 7, 1, 6}));
  EXPECT_EQ(scored_at_least_3<guild::indexed_store>(false), (ids{6, 1, 5, 7, 2, 4}));
  EXPECT_EQ(scored_at_least_3<guild::descending_store>(true), (ids{1, 2, 4, 5, 6, 7}));
  EXPECT_EQ(scored_at_least_3<guild::indexed_store>(true), (ids{1, 2, 4, 5, 6, 7}));
}

}  // namespace

}  // namespace query_test
