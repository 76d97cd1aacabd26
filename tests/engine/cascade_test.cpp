// Cascades: self relations, deep chains without recursion, cascades into
// restrict and set_null.
#include <gtest/gtest.h>

#include <vector>

#include "common/chain_schema.hpp"
#include "common/shop_schema.hpp"

namespace {

using relstore::errc;

// Debug builds check every Boost.MultiIndex invariant after every write, an
// O(n) walk, so a 100,000-long chain would take hours there; they use a
// shorter one. Release and the clang build run the full length.
#ifdef BOOST_MULTI_INDEX_ENABLE_INVARIANT_CHECKING
constexpr std::int64_t deep_chain = 2000;
#else
constexpr std::int64_t deep_chain = 100000;
#endif

TEST(Cascade, DeletingAManagerDeletesTheWholeSubtreeOnly) {
  shop::store db;
  auto e = db.repo<shop::Employee>();
  ASSERT_TRUE(e.create_all(
      {shop::Employee{.id = 1, .name = "ceo"}, shop::Employee{.id = 2, .name = "a", .managerId = 1},
       shop::Employee{.id = 3, .name = "b", .managerId = 2}, shop::Employee{.id = 4, .name = "c", .managerId = 2},
       shop::Employee{.id = 5, .name = "other"}, shop::Employee{.id = 6, .name = "d", .managerId = 5}}));
  ASSERT_TRUE(e.delete_by_id(2));
  std::vector<std::int64_t> left;
  for (const auto& r : e.find().value()) left.push_back(r->id);
  EXPECT_EQ(left, (std::vector<std::int64_t>{1, 5, 6}));
}

std::vector<chain::Node> chain_of(std::int64_t n) {
  std::vector<chain::Node> nodes;
  nodes.reserve(static_cast<std::size_t>(n));
  for (std::int64_t i = 1; i <= n; ++i) {
    nodes.push_back({.id = i, .parentId = i == 1 ? std::nullopt : std::optional<std::int64_t>(i - 1)});
  }
  return nodes;
}

TEST(Cascade, ADeepSelfChainIsDeletedIterativelyWithoutOverflowingTheStack) {
  relstore::store<chain::tree> db;
  ASSERT_TRUE(db.repo<chain::Node>().create_all(chain_of(deep_chain)));
  ASSERT_TRUE(db.repo<chain::Node>().create({.id = deep_chain + 1}));
  auto r = db.repo<chain::Node>().delete_by_id(1);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(db.size<chain::Node>(), 1u);
}

TEST(Cascade, ADeepChainBlockedAtItsEndChangesNothing) {
  relstore::store<chain::tree> db;
  ASSERT_TRUE(db.repo<chain::Node>().create_all(chain_of(deep_chain)));
  ASSERT_TRUE(db.repo<chain::Tag>().create({.nodeId = deep_chain}));
  const auto before = db;
  auto r = db.repo<chain::Node>().delete_by_id(1);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::restrict_violation);
  EXPECT_TRUE(r.error().message.find("Node.tags") != std::string::npos) << r.error().message;
  EXPECT_EQ(db.size<chain::Node>(), static_cast<std::size_t>(deep_chain));
  EXPECT_TRUE(db == before);
}

TEST(Cascade, ACascadeIntoSetNullNullsTheSurvivors) {
  relstore::store<chain::tree> db;
  ASSERT_TRUE(db.repo<chain::Node>().create_all(chain_of(3)));
  ASSERT_TRUE(db.repo<chain::Note>().create({.id = 1, .nodeId = 3}));
  ASSERT_TRUE(db.repo<chain::Note>().create({.id = 2, .nodeId = 1}));
  ASSERT_TRUE(db.repo<chain::Note>().create({.id = 3}));
  auto r = db.repo<chain::Node>().delete_all(relstore::field(&chain::Node::id) == std::int64_t{1});
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, 1u) << "the two cascaded nodes are not counted";
  EXPECT_EQ(db.size<chain::Node>(), 0u);
  ASSERT_EQ(db.size<chain::Note>(), 3u);
  for (const auto& n : db.repo<chain::Note>().find().value()) EXPECT_FALSE(n->nodeId.has_value());
}

// Found by the differential test: a matched row that the cascade of an
// earlier matched row (in key order) already deleted is not counted, as with
// SQLite's change count.
TEST(Cascade, AMatchedRowTakenByAnEarlierCascadeIsNotCounted) {
  shop::store db;
  auto e = db.repo<shop::Employee>();
  ASSERT_TRUE(
      e.create_all({shop::Employee{.id = 1, .name = "boss"}, shop::Employee{.id = 2, .name = "x", .managerId = 1},
                    shop::Employee{.id = 3, .name = "x"}}));
  EXPECT_EQ(e.delete_all(relstore::field(&shop::Employee::id) >= std::int64_t{1}).value(), 2u);
  ASSERT_TRUE(
      e.create_all({shop::Employee{.id = 6, .name = "boss"}, shop::Employee{.id = 5, .name = "x", .managerId = 6}}));
  // Key order: 5 is deleted first, by itself; then 6. Both count.
  EXPECT_EQ(e.delete_all().value(), 2u);
}

TEST(Cascade, DeletingEveryRowOfAModelWorks) {
  shop::store db;
  auto e = db.repo<shop::Employee>();
  ASSERT_TRUE(
      e.create_all({shop::Employee{.id = 1, .name = "a"}, shop::Employee{.id = 2, .name = "b", .managerId = 1}}));
  EXPECT_EQ(e.delete_all().value(), 1u) << "employee 2 went with the cascade from employee 1";
  EXPECT_EQ(db.size<shop::Employee>(), 0u);
}

}  // namespace
