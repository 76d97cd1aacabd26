// LoopBack's totalLimit in a hasMany include's scope: at most n children over
// all parents, beside the per-parent limit.
#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/shop_schema.hpp"
#include "common/test_helpers.hpp"

namespace include_total_limit_test {

namespace {

using namespace shop;
using relstore::errc;
using relstore::filter;
using test::has;
using ids_t = std::vector<std::int64_t>;

// Three customers with four orders each, created round robin; order o of
// customer c has total (o * 7 + c * 5) % 13, so the best orders are spread
// over the customers.
class IncludeTotalLimit : public ::testing::Test {
 protected:
  void SetUp() override {
    for (int c = 0; c < 3; ++c) customer_ids.push_back(customers.create({.name = "c" + std::to_string(c)})->id);
    for (int o = 0; o < 4; ++o) {
      for (int c = 0; c < 3; ++c) {
        auto made = customers.related<"orders">(customer_ids[static_cast<std::size_t>(c)])
                        .create({.total = static_cast<double>((o * 7 + c * 5) % 13)});
        ASSERT_TRUE(made) << made.error().message();
        ASSERT_TRUE(db.repo<Order>().related<"lines">(made->id).create({.sku = "s", .qty = 1}));
      }
    }
  }

  // Customer id -> the ids of the orders it was given, in the order given.
  static std::map<std::int64_t, ids_t> by_customer(const relstore::rows<Customer>& rows) {
    std::map<std::int64_t, ids_t> out;
    for (const auto& r : rows) {
      auto& ids = out[r->id];
      for (const auto& o : r.many<Order>("orders")) ids.push_back(o->id);
    }
    return out;
  }

  store db;
  relstore::repository<schema, Customer> customers = db.repo<Customer>();
  std::vector<std::int64_t> customer_ids;
};

TEST_F(IncludeTotalLimit, KeepsTheFirstChildrenOverAllParentsInTheScopesOrder) {
  auto rows = customers.find(R"({"include":[{"relation":"orders","scope":{"order":["total DESC"],"totalLimit":4}}]})");
  ASSERT_TRUE(rows) << rows.error().message();
  // The same four orders a plain find ranks first, each under its own customer.
  auto top = db.repo<Order>().find(filter<Order>{}.order(&Order::total, relstore::desc).limit(4)).value();
  std::map<std::int64_t, ids_t> want;
  for (std::int64_t c : customer_ids) want[c];
  for (const auto& o : top) want[o->customerId].push_back(o->id);
  auto got = by_customer(*rows);
  // Within a customer, the scope's order holds.
  for (auto& [c, ids] : want) {
    auto mine = db.repo<Customer>().related<"orders">(c).find(filter<Order>{}.order(&Order::total, relstore::desc));
    ids_t ordered;
    for (const auto& o : *mine) {
      if (std::find(ids.begin(), ids.end(), o->id) != ids.end()) ordered.push_back(o->id);
    }
    ids = ordered;
  }
  EXPECT_EQ(got, want);
  std::size_t total = 0;
  for (const auto& [c, ids] : got) total += ids.size();
  EXPECT_EQ(total, 4u);
}

TEST_F(IncludeTotalLimit, AppliesAfterEachParentsOwnLimitAndNestsUnderTheKeptRows) {
  auto typed = customers.find(filter<Customer>{}.include(
      "orders", filter<Order>{}.order(&Order::total, relstore::desc).limit(1).total_limit(2).include("lines")));
  ASSERT_TRUE(typed) << typed.error().message();
  auto json =
      customers.find(R"({"include":[{"relation":"orders","scope":{"order":["total DESC"],"limit":1,"totalLimit":2,)"
                     R"("include":["lines"]}}]})");
  ASSERT_TRUE(json) << json.error().message();
  EXPECT_EQ(by_customer(*typed), by_customer(*json));

  // Each customer's best order, then the best two of those three.
  std::vector<std::pair<double, std::int64_t>> best;
  for (std::int64_t c : customer_ids) {
    auto mine = customers.related<"orders">(c).find(filter<Order>{}.order(&Order::total, relstore::desc).limit(1));
    best.push_back({(*mine)[0]->total, (*mine)[0]->id});
  }
  std::sort(best.begin(), best.end(),
            [](auto a, auto b) { return a.first != b.first ? a.first > b.first : a.second < b.second; });
  std::size_t kept = 0;
  for (const auto& r : *typed) {
    for (const auto& o : r.many<Order>("orders")) {
      ++kept;
      EXPECT_TRUE(o->id == best[0].second || o->id == best[1].second) << o->id;
      EXPECT_EQ(o.many<OrderLine>("lines").size(), 1u) << "nested includes resolve under kept rows";
    }
  }
  EXPECT_EQ(kept, 2u);
}

TEST_F(IncludeTotalLimit, WithoutAnOrderKeyOrderDecides) {
  auto rows = customers.find(R"({"include":[{"relation":"orders","scope":{"totalLimit":2}}]})");
  ASSERT_TRUE(rows) << rows.error().message();
  auto first = db.repo<Order>().find(filter<Order>{}.limit(2)).value();
  ids_t got;
  for (const auto& r : *rows) {
    for (const auto& o : r.many<Order>("orders")) got.push_back(o->id);
  }
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, (ids_t{first[0]->id, first[1]->id}));
  auto none = customers.find(filter<Customer>{}.include("orders", filter<Order>{}.total_limit(0)));
  ASSERT_TRUE(none);
  for (const auto& r : *none) EXPECT_TRUE(r.many<Order>("orders").empty());
}

TEST_F(IncludeTotalLimit, IsRefusedOutsideAHasManyIncludeScope) {
  auto top = customers.find(R"({"totalLimit":2})");
  ASSERT_FALSE(top);
  EXPECT_EQ(top.error().code, errc::invalid_filter);
  EXPECT_TRUE(has(top.error().message(), "totalLimit belongs in a hasMany include's scope")) << top.error().message();
  auto typed_top = customers.find(filter<Customer>{}.total_limit(2));
  ASSERT_FALSE(typed_top);
  EXPECT_EQ(typed_top.error().code, errc::invalid_filter);

  auto belongs = db.repo<Order>().find(R"({"include":[{"relation":"customer","scope":{"totalLimit":1}}]})");
  ASSERT_FALSE(belongs);
  EXPECT_EQ(belongs.error().code, errc::invalid_filter);
  EXPECT_TRUE(has(belongs.error().message(), "totalLimit applies to a hasMany include")) << belongs.error().message();

  auto negative = customers.find(R"({"include":[{"relation":"orders","scope":{"totalLimit":-1}}]})");
  ASSERT_FALSE(negative);
  EXPECT_EQ(negative.error().code, errc::invalid_filter);
}

}  // namespace

}  // namespace include_total_limit_test
