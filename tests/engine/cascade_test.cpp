// Cascades: self relations, deep chains deleted without recursion, cascades
// blocked by a restrict at the far end, cascades into set_null, and counts.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/chain_schema.hpp"
#include "common/shop_schema.hpp"
#include "common/test_helpers.hpp"
#include "common/tree_schema.hpp"
#include "relstore/subscription.hpp"

namespace cascade_test {

namespace {

using relstore::errc;
using relstore::field;
using shop::Employee;
using test::has;

// Debug builds check Boost.MultiIndex invariants after writes (within the
// budget of invariant_budget.hpp: amortized about 64 elements walked per
// write, each through a safe-mode iterator), which still costs a
// 100,000-long chain 45 s under ASan. They use a shorter chain; Release (and
// the other non-Debug builds) run the full length, which is what proves the
// cascade is iterative and does not overflow the stack.
#ifdef BOOST_MULTI_INDEX_ENABLE_INVARIANT_CHECKING
constexpr std::int64_t deep_chain = 2000;
#else
constexpr std::int64_t deep_chain = 100000;
#endif
// The chain blocked at its end is only ever rejected, so it costs just its
// creation; half the length keeps the Debug run short and is still deep.
constexpr std::int64_t blocked_chain = deep_chain / 2;

std::vector<std::int64_t> employee_ids(shop::store& db) {
  std::vector<std::int64_t> out;
  for (const auto& r : db.repo<Employee>().find().value()) out.push_back(r->id);
  return out;
}

// Employees 1..n, each managed by the previous one; 1 has no manager.
std::vector<Employee> employee_chain(std::int64_t n) {
  std::vector<Employee> out;
  out.reserve(static_cast<std::size_t>(n));
  for (std::int64_t i = 1; i <= n; ++i) {
    out.push_back({.id = i, .name = "e", .managerId = i == 1 ? std::nullopt : std::optional<std::int64_t>(i - 1)});
  }
  return out;
}

// Nodes 1..n, each the child of the previous one.
std::vector<chain::Node> node_chain(std::int64_t n) {
  std::vector<chain::Node> out;
  out.reserve(static_cast<std::size_t>(n));
  for (std::int64_t i = 1; i <= n; ++i) {
    out.push_back({.id = i, .parentId = i == 1 ? std::nullopt : std::optional<std::int64_t>(i - 1)});
  }
  return out;
}

// Two trees: 1 -> {2 -> {3 -> {5}, 4}}, and 6 -> {7}.
shop::store org_chart() {
  shop::store db;
  auto created = db.repo<Employee>().create_all(
      {Employee{.id = 1, .name = "ceo"}, Employee{.id = 2, .name = "vp", .managerId = 1},
       Employee{.id = 3, .name = "lead", .managerId = 2}, Employee{.id = 4, .name = "dev", .managerId = 2},
       Employee{.id = 5, .name = "intern", .managerId = 3}, Employee{.id = 6, .name = "other"},
       Employee{.id = 7, .name = "report", .managerId = 6}});
  EXPECT_TRUE(created) << created.error().message();
  return db;
}

TEST(Cascade, DeletingAManagerDeletesItsWholeSubtreeAndNothingElse) {
  shop::store db = org_chart();
  const Employee ceo = db.repo<Employee>().find_by_id(1).value();
  const Employee report = db.repo<Employee>().find_by_id(7).value();
  auto r = db.repo<Employee>().delete_by_id(2);
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(employee_ids(db), (std::vector<std::int64_t>{1, 6, 7}));
  EXPECT_EQ(db.repo<Employee>().find_by_id(1).value(), ceo) << "the manager's own manager is untouched";
  EXPECT_EQ(db.repo<Employee>().find_by_id(7).value(), report);
}

TEST(Cascade, DeletingALeafEmployeeDeletesOnlyIt) {
  shop::store db = org_chart();
  ASSERT_TRUE(db.repo<Employee>().delete_by_id(5));
  EXPECT_EQ(employee_ids(db), (std::vector<std::int64_t>{1, 2, 3, 4, 6, 7}));
}

TEST(Cascade, ADeepEmployeeChainIsDeletedFromItsRootWithoutOverflowingTheStack) {
  shop::store db;
  auto created = db.repo<Employee>().create_all(employee_chain(deep_chain));
  ASSERT_TRUE(created) << created.error().message();
  // Another tree, so that the delete cannot simply clear the table.
  ASSERT_TRUE(
      db.repo<Employee>().create_all({Employee{.id = deep_chain + 1, .name = "root"},
                                      Employee{.id = deep_chain + 2, .name = "leaf", .managerId = deep_chain + 1}}));
  ASSERT_EQ(db.size<Employee>(), static_cast<std::size_t>(deep_chain + 2));
  auto r = db.repo<Employee>().delete_by_id(1);
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(employee_ids(db), (std::vector<std::int64_t>{deep_chain + 1, deep_chain + 2}));
}

TEST(Cascade, ADeepChainBlockedByARestrictAtItsEndIsRejectedAndChangesNothing) {
  relstore::store<chain::tree> db;
  ASSERT_TRUE(db.repo<chain::Node>().create_all(node_chain(blocked_chain)));
  ASSERT_TRUE(db.repo<chain::Tag>().create({.id = 1, .nodeId = blocked_chain}));
  ASSERT_TRUE(db.repo<chain::Note>().create({.id = 1, .nodeId = 1}));
  const auto before = db;
  auto r = db.repo<chain::Node>().delete_by_id(1);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::restrict_violation);
  EXPECT_TRUE(has(r.error().message(), "Node.tags")) << r.error().message();
  EXPECT_TRUE(has(r.error().message(), "id " + std::to_string(blocked_chain))) << r.error().message();
  EXPECT_EQ(db.size<chain::Node>(), static_cast<std::size_t>(blocked_chain));
  EXPECT_EQ(db.repo<chain::Note>().find_by_id(1)->nodeId, std::optional<std::int64_t>(1))
      << "the set_null is not applied either";
  EXPECT_TRUE(db == before);
  // Deleting below the chain's middle is blocked by the same tag; deleting
  // the tag unblocks the root.
  EXPECT_FALSE(db.repo<chain::Node>().delete_by_id(blocked_chain / 2));
  EXPECT_TRUE(db == before);
  ASSERT_TRUE(db.repo<chain::Tag>().delete_by_id(1));
  auto ok = db.repo<chain::Node>().delete_by_id(1);
  ASSERT_TRUE(ok) << ok.error().message();
  EXPECT_EQ(db.size<chain::Node>(), 0u);
  EXPECT_EQ(db.repo<chain::Note>().find_by_id(1)->nodeId, std::nullopt);
}

TEST(Cascade, ACascadeIntoSetNullDeletesTheChildrenAndNullsTheirItems) {
  relstore::store<chain::family> db;
  ASSERT_TRUE(db.repo<chain::Parent>().create_all({{.id = 1, .name = "p"}, {.id = 2, .name = "q"}}));
  ASSERT_TRUE(db.repo<chain::Child>().create_all(
      {{.id = 1, .parentId = 1}, {.id = 2, .parentId = 1}, {.id = 3, .parentId = 2}}));
  ASSERT_TRUE(db.repo<chain::Item>().create_all({{.id = 1, .childId = 1, .label = "a"},
                                                 {.id = 2, .childId = 2, .label = "b"},
                                                 {.id = 3, .childId = 3, .label = "c"},
                                                 {.id = 4, .label = "loose"}}));
  auto r = db.repo<chain::Parent>().delete_by_id(1);
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_FALSE(db.repo<chain::Child>().exists(1));
  EXPECT_FALSE(db.repo<chain::Child>().exists(2));
  EXPECT_TRUE(db.repo<chain::Child>().exists(3));
  ASSERT_EQ(db.size<chain::Item>(), 4u) << "set_null keeps every item";
  EXPECT_EQ(db.repo<chain::Item>().find_by_id(1)->childId, std::nullopt);
  EXPECT_EQ(db.repo<chain::Item>().find_by_id(2)->childId, std::nullopt);
  EXPECT_EQ(db.repo<chain::Item>().find_by_id(1)->label, "a");
  EXPECT_EQ(db.repo<chain::Item>().find_by_id(3)->childId, std::optional<std::int64_t>(3))
      << "an item of another parent's child is untouched";
  EXPECT_EQ(db.repo<chain::Item>().find_by_id(4)->childId, std::nullopt);
}

TEST(Cascade, DeleteByIdSucceedsAndDeleteAllCountsOnlyTheRoots) {
  shop::store db = org_chart();
  auto by_id = db.repo<Employee>().delete_by_id(3);
  ASSERT_TRUE(by_id) << by_id.error().message();
  EXPECT_FALSE(db.repo<Employee>().exists(5));
  auto n = db.repo<Employee>().delete_all(field(&Employee::name) == "ceo");
  ASSERT_TRUE(n) << n.error().message();
  EXPECT_EQ(*n, 1u) << "employees 2 and 4 went with the cascade and are not counted";
  EXPECT_EQ(employee_ids(db), (std::vector<std::int64_t>{6, 7}));
  auto both = db.repo<Employee>().delete_all(field(&Employee::managerId).is_null());
  ASSERT_TRUE(both) << both.error().message();
  EXPECT_EQ(*both, 1u);
  EXPECT_EQ(db.size<Employee>(), 0u);
}

TEST(Cascade, ADeleteAllOfARootAndItsReportCountsTheReportOnlyIfItWasDeletedFirst) {
  // As with SQLite's change count, matched rows are deleted in key order; a
  // matched row that an earlier row's cascade already took is not counted.
  shop::store db;
  auto e = db.repo<Employee>();
  ASSERT_TRUE(e.create_all({Employee{.id = 1, .name = "boss"}, Employee{.id = 2, .name = "x", .managerId = 1},
                            Employee{.id = 3, .name = "x"}}));
  EXPECT_EQ(e.delete_all(field(&Employee::id) >= std::int64_t{1}).value(), 2u);
  EXPECT_EQ(db.size<Employee>(), 0u);
  ASSERT_TRUE(e.create_all({Employee{.id = 6, .name = "boss"}, Employee{.id = 5, .name = "x", .managerId = 6}}));
  // Key order: 5 is deleted first, by itself; then 6. Both count.
  EXPECT_EQ(e.delete_all().value(), 2u);
  EXPECT_EQ(db.size<Employee>(), 0u);
}

TEST(Cascade, AConstrainedDeleteAllCascadesAndCountsOnlyTheMatchedReports) {
  shop::store db = org_chart();
  auto n = db.repo<Employee>().related<"reports">(2).delete_all();
  ASSERT_TRUE(n) << n.error().message();
  EXPECT_EQ(*n, 2u) << "3 and 4 matched; 5 went with 3";
  EXPECT_EQ(employee_ids(db), (std::vector<std::int64_t>{1, 2, 6, 7}));
}

}  // namespace

// A cascade reaches each employee once even when the managers form a cycle
// (possible through a deferred transaction): short cycles are searched
// linearly, long ones hashed; both end.
TEST(Cascade, AManagerCycleIsDeletedOnceEachWhateverItsLength) {
  for (const std::int64_t n : {std::int64_t{3}, std::int64_t{500}}) {
    shop::store db;
    ASSERT_TRUE(db.repo<Employee>().create({.id = n + 1, .name = "bystander"}));
    auto made = db.transaction(
        [&](auto& tx) -> relstore::result<void> {
          std::vector<Employee> ring;
          for (std::int64_t i = 1; i <= n; ++i) ring.push_back({.id = i, .name = "e", .managerId = i % n + 1});
          return tx.template repo<Employee>().create_all(ring).transform([](auto&&) {});
        },
        {.deferred_foreign_keys = true});
    ASSERT_TRUE(made) << made.error().message();
    ASSERT_EQ(db.size<Employee>(), static_cast<std::size_t>(n + 1));
    auto r = db.repo<Employee>().delete_by_id(1);
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_EQ(employee_ids(db), (std::vector<std::int64_t>{n + 1})) << "ring of " << n;
  }
}

// OrderLine is no relation's parent: its deletes skip the cascade planner
// (deletes_alone). They must still count, report each entity deleted
// directly, leave every other entity, and roll back in a transaction.
TEST(Cascade, AModelThatParentsNothingIsDeletedAloneAndStillObservedAndRolledBack) {
  using namespace shop;
  store db;
  const auto ada = db.repo<Customer>().create({.name = "Ada"}).value();
  const auto o1 = db.repo<Customer>().related<"orders">(ada.id).create({.total = 1}).value();
  const auto o2 = db.repo<Customer>().related<"orders">(ada.id).create({.total = 2}).value();
  for (int q = 0; q < 4; ++q) {
    ASSERT_TRUE(db.repo<Order>().related<"lines">(o1.id).create({.sku = "a", .qty = q}));
    ASSERT_TRUE(db.repo<Order>().related<"lines">(o2.id).create({.sku = "b", .qty = q}));
  }
  std::vector<std::string> seen;
  auto sub = db.on<OrderLine>([&](const relstore::event<OrderLine>& e) {
    seen.push_back(std::string(to_string(e.kind)) + " " + std::to_string(e.before->id) +
                   (e.cause == relstore::change_cause::direct && e.relation == nullptr ? " direct" : " other"));
  });

  const store before = db;
  {
    auto tx = db.begin();
    EXPECT_EQ(*db.repo<OrderLine>().delete_all(), 8u);
    EXPECT_EQ(*db.repo<OrderLine>().count(), 0u);
    tx.rollback();
  }
  EXPECT_TRUE(db == before) << "a rolled-back delete of a leaf model restores every entity";
  EXPECT_TRUE(seen.empty()) << "a rolled-back transaction delivers no event";

  auto n = db.repo<Order>().related<"lines">(o1.id).delete_all(field(&OrderLine::qty) >= 2);
  ASSERT_TRUE(n) << n.error();
  EXPECT_EQ(*n, 2u);
  EXPECT_EQ(*db.repo<Order>().related<"lines">(o1.id).count(), 2u);
  EXPECT_EQ(*db.repo<Order>().related<"lines">(o2.id).count(), 4u) << "another order's lines are untouched";
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].substr(0, 8), "deleted ");
  EXPECT_TRUE(seen[0].ends_with(" direct") && seen[1].ends_with(" direct"));

  const auto last = db.repo<Order>().related<"lines">(o2.id).find().value().back()->id;
  ASSERT_TRUE(db.repo<OrderLine>().delete_by_id(last));
  EXPECT_FALSE(db.repo<OrderLine>().exists(last));
  EXPECT_EQ(db.repo<OrderLine>().delete_by_id(last).error().code, errc::not_found);
  EXPECT_EQ(*db.repo<OrderLine>().count(), 5u);
}

// The engine keeps its last delete plan for the plan's capacity. Each
// delete must start from an empty plan: a big cascade (past the planner's
// linear set), then a refused delete, then a small cascade whose lines take
// the slots the first one freed, each delete exactly its own family.
TEST(Cascade, DeletesOneAfterAnotherEachTakeExactlyTheirOwnFamily) {
  using namespace shop;
  store db;
  const auto ada = db.repo<Customer>().create({.name = "Ada"}).value();
  auto orders = db.repo<Customer>().related<"orders">(ada.id);
  const auto big = orders.create({.total = 1}).value();
  for (int q = 0; q < 40; ++q) ASSERT_TRUE(db.repo<Order>().related<"lines">(big.id).create({.sku = "a", .qty = q}));
  const auto kept = orders.create({.total = 2}).value();
  for (int q = 0; q < 3; ++q) ASSERT_TRUE(db.repo<Order>().related<"lines">(kept.id).create({.sku = "k", .qty = q}));

  ASSERT_TRUE(db.repo<Order>().delete_by_id(big.id));
  EXPECT_EQ(*db.repo<OrderLine>().count(), 3u);
  EXPECT_EQ(db.repo<Customer>().delete_by_id(ada.id).error().code, errc::restrict_violation);

  const auto small = orders.create({.total = 3}).value();
  for (int q = 0; q < 5; ++q) ASSERT_TRUE(db.repo<Order>().related<"lines">(small.id).create({.sku = "s", .qty = q}));
  ASSERT_TRUE(db.repo<Order>().delete_by_id(small.id));
  EXPECT_EQ(*db.repo<Order>().related<"lines">(small.id).count(), 0u) << "no line of the deleted order is left";
  EXPECT_EQ(*db.repo<Order>().related<"lines">(kept.id).count(), 3u) << "another order's lines are untouched";
  EXPECT_EQ(*db.repo<OrderLine>().count(), 3u);

  const store copy = db;  // a copy deletes with a plan of its own
  store other = copy;
  ASSERT_TRUE(other.repo<Order>().delete_by_id(kept.id));
  EXPECT_EQ(*other.repo<OrderLine>().count(), 0u);
  EXPECT_EQ(*db.repo<OrderLine>().count(), 3u);
}

// A delete of many parents walks their families together, in batches of 256
// (family_walk.hpp's lanes): each child of each deleted order goes once, in
// its order's key order, and no other order's child goes with them.
TEST(Cascade, ADeleteOfManyParentsTakesEachFamilyOnceInItsParentsOrder) {
  using namespace shop;
  store db;
  const auto ada = db.repo<Customer>().insert({.name = "Ada"}).value();
  const auto bob = db.repo<Customer>().insert({.name = "Bob"}).value();
  std::vector<std::int64_t> ada_orders, expected_lines;
  for (int i = 0; i < 300; ++i) {  // the two customers' orders and lines interleaved
    const auto mine = db.repo<Customer>().related<"orders">(ada).insert({.total = static_cast<double>(i)}).value();
    const auto theirs = db.repo<Customer>().related<"orders">(bob).insert({.total = static_cast<double>(i)}).value();
    ada_orders.push_back(mine);
    for (int q = 0; q < i % 4; ++q) {
      ASSERT_TRUE(db.repo<Order>().related<"lines">(mine).insert({.sku = "a", .qty = q}));
      ASSERT_TRUE(db.repo<Order>().related<"lines">(theirs).insert({.sku = "b", .qty = q}));
      expected_lines.push_back(mine);
    }
  }
  std::vector<std::int64_t> orders_heard, lines_heard;
  auto on_order = db.on<Order>(relstore::on_delete_event,
                               [&](const relstore::event<Order>& e) { orders_heard.push_back(e.before->id); });
  auto on_line = db.on<OrderLine>(relstore::on_delete_event, [&](const relstore::event<OrderLine>& e) {
    EXPECT_EQ(e.cause, relstore::change_cause::cascade);
    lines_heard.push_back(e.before->orderId);
  });

  const auto n = db.repo<Order>().delete_all(field(&Order::customerId) == ada);
  ASSERT_TRUE(n) << n.error().message();
  EXPECT_EQ(*n, 300u);
  EXPECT_EQ(orders_heard, ada_orders) << "the roots, in key order";
  EXPECT_EQ(lines_heard, expected_lines) << "each family once, in its order's place";
  EXPECT_EQ(*db.repo<OrderLine>().count(field(&OrderLine::sku) == "a"), 0u);
  EXPECT_EQ(*db.repo<OrderLine>().count(field(&OrderLine::sku) == "b"), 450u) << "Bob's lines are untouched";
  EXPECT_EQ(*db.repo<Customer>().related<"orders">(bob).count(), 300u);
}

// One delete can reach an entity along two cascades (P's own R, and its Q's),
// and two roots can each reach one (R 5 is P 2's and Q 1's, whose P is 1):
// each is deleted, and heard, once, credited to the cascade that reached it
// first, breadth-first over all the call's roots.
TEST(Cascade, AChildReachedAlongTwoCascadesIsDeletedOnceWhereBreadthFirstReachesIt) {
  using namespace chain;
  relstore::store<diamond> db;
  for (std::int64_t p : {1, 2, 3}) ASSERT_TRUE(db.repo<P>().insert({.id = p}));
  for (auto [q, p] : {std::pair{1, 1}, {2, 1}, {3, 2}, {4, 3}}) ASSERT_TRUE(db.repo<Q>().insert({.id = q, .pId = p}));
  const std::vector<R> rs = {{1, 1, 1}, {2, 1, 2}, {3, 1, 1}, {4, 2, 3}, {5, 2, 1}, {6, 3, 4}};
  for (const R& r : rs) ASSERT_TRUE(db.repo<R>().insert(R(r)));
  // What was heard: "id from", from the model that parents the relation;
  // siblings (one parent's family) sorted, as their index order is unpromised.
  struct hearing {
    std::vector<std::string> heard;
    relstore::subscription sub;
    hearing(relstore::store<diamond>& s)
        : sub(s.on<R>(relstore::on_delete_event, [this](const relstore::event<R>& e) {
            const auto& from = relstore::store<diamond>::registry().model(e.relation->parent).name;
            heard.push_back(std::to_string(e.before->id) + " " + std::string(from));
          })) {}
    std::vector<std::string> families(std::initializer_list<std::size_t> sizes) {
      auto at = heard.begin();
      for (std::size_t n : sizes) {
        if (heard.end() - at < static_cast<std::ptrdiff_t>(n)) break;
        std::sort(at, at + static_cast<std::ptrdiff_t>(n));
        at += static_cast<std::ptrdiff_t>(n);
      }
      return heard;
    }
  };

  relstore::store<diamond> one = db;
  {
    hearing h(one);
    ASSERT_TRUE(one.repo<P>().delete_by_id(1));
    EXPECT_EQ(h.families({3, 1}), (std::vector<std::string>{"1 P", "2 P", "3 P", "5 Q"}))
        << "P 1's own R first, each once; then R 5, which only Q 1 reaches";
    EXPECT_EQ(*one.repo<R>().count(), 2u);
  }
  hearing h(db);
  const auto n = db.repo<P>().delete_all(field(&P::id).inq(std::vector<std::int64_t>{1, 2}));
  ASSERT_TRUE(n) << n.error().message();
  EXPECT_EQ(*n, 2u);
  EXPECT_EQ(h.families({3, 2}), (std::vector<std::string>{"1 P", "2 P", "3 P", "4 P", "5 P"}))
      << "both roots' own R before any Q's: R 5 is P 2's";
  EXPECT_EQ(*db.repo<Q>().count(), 1u);
  ASSERT_EQ(*db.repo<R>().count(), 1u);
  EXPECT_TRUE(db.repo<R>().exists(6));
}

// The closure goes level by level, whatever the models' declaration order:
// a Leaf two levels down (through Side) is credited to Side, not to Low,
// which is declared first but three levels down.
TEST(Cascade, AnEntityIsCreditedToTheShallowestCascadeThatReachesIt) {
  using namespace chain;
  relstore::store<levels> db;
  ASSERT_TRUE(db.repo<Top>().insert({.id = 1}));
  ASSERT_TRUE(db.repo<Mid>().insert({.id = 1, .topId = 1}));
  ASSERT_TRUE(db.repo<Low>().insert({.id = 1, .midId = 1}));
  ASSERT_TRUE(db.repo<Side>().insert({.id = 1, .topId = 1}));
  ASSERT_TRUE(db.repo<Leaf>().insert({.id = 1, .lowId = 1, .sideId = 1}));
  std::vector<std::string> heard;
  auto sub = db.on<Leaf>(relstore::on_delete_event, [&](const relstore::event<Leaf>& e) {
    heard.push_back(std::string(relstore::store<levels>::registry().model(e.relation->parent).name));
  });
  ASSERT_TRUE(db.repo<Top>().delete_by_id(1));
  EXPECT_EQ(heard, (std::vector<std::string>{"Side"}));
  for (std::size_t n : {db.size<Mid>(), db.size<Low>(), db.size<Side>(), db.size<Leaf>()}) EXPECT_EQ(n, 0u);
}

// Q has a cascade into it (from P) and none back, so the planner keeps a set
// for Q and still takes its roots together: each deleted Q's Rs go, once.
TEST(Cascade, ManyRootsOfAModelACascadeAlsoReachesAreWalkedTogether) {
  using namespace chain;
  relstore::store<diamond> db;
  ASSERT_TRUE(db.repo<P>().insert({.id = 1}));
  std::vector<std::int64_t> qs;
  for (std::int64_t q = 1; q <= 20; ++q) {
    ASSERT_TRUE(db.repo<Q>().insert({.id = q, .pId = 1}));
    if (q % 2 == 1) qs.push_back(q);
    for (std::int64_t k = 0; k < q % 4; ++k) ASSERT_TRUE(db.repo<R>().insert({.id = q * 10 + k, .pId = 1, .qId = q}));
  }
  std::int64_t heard = 0;
  auto sub = db.on<R>(relstore::on_delete_event, [&](const relstore::event<R>& e) {
    EXPECT_EQ(e.before->qId % 2, 1) << "only the deleted Qs' Rs go";
    ++heard;
  });
  const auto n = db.repo<Q>().delete_all(field(&Q::id).inq(qs));
  ASSERT_TRUE(n) << n.error().message();
  EXPECT_EQ(*n, 10u);
  EXPECT_EQ(heard, 20) << "the odd Qs have 1 or 3 Rs each";
  EXPECT_EQ(*db.repo<Q>().count(), 10u);
  EXPECT_EQ(*db.repo<R>().count(), 10u);
}

}  // namespace cascade_test
