// append_equal_each, the families of many keys walked together: each key's
// list is exactly append_equal's, in its order, on every kind of key, and an
// include over many parents gives what each parent's own find gives.
#include "relstore/detail/family_walk.hpp"

#include <gtest/gtest.h>
#include <boost/describe/enum.hpp>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "common/shop_schema.hpp"
#include "common/snapshot_helpers.hpp"
#include "relstore/detail/store_access.hpp"

// Hashed indexes on every kind of key a lane can hold: an enum, an optional
// enum, a uint64 (values past INT64_MAX), a bool and an optional string.
namespace family_walk_kinds {
enum class tint : std::uint8_t { red, green, blue = 9 };
BOOST_DESCRIBE_ENUM(tint, red, green, blue)
struct Thing {
  std::int64_t id = 0;
  tint color = tint::red;
  std::optional<tint> spare;
  std::uint64_t tag = 0;
  bool on = false;
  std::optional<std::string> label;
};
RELSTORE_MODEL(Thing, id, color, spare, tag, on, label)
using schema =
    relstore::schema<relstore::models<Thing>, relstore::index<&Thing::color, relstore::hashed>,
                     relstore::index<&Thing::spare, relstore::hashed>, relstore::index<&Thing::tag, relstore::hashed>,
                     relstore::index<&Thing::on, relstore::hashed>, relstore::index<&Thing::label, relstore::hashed>>;
}  // namespace family_walk_kinds

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
// exactly for the keys that have entities. Returns the walk.
walked expect_same_as_one_by_one(const table_base& t, std::size_t field, const std::vector<value_view>& keys) {
  walked w = walk_each(t, field, keys);
  for (std::size_t i = 0; i < keys.size(); ++i) {
    std::vector<const void*> alone;
    t.append_equal(field, keys[i], alone);
    EXPECT_EQ(w.lists[i], alone) << "key " << i;
    EXPECT_EQ(w.asked.count(i), alone.empty() ? 0U : 1U) << "key " << i;
  }
  return w;
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

template <class M>
const table_base& typed(const store& db) {
  return relstore::detail::store_access::of(db).template tab<M>();
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
  const walked w = expect_same_as_one_by_one(typed<Order>(db), 1, keys);
  EXPECT_FALSE(w.lists[60].empty()) << "customer 1 has orders";
  EXPECT_EQ(w.lists[61], w.lists[58]) << "a key asked again gets its family again";
}

TEST(AppendEqualEach, FindsTheNullsOfAnOptionalKeyAndEachCoupon) {
  store db;
  seed(db);
  const std::vector<value_view> keys = {std::int64_t{2}, relstore::null_t{}, std::int64_t{1}, std::int64_t{9},
                                        std::int64_t{3}};
  const walked w = expect_same_as_one_by_one(typed<Order>(db), 4, keys);
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
  EXPECT_EQ(expect_same_as_one_by_one(typed<Session>(db), 1, keys).lists[1].size(), 29U % 7) << "acct-29's sessions";
}

TEST(AppendEqualEach, ADatasetTableGivesTheSameListsOneByOne) {
  store db;
  seed(db);
  const relstore::dataset ds = test::dataset_of(db);
  const auto& t = relstore::detail::dataset_access::of(ds).table(*ds.find_model("Order"));
  std::vector<value_view> keys;
  for (std::int64_t c = 1; c <= 61; ++c) keys.emplace_back(c);
  std::size_t listed = 0;
  for (const auto& l : expect_same_as_one_by_one(t, 1, keys).lists) listed += l.size();
  EXPECT_EQ(listed, 900U) << "every order has one of these customers";
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

TEST(AppendEqualEach, WalksEnumUint64BoolAndOptionalKeys) {
  using namespace family_walk_kinds;
  relstore::store<family_walk_kinds::schema> db;
  constexpr std::uint64_t big = (std::uint64_t{1} << 63) + 5;
  const tint tints[] = {tint::red, tint::green, tint::blue};
  for (int i = 0; i < 300; ++i) {
    const auto u = static_cast<std::size_t>(i);
    Thing t{.color = tints[u % 3], .tag = i % 4 == 0 ? big : u % 11, .on = i % 5 == 0};
    if (i % 2 == 0) t.spare = tints[u % 2];
    if (i % 3 != 0) t.label = "label-" + std::to_string(i % 13);
    ASSERT_TRUE(db.repo<Thing>().create(t));
  }
  const table_base& t = relstore::detail::store_access::of(db).template tab<Thing>();
  const std::vector<std::string> labels = {"label-1", "label-12", "nope", "label-0"};
  const std::vector<std::pair<std::size_t, std::vector<value_view>>> cases = {
      {1, {std::int64_t{9}, std::int64_t{0}, std::int64_t{1}, std::int64_t{2}, std::int64_t{300}, std::int64_t{-1}}},
      {2, {relstore::null_t{}, std::int64_t{0}, std::int64_t{1}, std::int64_t{9}}},
      {3, {big, std::uint64_t{3}, std::int64_t{3}, std::int64_t{10}, std::uint64_t{1} << 63, -1.0, 3.0}},
      {4, {true, false, std::int64_t{1}}},
      {5,
       {relstore::null_t{}, std::string_view(labels[0]), std::string_view(labels[1]), std::string_view(labels[2]),
        std::string_view(labels[3])}},
  };
  for (const auto& [field, keys] : cases) {
    SCOPED_TRACE(field);
    const walked w = expect_same_as_one_by_one(t, field, keys);
    EXPECT_FALSE(w.asked.empty()) << "some key of field " << field << " has entities";
  }
  // The same keys through an inq: what each finds alone.
  auto inq = db.repo<Thing>().find(
      relstore::filter<Thing>{}.where(relstore::field(&Thing::tag).inq({big, std::uint64_t{3}, std::uint64_t{7}})));
  ASSERT_TRUE(inq);
  std::size_t alone = 0;
  for (std::uint64_t k : {big, std::uint64_t{3}, std::uint64_t{7}}) {
    alone += db.repo<Thing>().count(relstore::field(&Thing::tag) == k).value();
  }
  EXPECT_EQ(inq->size(), alone);
  EXPECT_GT(alone, 75U);
}

// An inq on an indexed field walks its keys' families together: it finds,
// in key order, what finding each key alone finds, with repeats, absent
// keys and another condition.
TEST(AppendEqualEach, AnInqOverManyKeysFindsWhatEachKeyFindsAlone) {
  store db;
  seed(db);
  std::vector<std::int64_t> keys;
  for (std::int64_t c = 1; c <= 61; c += 2) keys.push_back(c);  // 51..61 have no orders
  keys.push_back(3);                                            // a repeat
  const auto rich = relstore::field(&Order::total) >= 20.0;
  auto got =
      db.repo<Order>().find(relstore::filter<Order>{}.where(relstore::field(&Order::customerId).inq(keys) && rich));
  ASSERT_TRUE(got);
  std::vector<Order> want;
  for (std::int64_t c = 1; c <= 61; c += 2) {
    auto one = db.repo<Order>().find(relstore::filter<Order>{}.where(relstore::field(&Order::customerId) == c && rich));
    ASSERT_TRUE(one);
    for (const auto& o : *one) want.push_back(o.value);
  }
  std::sort(want.begin(), want.end(), [](const Order& a, const Order& b) { return a.id < b.id; });
  std::vector<Order> found;
  for (const auto& o : *got) found.push_back(o.value);
  EXPECT_EQ(found, want);
  EXPECT_GT(found.size(), 100U);
}

}  // namespace

}  // namespace family_walk_test
