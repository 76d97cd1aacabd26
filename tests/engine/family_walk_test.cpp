// append_equal_each, the families of many keys walked together: each key's
// list is exactly append_equal's, in its order, on every kind of key, and an
// include over many parents gives what each parent's own find gives.
#include "relstore/detail/family_walk.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "common/shop_schema.hpp"
#include "common/snapshot_helpers.hpp"
#include "relstore/detail/store_access.hpp"

namespace family_walk_test {

namespace {

using namespace shop;
using relstore::value_view;
using relstore::detail::table_base;

// Each key's list from append_equal_each, and which keys it asked a list for.
struct walked {
  std::vector<std::vector<const void*>> lists;
  std::set<std::size_t> asked;
};

walked walk_each(const table_base& t, std::size_t field, const std::vector<value_view>& keys) {
  walked w;
  w.lists.resize(keys.size());
  t.append_equal_each(field, keys, [&](std::size_t i) -> std::vector<const void*>& {
    EXPECT_TRUE(w.asked.insert(i).second) << "asked twice for key " << i;
    return w.lists[i];
  });
  return w;
}

// append_equal_each gives each key append_equal's list, and asks for a list
// exactly for the keys that have entities.
void expect_same_as_one_by_one(const table_base& t, std::size_t field, const std::vector<value_view>& keys) {
  const walked w = walk_each(t, field, keys);
  for (std::size_t i = 0; i < keys.size(); ++i) {
    std::vector<const void*> alone;
    t.append_equal(field, keys[i], alone);
    EXPECT_EQ(w.lists[i], alone) << "key " << i;
    EXPECT_EQ(w.asked.count(i), alone.empty() ? 0U : 1U) << "key " << i;
  }
}

// 60 customers with families of 0 to ~40 orders (customers 50 to 60 have
// none), a third of the orders with a coupon, 30 accounts with sessions.
void seed(store& db) {
  std::mt19937 rng(11);
  for (int c = 1; c <= 60; ++c) ASSERT_TRUE(db.repo<Customer>().create({.id = c, .name = "c"}));
  for (int c = 1; c <= 3; ++c) ASSERT_TRUE(db.repo<Coupon>().create({.id = c, .label = "k"}));
  for (int i = 0; i < 900; ++i) {
    // Skewed: low customers get big families, so lanes finish at different times.
    const auto owner = 1 + static_cast<std::int64_t>(rng() % (1 + rng() % 49));
    Order o{.customerId = owner, .total = static_cast<double>(rng() % 100)};
    if (rng() % 3 == 0) o.couponId = 1 + static_cast<std::int64_t>(rng() % 3);
    ASSERT_TRUE(db.repo<Order>().create(o));
  }
  for (int a = 1; a <= 30; ++a) {
    const std::string code = "acct-" + std::to_string(a);
    ASSERT_TRUE(db.repo<Account>().create({.code = code}));
    for (int s = 0; s < a % 7; ++s) {
      ASSERT_TRUE(db.repo<Session>().create({.token = code + "/" + std::to_string(s), .accountCode = code}));
    }
  }
}

const table_base& typed(const store& db, auto model) {
  return relstore::detail::store_access::of(db).template tab<typename decltype(model)::type>();
}

TEST(AppendEqualEach, GivesEachIntegerKeyWhatAppendEqualGivesInItsOrder) {
  store db;
  seed(db);
  std::vector<value_view> keys;
  for (std::int64_t c = 61; c >= 1; --c) keys.emplace_back(c);  // more keys than lanes; 50..61 have no orders
  keys.emplace_back(std::int64_t{3});                           // a key asked again
  keys.emplace_back(7.0);                                       // an integral double finds customer 7's
  keys.emplace_back(2.5);                                       // no integer equals it
  keys.emplace_back(std::string_view("1"));                     // a string never equals an integer key
  keys.emplace_back(relstore::null_t{});                        // customerId is not optional
  expect_same_as_one_by_one(typed(db, std::type_identity<Order>{}), 1, keys);
  const walked w = walk_each(typed(db, std::type_identity<Order>{}), 1, keys);
  EXPECT_FALSE(w.lists[60].empty()) << "customer 1 has orders";
  EXPECT_EQ(w.lists[61], w.lists[58]) << "a key asked again gets its family again";
}

TEST(AppendEqualEach, FindsTheNullsOfAnOptionalKeyAndEachCoupon) {
  store db;
  seed(db);
  const std::vector<value_view> keys = {std::int64_t{2}, relstore::null_t{}, std::int64_t{1}, std::int64_t{9},
                                        std::int64_t{3}};
  expect_same_as_one_by_one(typed(db, std::type_identity<Order>{}), 4, keys);
  const walked w = walk_each(typed(db, std::type_identity<Order>{}), 4, keys);
  EXPECT_GT(w.lists[1].size(), 300U) << "about two thirds of the orders have no coupon";
}

TEST(AppendEqualEach, WalksStringKeysAsTheirStoredText) {
  store db;
  seed(db);
  std::vector<std::string> codes;
  for (int a = 30; a >= 0; --a) codes.push_back("acct-" + std::to_string(a));  // acct-0 has no account
  std::vector<value_view> keys;
  for (const auto& c : codes) keys.emplace_back(std::string_view(c));
  keys.emplace_back(std::int64_t{5});  // an integer never equals a string key
  expect_same_as_one_by_one(typed(db, std::type_identity<Session>{}), 1, keys);
}

TEST(AppendEqualEach, ADatasetTableGivesTheSameListsOneByOne) {
  store db;
  seed(db);
  const relstore::dataset ds = test::dataset_of(db);
  const auto& t = relstore::detail::dataset_access::of(ds).table(*ds.find_model("Order"));
  std::vector<value_view> keys;
  for (std::int64_t c = 1; c <= 61; ++c) keys.emplace_back(c);
  expect_same_as_one_by_one(t, 1, keys);
}

// The user's view: an include over more parents than one walk takes (runs
// of 256) lists for each parent what its own find lists, through a scope
// with a where, an order and a page.
TEST(AppendEqualEach, AnIncludeOverManyParentsListsWhatEachParentsFindLists) {
  store db;
  std::mt19937 rng(5);
  for (int c = 1; c <= 700; ++c) ASSERT_TRUE(db.repo<Customer>().create({.id = c, .name = "c"}));
  for (int i = 0; i < 5000; ++i) {
    ASSERT_TRUE(db.repo<Order>().create(
        {.customerId = 1 + static_cast<std::int64_t>(rng() % 650), .total = static_cast<double>(rng() % 100)}));
  }
  const auto scope = relstore::filter<Order>{}
                         .where(relstore::field(&Order::total) >= 20.0)
                         .order(&Order::total, relstore::desc)
                         .skip(1)
                         .limit(4);
  auto rows = db.repo<Customer>().find(relstore::filter<Customer>{}.include("orders", scope));
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->size(), 700U);
  std::size_t listed = 0;
  for (const auto& r : *rows) {
    const auto want = db.repo<Customer>().related<"orders">(r->id).find(scope);
    ASSERT_TRUE(want);
    std::vector<Order> got;
    for (const auto& o : r.many<Order>("orders")) got.push_back(o.value);
    std::vector<Order> expected;
    for (const auto& o : *want) expected.push_back(o.value);
    EXPECT_EQ(got, expected) << "customer " << r->id;
    listed += got.size();
  }
  EXPECT_GT(listed, 2000U);
}

}  // namespace

}  // namespace family_walk_test
