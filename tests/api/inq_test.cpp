// An inq with many operands, tested on each entity through its operand set
// (searched in a line while short, by halving past that), and an inq on an
// index, whose keys are looked up together: each matches exactly what the
// equalities it lists would, each entity once, in key order.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/shop_schema.hpp"
#include "common/test_helpers.hpp"

namespace inq_test {

namespace {

using namespace shop;
using relstore::access_kind;
using relstore::field;
using relstore::filter;
using ids_t = std::vector<std::int64_t>;

// Operand counts on both sides of the set's thresholds (8: a set at all;
// 32: searched in a line up to it).
constexpr std::size_t counts[] = {2, 7, 8, 31, 32, 33, 120};

class Inq : public ::testing::Test {
 protected:
  // 4 customers, 5 coupons and 200 orders: totals in halves (i / 2), notes
  // "n0" to "n49", every third order without a coupon.
  void SetUp() override {
    for (int c = 0; c < 4; ++c) {
      auto r = db.repo<Customer>().insert({.name = "c"});
      ASSERT_TRUE(r) << r.error().message();
      customers.push_back(*r);
    }
    for (int c = 0; c < 5; ++c) {
      auto r = db.repo<Coupon>().insert({.label = "k"});
      ASSERT_TRUE(r) << r.error().message();
      coupons.push_back(*r);
    }
    for (int i = 0; i < 200; ++i) {
      const auto at = static_cast<std::size_t>(i);
      Order o{.customerId = customers[at % customers.size()],
              .total = i / 2.0,
              .note = "n" + std::to_string(i % 50),
              .couponId = i % 3 == 0 ? std::nullopt : std::optional<std::int64_t>(coupons[at % coupons.size()])};
      auto r = orders.insert(std::move(o));
      ASSERT_TRUE(r) << r.error().message();
      all.push_back(orders.find_by_id(*r).value());
    }
  }

  // The ids of the stored orders `keep` accepts, in key order: the answer
  // worked out by a scan of what was stored.
  template <class Keep>
  ids_t expected(Keep keep) const {
    ids_t out;
    for (const Order& o : all) {
      if (keep(o)) out.push_back(o.id);
    }
    return out;
  }
  ids_t ids(const filter<Order>& f) const { return test::found_ids(orders, f); }
  ids_t ids(const relstore::where<Order>& w) const { return ids(filter<Order>{}.where(w)); }
  ids_t ids(const std::string& json) const { return test::found_ids(orders, json); }
  template <class T>
  static bool listed(const std::vector<T>& ops, const T& v) {
    return std::find(ops.begin(), ops.end(), v) != ops.end();
  }

  store db;
  relstore::repository<schema, Order> orders = db.repo<Order>();
  ids_t customers, coupons;
  std::vector<Order> all;
};

TEST_F(Inq, ManyNumbersOnAFieldInNoIndexMatchWhatTheirEqualitiesWould) {
  for (const std::size_t n : counts) {
    // Steps of 0.75: integers, halves that are stored and quarters that
    // are not; -0.0 equals the stored 0.0; some lie past every total.
    std::vector<double> ops;
    for (std::size_t i = 0; i < n; ++i) ops.push_back(static_cast<double>(i) * 0.75 * (i % 2 == 0 ? 1 : 2));
    ops.push_back(-0.0);
    ops.push_back(ops[1]);  // a repeat
    auto in = [&](const Order& o) { return listed(ops, o.total); };
    EXPECT_EQ(ids(field(&Order::total).inq(ops)), expected(in)) << n << " operands";
    EXPECT_EQ(ids(field(&Order::total).nin(ops)), expected([&](const Order& o) { return !in(o); })) << n << " operands";
  }
}

TEST_F(Inq, ManyStringsMatchWhatTheirEqualitiesWould) {
  for (const std::size_t n : counts) {
    std::vector<std::string> ops;
    for (std::size_t i = 0; i < n; ++i) ops.push_back((i % 4 == 3 ? "x" : "n") + std::to_string(i * 3 % 70));
    auto in = [&](const Order& o) { return listed(ops, o.note); };
    EXPECT_EQ(ids(field(&Order::note).inq(ops)), expected(in)) << n << " operands";
    EXPECT_EQ(ids(field(&Order::note).nin(ops)), expected([&](const Order& o) { return !in(o); })) << n << " operands";
  }
}

TEST_F(Inq, ManyKeysWithNullOnANullableForeignKeyMatchWhatTheirEqualitiesWould) {
  for (const std::size_t n : counts) {
    // Listed through JSON, with null and numbers written as doubles (3.0).
    std::vector<std::optional<std::int64_t>> ops{std::nullopt};
    std::string json = R"({"where":{"couponId":{"inq":[null)";
    for (std::size_t i = 0; i + 1 < n; ++i) {
      const std::int64_t k = i % 2 == 0 ? coupons[i % 3] : 1000 + static_cast<std::int64_t>(i);
      ops.push_back(k);
      json += "," + std::to_string(k) + (i % 4 == 1 ? ".0" : "");
    }
    json += "]}}}";
    EXPECT_EQ(ids(json), expected([&](const Order& o) { return listed(ops, o.couponId); })) << json;
  }
}

TEST_F(Inq, ManyPrimaryKeysAreEachFoundOnceInKeyOrder) {
  for (const std::size_t n : counts) {
    // Scrambled, repeated, and some naming no order (0, negative, past the end).
    std::vector<std::int64_t> ops;
    for (std::size_t i = 0; i < n; ++i) ops.push_back(static_cast<std::int64_t>((i * 37 + 11) % 260) - 20);
    ops.push_back(ops.front());
    const ids_t want = expected([&](const Order& o) { return listed(ops, o.id); });
    EXPECT_EQ(ids(field(&Order::id).inq(ops)), want) << n << " keys";

    auto plan = orders.explain(filter<Order>{}.where(field(&Order::id).inq(ops)));
    ASSERT_TRUE(plan) << plan.error().message();
    EXPECT_EQ(plan->index, "id");
    EXPECT_EQ(plan->access, access_kind::index_in);
    EXPECT_EQ(plan->matched, want.size());

    std::size_t visited = 0;
    ids_t seen;
    auto v = orders.visit(filter<Order>{}.where(field(&Order::id).inq(ops)), [&](const Order& o) {
      ++visited;
      seen.push_back(o.id);
    });
    ASSERT_TRUE(v) << v.error().message();
    EXPECT_EQ(*v, want.size());
    EXPECT_EQ(seen, want);
  }
}

TEST_F(Inq, KeysWrittenAsIntegralDoublesFindTheirEntitiesAndOthersFindNone) {
  // 3.0 is key 3; 4.5 names no key; 5 and 5.0 are one key.
  EXPECT_EQ(ids(std::string(R"({"where":{"id":{"inq":[7, 3.0, 4.5, 5, 5.0, -1e300, 1e300]}}})")), (ids_t{3, 5, 7}));
  auto f = orders.prepare(R"({"where":{"id":{"inq":[7, 3.0, 4.5, 5, 5.0]}}})");
  ASSERT_TRUE(f) << f.error().message();
  auto plan = orders.explain(*f);
  ASSERT_TRUE(plan) << plan.error().message();
  EXPECT_EQ(plan->access, access_kind::index_in);
  EXPECT_EQ(plan->examined, 3u) << "the entities the index met";
  EXPECT_EQ(plan->matched, 3u);
}

TEST_F(Inq, ManyValuesOfAUniqueStringKeyAreEachFoundOnce) {
  // Account.code is the key sessions name: a unique index, not the primary key.
  std::vector<std::string> codes;
  for (int i = 0; i < 40; ++i) {
    codes.push_back("code" + std::to_string(i * 7 % 40));
    ASSERT_TRUE(db.repo<Account>().insert({.code = codes.back()}));
  }
  for (const std::size_t n : counts) {
    std::vector<std::string> ops;
    for (std::size_t i = 0; i < n; ++i) ops.push_back(i % 3 == 2 ? "none" + std::to_string(i) : codes[i * 5 % 40]);
    ops.push_back(ops.front());
    ids_t want;
    for (const auto& a : db.repo<Account>().find().value()) {
      if (listed(ops, a->code)) want.push_back(a->id);
    }
    EXPECT_EQ(test::found_ids(db.repo<Account>(), filter<Account>{}.where(field(&Account::code).inq(ops))), want)
        << n << " codes";
    auto plan = db.repo<Account>().explain(filter<Account>{}.where(field(&Account::code).inq(ops)));
    ASSERT_TRUE(plan) << plan.error().message();
    EXPECT_EQ(plan->index, "code");
    EXPECT_EQ(plan->access, access_kind::index_in);
    EXPECT_EQ(plan->matched, want.size());
  }
}

TEST_F(Inq, ManyPrimaryKeysWithAnotherTermOrderAndPageAsAScanWould) {
  std::vector<std::int64_t> ops;
  for (std::int64_t k = 180; k >= 0; k -= 7) ops.push_back(k);
  auto keep = [&](const Order& o) { return listed(ops, o.id) && o.total > 20; };
  ids_t want = expected(keep);
  EXPECT_EQ(ids(field(&Order::id).inq(ops) && field(&Order::total) > 20.0), want);

  // Highest total first, then skip 2 and keep 5 of them.
  std::vector<Order> rows;
  for (const Order& o : all) {
    if (keep(o)) rows.push_back(o);
  }
  std::stable_sort(rows.begin(), rows.end(), [](const Order& a, const Order& b) { return a.total > b.total; });
  ids_t page;
  for (std::size_t i = 2; i < std::min<std::size_t>(rows.size(), 7); ++i) page.push_back(rows[i].id);
  EXPECT_EQ(ids(filter<Order>{}
                    .where(field(&Order::id).inq(ops) && field(&Order::total) > 20.0)
                    .order(&Order::total, relstore::desc)
                    .skip(2)
                    .limit(5)),
            page);
}

TEST_F(Inq, ManyKeysOfAForeignKeyFindEachChildOnceInKeyOrder) {
  for (const std::size_t n : counts) {
    std::vector<std::int64_t> ops;
    for (std::size_t i = 0; i < n; ++i) ops.push_back(i % 3 == 0 ? customers[i % customers.size()] : 9000 + 1);
    ops.push_back(customers[2]);
    const ids_t want = expected([&](const Order& o) { return listed(ops, o.customerId); });
    EXPECT_EQ(ids(field(&Order::customerId).inq(ops)), want) << n << " keys";
    EXPECT_EQ(orders.count(field(&Order::customerId).inq(ops)).value(), want.size());
  }
}

// visit_by_ids: the rows of an inq on the key, without a filter.
TEST_F(Inq, VisitByIdsGivesWhatAnInqOnTheKeyGivesInKeyOrder) {
  for (const std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{16}, std::size_t{64}, std::size_t{65},
                              std::size_t{300}}) {  // past 64 keys, sorted on the heap
    std::vector<std::int64_t> keys;
    for (std::size_t i = 0; i < n; ++i) keys.push_back(static_cast<std::int64_t>((i * 53 + 7) % 240) - 20);
    if (n > 0) keys.push_back(keys.front());  // a repeat
    ids_t seen;
    const std::size_t visited = orders.visit_by_ids(keys, [&](const Order& o) { seen.push_back(o.id); });
    const ids_t want = expected([&](const Order& o) { return listed(keys, o.id); });
    EXPECT_EQ(seen, want) << n << " keys";
    EXPECT_EQ(visited, want.size());
    EXPECT_EQ(seen, ids(field(&Order::id).inq(keys))) << n << " keys";
  }
}

// On a constrained repository: only this parent's children, through a
// required foreign key and a nullable one (an order without a coupon is no
// coupon's), the same rows as the view's visit with an inq on the key.
TEST_F(Inq, AConstrainedVisitByIdsGivesOnlyItsParentsChildren) {
  std::vector<std::int64_t> keys;
  for (std::int64_t k = -3; k < 260; k += 3) keys.push_back(k);  // every parent's orders, and keys naming nothing
  keys.push_back(keys[10]);                                      // a repeat
  // `mine`'s visit_by_ids against a scan for the orders `owned` accepts, and
  // against mine's visit of the same inq.
  auto check = [&](auto mine, auto owned) {
    ids_t seen;
    const std::size_t visited = mine.visit_by_ids(keys, [&](const Order& o) { seen.push_back(o.id); });
    const ids_t want = expected([&](const Order& o) { return owned(o) && listed(keys, o.id); });
    ASSERT_FALSE(want.empty());
    EXPECT_EQ(seen, want);
    EXPECT_EQ(visited, want.size());
    ids_t visited_by_filter;
    (void)mine.visit(filter<Order>{}.where(field(&Order::id).inq(keys)),
                     [&](const Order& o) { visited_by_filter.push_back(o.id); });
    EXPECT_EQ(seen, visited_by_filter);
  };
  for (const std::int64_t c : customers) {
    SCOPED_TRACE(c);
    check(db.repo<Customer>().related<"orders">(c), [&](const Order& o) { return o.customerId == c; });
  }
  for (const std::int64_t k : coupons) {
    SCOPED_TRACE(k);
    check(db.repo<Coupon>().related<"orders">(k), [&](const Order& o) { return o.couponId == k; });
  }
}

TEST_F(Inq, VisitByIdsTakesStringKeysAndHandsOverTheStoredEntities) {
  ASSERT_TRUE(db.repo<Account>().insert({.code = "ac"}));
  for (const char* t : {"t3", "t1", "t2"}) ASSERT_TRUE(db.repo<Session>().insert({.token = t, .accountCode = "ac"}));
  const std::vector<std::string> keys{"t3", "nope", "t1", "t3", ""};
  std::vector<std::string> seen;
  std::vector<const Session*> where;
  const std::size_t visited = db.repo<Session>().visit_by_ids(keys, [&](const Session& s) {
    seen.push_back(s.token);
    where.push_back(&s);
  });
  EXPECT_EQ(visited, 2u);
  EXPECT_EQ(seen, (std::vector<std::string>{"t1", "t3"}));
  ASSERT_EQ(where.size(), 2u);
  EXPECT_EQ(where[1],
            &*db.repo<Session>().view(filter<Session>{}.where(field(&Session::token) == "t3")).value().begin())
      << "the stored entity, not a copy";
  // Past 64 keys, sorted on the heap (as pointers to the caller's strings).
  std::vector<std::string> many;
  for (int i = 0; i < 100; ++i) many.push_back(i % 3 == 0 ? "t2" : std::string(40, 'x') + std::to_string(i));
  many.push_back("t3");
  seen.clear();
  EXPECT_EQ(db.repo<Session>().visit_by_ids(many, [&](const Session& s) { seen.push_back(s.token); }), 2u);
  EXPECT_EQ(seen, (std::vector<std::string>{"t2", "t3"}));
}

}  // namespace

}  // namespace inq_test
