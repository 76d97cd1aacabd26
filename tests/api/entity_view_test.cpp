// view, visit and prepare: finds that read the stored entities in place, and
// JSON filters parsed once.
#include "relstore/entity_view.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/shop_schema.hpp"

namespace entity_view_test {

namespace {

using namespace shop;
using relstore::errc;

class EntityView : public ::testing::Test {
 protected:
  void SetUp() override {
    ada_ = db_.repo<Customer>().create({.name = "Ada"}).value().id;
    bob_ = db_.repo<Customer>().create({.name = "Bob"}).value().id;
    for (double t : {30.0, 5.0, 12.0, 8.0}) {
      ASSERT_TRUE(db_.repo<Customer>().related<"orders">(ada_).create({.total = t, .note = "ada"}));
    }
    ASSERT_TRUE(db_.repo<Customer>().related<"orders">(bob_).create({.total = 99, .note = "bob"}));
  }
  store db_;
  std::int64_t ada_ = 0, bob_ = 0;
};

std::vector<std::int64_t> ids(const relstore::entity_view<Order>& v) {
  std::vector<std::int64_t> out;
  for (const Order& o : v) out.push_back(o.id);
  return out;
}

TEST_F(EntityView, HoldsWhatFindReturnsInItsOrderWithoutCopying) {
  const auto f =
      relstore::filter<Order>{}.where(relstore::field(&Order::total) > 6.0).order(&Order::total).skip(1).limit(2);
  auto found = db_.repo<Order>().find(f).value();
  auto v = db_.repo<Order>().view(f).value();
  ASSERT_EQ(v.size(), found.size());
  for (std::size_t i = 0; i < v.size(); ++i) EXPECT_EQ(v[i], *found[i]) << i;
  EXPECT_EQ(ids(v), (std::vector<std::int64_t>{3, 1}));
  // The stored entities themselves: a second view points at the same objects.
  auto again = db_.repo<Order>().view(f).value();
  EXPECT_EQ(&again[0], &v[0]);
  EXPECT_EQ(&*v.begin(), &v.front());
  EXPECT_EQ(v.end() - v.begin(), 2);
  auto json = db_.repo<Order>().view(R"({"where":{"total":{"gt":6}},"order":["total ASC"],"skip":1,"limit":2})");
  ASSERT_TRUE(json) << json.error().message();
  EXPECT_EQ(ids(*json), ids(v));
}

TEST_F(EntityView, VisitCallsBackInOrderAndCounts) {
  std::vector<std::int64_t> seen;
  double sum = 0;
  auto n = db_.repo<Order>().visit(relstore::filter<Order>{}.order(&Order::total, relstore::desc), [&](const Order& o) {
    seen.push_back(o.id);
    sum += o.total;
  });
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, 5u);
  EXPECT_EQ(seen, (std::vector<std::int64_t>{5, 1, 3, 4, 2}));
  EXPECT_EQ(sum, 154.0);
  auto bad = db_.repo<Order>().visit(R"({"where":{"nope":1}})", [&](const Order&) { FAIL(); });
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, errc::invalid_filter);
}

// A visit of all of one parent's children takes a shortcut (the family
// gathered on the stack, its order checked during the walk): it must still
// give key order, whatever order the children were created in, for a family
// past the 32 gathered on the stack too, and agree with find.
TEST_F(EntityView, AConstrainedVisitOfAllGivesKeyOrderWhateverTheCreationOrder) {
  auto visited = [&](const std::vector<std::int64_t>& keys) {
    const auto parent = db_.repo<Customer>().create({.name = "Cy"}).value().id;
    auto orders = db_.repo<Customer>().related<"orders">(parent);
    for (std::int64_t k : keys) EXPECT_TRUE(orders.create({.id = k, .total = 1.0}));
    std::vector<std::int64_t> seen;
    auto n = orders.visit({}, [&](const Order& o) { seen.push_back(o.id); });
    EXPECT_TRUE(n);
    EXPECT_EQ(n.value_or(0), keys.size());
    std::vector<std::int64_t> found;
    for (const auto& o : orders.find().value()) found.push_back(o->id);
    EXPECT_EQ(seen, found) << "visit and find disagree";
    return seen;
  };
  std::vector<std::int64_t> shuffled, rising, falling;
  for (std::int64_t k = 1; k <= 40; ++k) {
    shuffled.push_back(1000 + (k * 17) % 41);  // 1001..1040, out of order
    rising.push_back(2000 + k);
    falling.push_back(3041 - k);
  }
  for (const auto* keys : {&rising, &falling, &shuffled}) {
    auto want = *keys;
    std::sort(want.begin(), want.end());
    EXPECT_EQ(visited(*keys), want);
    std::vector<std::int64_t> small(keys->begin(), keys->begin() + 7);
    for (auto& k : small) k += 10000;  // the same order, a new family of 7
    auto small_want = small;
    std::sort(small_want.begin(), small_want.end());
    EXPECT_EQ(visited(small), small_want);
  }
}

// for_each_unordered hands over exactly the family visit gives (in the
// index's order, not key order), however the family was made and churned,
// and nothing of another parent or of a null foreign key.
TEST_F(EntityView, AConstrainedForEachUnorderedGivesTheWholeFamilyAndNothingElse) {
  auto family = [&](auto repo) {
    std::vector<std::int64_t> seen, visited;
    const std::size_t n = repo.for_each_unordered([&](const Order& o) { seen.push_back(o.id); });
    EXPECT_EQ(n, seen.size());
    EXPECT_TRUE(repo.visit({}, [&](const Order& o) { visited.push_back(o.id); }));
    std::sort(seen.begin(), seen.end());
    EXPECT_EQ(seen, visited) << "for_each_unordered and visit disagree";
    return seen;
  };
  auto ada = db_.repo<Customer>().related<"orders">(ada_);
  EXPECT_EQ(family(ada), (std::vector<std::int64_t>{1, 2, 3, 4}));
  EXPECT_EQ(family(db_.repo<Customer>().related<"orders">(bob_)), (std::vector<std::int64_t>{5}));
  EXPECT_TRUE(family(db_.repo<Customer>().related<"orders">(bob_ + 100)).empty());
  // Churn: a child deleted, two created out of key order, one moved away.
  ASSERT_TRUE(db_.repo<Order>().delete_by_id(2));
  ASSERT_TRUE(ada.create({.id = 40, .total = 1.0}));
  ASSERT_TRUE(ada.create({.id = 7, .total = 1.0}));
  ASSERT_TRUE(db_.repo<Order>().update_by_id(3, relstore::patch<Order>{}.set(&Order::customerId, bob_)));
  EXPECT_EQ(family(ada), (std::vector<std::int64_t>{1, 4, 7, 40}));
  EXPECT_EQ(family(db_.repo<Customer>().related<"orders">(bob_)), (std::vector<std::int64_t>{3, 5}));
  // A nullable foreign key: the orders without a coupon are no coupon's.
  const auto coupon = db_.repo<Coupon>().create({.label = "half"}).value().id;
  ASSERT_TRUE(db_.repo<Order>().update_by_id(4, relstore::patch<Order>{}.set(&Order::couponId, coupon)));
  EXPECT_EQ(family(db_.repo<Coupon>().related<"orders">(coupon)), (std::vector<std::int64_t>{4}));
  // A read-only repository's families read the same way.
  const store& reader = db_;
  double sum = 0;
  EXPECT_EQ(reader.repo<Customer>().related<"orders">(ada_).for_each_unordered([&](const Order& o) { sum += o.total; }),
            4u);
  EXPECT_EQ(sum, 30.0 + 8.0 + 1.0 + 1.0) << "orders 1, 4, 7 and 40";
}

TEST_F(EntityView, AConstrainedViewSeesOnlyItsParentsChildren) {
  auto orders = db_.repo<Customer>().related<"orders">(ada_);
  auto v = orders.view(relstore::filter<Order>{}.order(&Order::total).limit(3)).value();
  EXPECT_EQ(ids(v), (std::vector<std::int64_t>{2, 4, 3}));
  double sum = 0;
  auto n = orders.visit(relstore::filter<Order>{}.where(relstore::field(&Order::total) > 10.0),
                        [&](const Order& o) { sum += o.total; });
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, 2u);
  EXPECT_EQ(sum, 42.0) << "Bob's 99 is not Ada's";
  EXPECT_TRUE(db_.repo<Customer>().related<"orders">(ada_ + 100).view().value().empty());
}

// Includes come as views too: the same entities find's rows hold, in the
// same order, pointing into the store.
TEST_F(EntityView, IncludesComeAsViewsOfTheStoredEntities) {
  const auto f = relstore::filter<Customer>{}.include(
      "orders", relstore::filter<Order>{}.order(&Order::total, relstore::desc).limit(3).include("customer"));
  auto rows = db_.repo<Customer>().find(f).value();
  auto v = db_.repo<Customer>().view(f);
  ASSERT_TRUE(v) << v.error().message();
  ASSERT_EQ(v->size(), rows.size());
  for (std::size_t i = 0; i < v->size(); ++i) {
    const auto orders = v->included<Order>(i, "orders");
    const auto& expected = rows[i].many<Order>("orders");
    ASSERT_EQ(orders.size(), expected.size()) << i;
    for (std::size_t k = 0; k < orders.size(); ++k) {
      EXPECT_EQ(orders[k], *expected[k]);
      const auto stored =
          db_.repo<Order>().view(relstore::filter<Order>{}.where(relstore::field(&Order::id) == orders[k].id));
      EXPECT_EQ(&orders[k], &stored.value()[0]) << "no copy";
      const auto owner = orders.included<Customer>(k, "customer");
      ASSERT_EQ(owner.size(), 1u);
      EXPECT_EQ(&owner[0], &(*v)[i]) << "the nested belongs_to leads back to the same stored customer";
    }
  }
  EXPECT_EQ(ids(v->included<Order>(0, "orders")), (std::vector<std::int64_t>{1, 3, 4})) << "Ada's top three";
}

TEST_F(EntityView, IncludedViewsOutliveTheFilterAndWorkOnConstrainedViews) {
  relstore::entity_view<Order> ada_orders;
  {
    auto f = std::make_unique<relstore::filter<Order>>(relstore::filter<Order>{}.include("customer"));
    ada_orders = db_.repo<Customer>().related<"orders">(ada_).view(*f).value();
  }  // the filter is gone; the view keeps what it needs
  ASSERT_EQ(ada_orders.size(), 4u);
  for (std::size_t i = 0; i < ada_orders.size(); ++i) {
    EXPECT_EQ(ada_orders.included<Customer>(i, "customer").front().name, "Ada");
  }
  auto json = db_.repo<Customer>().view(R"({"where":{"name":"Bob"},"include":[{"relation":"orders"}]})");
  ASSERT_TRUE(json) << json.error().message();
  EXPECT_EQ(ids(json->included<Order>(0, "orders")), (std::vector<std::int64_t>{5}));
}

TEST_F(EntityView, FieldsNeedFindAndVisitTakesNoInclude) {
  auto fields = db_.repo<Customer>().related<"orders">(ada_).view(relstore::filter<Order>{}.fields(&Order::id));
  ASSERT_FALSE(fields);
  EXPECT_EQ(fields.error().code, errc::invalid_filter);
  EXPECT_NE(fields.error().message().find("Order: a view or visit gives whole stored entities"), std::string::npos)
      << fields.error().message();
  auto visited = db_.repo<Customer>().visit(relstore::filter<Customer>{}.include("orders"), [](const Customer&) {});
  ASSERT_FALSE(visited);
  EXPECT_EQ(visited.error().code, errc::invalid_filter);
  EXPECT_NE(visited.error().message().find("Customer: visit gives the entities alone"), std::string::npos)
      << visited.error().message();
  auto kids = db_.repo<Customer>().related<"orders">(ada_).visit(relstore::filter<Order>{}.include("customer"),
                                                                 [](const Order&) {});
  ASSERT_FALSE(kids);
  EXPECT_EQ(kids.error().code, errc::invalid_filter);
}

// As README says: a constrained view and visit take JSON too.
TEST_F(EntityView, AConstrainedViewAndVisitTakeJson) {
  auto orders = db_.repo<Customer>().related<"orders">(ada_);
  const char* json = R"({"where":{"total":{"gt":6}},"order":["total DESC"]})";
  const auto typed = orders
                         .view(relstore::filter<Order>{}
                                   .where(relstore::field(&Order::total) > 6.0)
                                   .order(&Order::total, relstore::desc))
                         .value();
  EXPECT_EQ(ids(orders.view(json).value()), ids(typed));
  std::vector<std::int64_t> seen;
  EXPECT_EQ(orders.visit(json, [&](const Order& o) { seen.push_back(o.id); }).value(), 3u);
  EXPECT_EQ(seen, ids(typed));
  EXPECT_EQ(orders.view(R"({"where":{"nope":1}})").error().code, errc::invalid_filter);
}

// Regression: fields in an include's scope were dropped, and the view gave
// whole children where find blanks the others.
TEST_F(EntityView, FieldsInAnIncludesScopeNeedFindToo) {
  const char* json = R"({"include":[{"relation":"orders","scope":{"fields":["id"]}}]})";
  for (const auto& r :
       {db_.repo<Customer>().view(json), db_.repo<Customer>().view(relstore::filter<Customer>{}.include(
                                             "orders", relstore::filter<Order>{}.fields(&Order::id)))}) {
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, errc::invalid_filter);
    EXPECT_NE(r.error().message().find("Customer, include orders: a view or visit gives whole stored entities"),
              std::string::npos)
        << r.error().message();
  }
  EXPECT_TRUE(db_.repo<Customer>().view(R"({"include":[{"relation":"orders","scope":{"limit":1}}]})"));
}

// Parsed once, a prepared filter runs like the typed one and sees the
// store as it is at each run.
TEST_F(EntityView, APreparedJsonFilterRunsManyTimes) {
  auto q = db_.repo<Order>().prepare(R"({"where":{"note":"ada"},"order":["total DESC"],"limit":2})");
  ASSERT_TRUE(q) << q.error().message();
  EXPECT_EQ(ids(db_.repo<Order>().view(*q).value()), (std::vector<std::int64_t>{1, 3}));
  ASSERT_TRUE(db_.repo<Customer>().related<"orders">(ada_).create({.total = 50, .note = "ada"}));
  EXPECT_EQ(ids(db_.repo<Order>().view(*q).value()), (std::vector<std::int64_t>{6, 1}));
  EXPECT_EQ(db_.repo<Order>().find(*q).value().size(), 2u);
  auto bad = db_.repo<Order>().prepare(R"({"where":{"total":{"gt":"x"}}})");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, errc::invalid_filter);
  auto deep = db_.repo<Order>().prepare(R"({"limit":-1})");
  EXPECT_FALSE(deep);
}

// A prepared filter is checked once, on the store that prepared it and
// under its limits: changing the filter, the limits or the store checks it
// again, and the run refuses what the check refuses.
TEST_F(EntityView, APreparedFilterIsCheckedAgainWhenItOrItsStoreChanges) {
  using relstore::field;
  auto q = db_.repo<Order>().prepare(relstore::filter<Order>{}
                                         .where(field(&Order::total) > 6.0 && field(&Order::note) == "ada")
                                         .order(&Order::total, relstore::desc)
                                         .limit(2));
  ASSERT_TRUE(q) << q.error().message();
  EXPECT_EQ(ids(db_.repo<Order>().view(*q).value()), (std::vector<std::int64_t>{1, 3}));

  const relstore::limits roomy = db_.limits();
  db_.set_limits({.max_filter_terms = 1});
  auto tight = db_.repo<Order>().find(*q);
  ASSERT_FALSE(tight);
  EXPECT_EQ(tight.error().code, errc::limit_exceeded);
  EXPECT_FALSE(db_.repo<Order>().visit(*q, [](const Order&) {}));
  EXPECT_FALSE(db_.repo<Customer>().related<"orders">(ada_).find(*q));
  db_.set_limits(roomy);
  EXPECT_EQ(db_.repo<Customer>().related<"orders">(ada_).find(*q).value().size(), 2u);

  q = db_.repo<Order>().prepare(*q);  // prepared under the limits as they are now
  ASSERT_TRUE(q);
  auto twice = *q;
  twice.order(&Order::total);  // total is ordered already
  auto refused = db_.repo<Order>().find(twice);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, errc::invalid_filter);

  store other;
  other.set_limits({.max_filter_terms = 1});
  auto elsewhere = other.repo<Order>().find(*q);
  ASSERT_FALSE(elsewhere);
  EXPECT_EQ(elsewhere.error().code, errc::limit_exceeded);
}

// Limits belong to the store object, as its subscriptions do: a load kept
// them, and an assignment now does too (it took the other store's, and
// with them the other's validation stamp: REGRESSION from review helper-45).
TEST_F(EntityView, AnAssignmentKeepsTheStoresLimits) {
  using relstore::field;
  const auto two_terms = relstore::filter<Order>{}.where(field(&Order::total) > 1.0 && field(&Order::total) < 9.0);
  store tight;
  tight.set_limits({.max_filter_terms = 1});
  tight = db_;
  EXPECT_EQ(tight.size<Order>(), db_.size<Order>());
  EXPECT_EQ(tight.limits().max_filter_terms, 1u);
  auto refused = tight.repo<Order>().find(two_terms);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, errc::limit_exceeded);
  auto q = db_.repo<Order>().prepare(two_terms);  // passed under db_'s roomy limits
  ASSERT_TRUE(q) << q.error().message();
  tight = store(db_);
  EXPECT_EQ(tight.limits().max_filter_terms, 1u) << "a move assignment keeps them too";
  EXPECT_FALSE(tight.repo<Order>().find(*q)) << "checked again under tight's limits";
  const store copy = tight;
  EXPECT_EQ(copy.limits().max_filter_terms, 1u) << "a copy takes them";
}

// A moved-from filter is the empty filter, even one that was prepared
// (REGRESSION: it kept its validation stamp, and its run read the operands
// the move had taken).
TEST_F(EntityView, AMovedFromPreparedFilterMatchesEverything) {
  using relstore::field;
  auto orders = db_.repo<Order>();
  const auto everything = ids(orders.view().value());
  auto q = orders.prepare(relstore::filter<Order>{}.where(field(&Order::total) > 6.0).order(&Order::total));
  ASSERT_TRUE(q) << q.error().message();
  auto kept = std::move(*q);
  EXPECT_EQ(ids(orders.view(kept).value()), (std::vector<std::int64_t>{4, 3, 1, 5}));
  EXPECT_EQ(ids(orders.view(*q).value()), everything);  // NOLINT(bugprone-use-after-move): the case under test

  auto r = orders.prepare(R"({"where":{"note":{"regexp":"^a"}}})");
  ASSERT_TRUE(r) << r.error().message();
  relstore::filter<Order> into;
  into = std::move(*r);
  EXPECT_EQ(orders.find(into).value().size(), 4u);
  EXPECT_EQ(orders.find(*r).value().size(), everything.size());  // NOLINT(bugprone-use-after-move)
}

struct misuse : std::runtime_error {
  using std::runtime_error::runtime_error;
};
[[maybe_unused]] void throw_on_assert(const char*, const char* message, const char*, int) { throw misuse(message); }

// A view outliving a write is a Debug-build assertion, whichever write it is.
TEST_F(EntityView, IncludedAsksForAnIncludedRelationOfItsModel) {
  auto previous = relstore::set_assert_handler(&throw_on_assert);
  auto v = db_.repo<Customer>().view(relstore::filter<Customer>{}.include("orders")).value();
  EXPECT_NO_THROW((void)v.included<Order>(0, "orders"));
  EXPECT_THROW((void)v.included<Order>(0, "coupons"), misuse) << "not included";
  EXPECT_THROW((void)v.included<OrderLine>(0, "orders"), misuse) << "orders are not order lines";
  EXPECT_THROW((void)v.included<Order>(2, "orders"), misuse) << "past the end";
  auto plain = db_.repo<Customer>().view().value();
  EXPECT_THROW((void)plain.included<Order>(0, "orders"), misuse) << "a view without includes";
  relstore::set_assert_handler(previous);
}

TEST_F(EntityView, DebugBuildsCatchAViewUsedAfterAWrite) {
#ifdef NDEBUG
  GTEST_SKIP() << "the check is compiled in Debug builds only";
#else
  auto previous = relstore::set_assert_handler(&throw_on_assert);
  auto v = db_.repo<Order>().view().value();
  EXPECT_NO_THROW((void)v.begin());
  ASSERT_TRUE(db_.repo<Order>().update_by_id(1, relstore::patch<Order>{}.set(&Order::total, 1.0)));
  EXPECT_THROW((void)v.begin(), misuse);
  EXPECT_THROW((void)v[0], misuse);
  auto w = db_.repo<Order>().view().value();
  {
    auto tx = db_.begin();
    ASSERT_TRUE(db_.repo<Order>().delete_by_id(2));
    tx.rollback();
  }
  EXPECT_THROW((void)w.begin(), misuse) << "a rollback changes the store too";
  relstore::set_assert_handler(previous);
#endif
}

// The commonest misuse: a loop over a view that deletes or updates as it
// goes. begin() was checked before the first write; the iterator's next
// dereference must be too (it read a freed entity before).
TEST_F(EntityView, DebugBuildsCatchALoopThatWritesAtItsNextRead) {
#ifdef NDEBUG
  GTEST_SKIP() << "the check is compiled in Debug builds only";
#else
  auto previous = relstore::set_assert_handler(&throw_on_assert);
  auto v = db_.repo<Order>().view().value();
  ASSERT_GE(v.size(), 2u);
  std::size_t read = 0;
  auto loop = [&] {
    for (const Order& o : v) {
      ++read;
      (void)db_.repo<Order>().delete_by_id(o.id);
    }
  };
  EXPECT_THROW(loop(), misuse);
  EXPECT_EQ(read, 1u) << "caught at the second entity, before it is read";
  auto w = db_.repo<Order>().view().value();
  ASSERT_FALSE(w.empty());
  auto it = w.begin();
  ASSERT_TRUE(db_.repo<Order>().update_by_id(it->id, relstore::patch<Order>{}.set(&Order::total, 1.0)));
  EXPECT_THROW((void)it->id, misuse);
  EXPECT_THROW((void)*it, misuse);
  EXPECT_THROW((void)it[0], misuse);
  relstore::set_assert_handler(previous);
#endif
}

// Assigning a whole store over another replaces every entity a view on it
// showed: the view is invalid even when both stores had counted as many
// writes (an assignment once copied the other store's count).
TEST_F(EntityView, DebugBuildsCatchAViewUsedAfterItsStoreIsAssigned) {
#ifdef NDEBUG
  GTEST_SKIP() << "the check is compiled in Debug builds only";
#else
  auto previous = relstore::set_assert_handler(&throw_on_assert);
  store other = db_;  // a copy: the same count of writes
  auto v = db_.repo<Order>().view().value();
  db_ = other;
  EXPECT_THROW((void)v.begin(), misuse);
  auto w = db_.repo<Order>().view().value();
  db_ = std::move(other);
  EXPECT_THROW((void)w.begin(), misuse);
  auto u = db_.repo<Order>().view().value();
  EXPECT_NO_THROW((void)u.begin()) << "a view taken after the assignment is valid";
  relstore::set_assert_handler(previous);
#endif
}

// A visit hands over stored entities as it walks: its fn must not write.
TEST_F(EntityView, DebugBuildsCatchAVisitThatWrites) {
#ifdef NDEBUG
  GTEST_SKIP() << "the check is compiled in Debug builds only";
#else
  auto previous = relstore::set_assert_handler(&throw_on_assert);
  std::size_t calls = 0;
  auto write = [&](const Order& o) {
    ++calls;
    (void)db_.repo<Order>().update_by_id(o.id, relstore::patch<Order>{}.set(&Order::total, 1.0));
  };
  EXPECT_THROW((void)db_.repo<Order>().visit(relstore::filter<Order>{}, write), misuse);
  EXPECT_EQ(calls, 1u) << "caught at the first write";
  EXPECT_NO_THROW((void)db_.repo<Order>().visit(relstore::filter<Order>{}, [&](const Order&) { ++calls; }));
  calls = 0;
  std::vector<std::int64_t> all_ids;
  for (const auto& o : db_.repo<Order>().find().value()) all_ids.push_back(o->id);
  EXPECT_THROW((void)db_.repo<Order>().visit_by_ids(all_ids, write), misuse);
  EXPECT_EQ(calls, 1u) << "visit_by_ids: caught at the first write";
  calls = 0;
  EXPECT_THROW((void)db_.repo<Customer>().related<"orders">(ada_).visit_by_ids(all_ids, write), misuse);
  EXPECT_EQ(calls, 1u) << "a constrained visit_by_ids: caught at the first write";
  calls = 0;
  EXPECT_THROW((void)db_.repo<Customer>().related<"orders">(ada_).for_each_unordered(write), misuse);
  EXPECT_EQ(calls, 1u) << "for_each_unordered: caught at the first write";
  // Regression: a constrained visit did not check, on either of its paths.
  for (const auto& f : {relstore::filter<Order>{}, relstore::filter<Order>{}.order(&Order::total)}) {
    calls = 0;
    EXPECT_THROW((void)db_.repo<Customer>().related<"orders">(ada_).visit(f, write), misuse);
    EXPECT_EQ(calls, 1u) << "constrained visit: caught at the first write";
  }
  relstore::set_assert_handler(previous);
#endif
}

}  // namespace

}  // namespace entity_view_test
