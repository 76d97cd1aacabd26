// Secondary indexes: an ordered index answers ranges and ordered pages by
// walking, a unique index is enforced, a hashed one answers equality; every
// query gives what the same query gives without the index; snapshots
// rebuild them.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <relstore/snapshot.hpp>

#include "common/guild_schema.hpp"
#include "common/temp_dir.hpp"

namespace secondary_index_test {

namespace {

using namespace guild;
using relstore::access_kind;
using relstore::errc;
using relstore::field;
using relstore::filter;

// Guilds 1..4; players with scores drawn from few values, so ties abound.
template <class Store>
void fill(Store& db, int players, unsigned seed) {
  for (int g = 1; g <= 4; ++g) ASSERT_TRUE(db.template repo<Guild>().create({.name = "g" + std::to_string(g)}));
  std::mt19937 rng(seed);
  for (int i = 0; i < players; ++i) {
    Player p{.guildId = 1 + static_cast<std::int64_t>(rng() % 4),
             .handle = "p" + std::to_string(i),
             .score = static_cast<double>(rng() % 40) / 2.0,
             .level = static_cast<std::int32_t>(1 + rng() % 5)};
    if (rng() % 3 != 0) p.title = std::string(1, static_cast<char>('a' + rng() % 6));
    ASSERT_TRUE(db.template repo<Player>().create(p));
  }
}

template <class Store>
std::vector<std::int64_t> ids(const Store& db, const std::string& json) {
  auto found = db.template repo<Player>().find(json);
  EXPECT_TRUE(found) << json << ": " << found.error().message();
  std::vector<std::int64_t> out;
  if (found) {
    for (const auto& r : *found) out.push_back(r->id);
  }
  return out;
}

// Each ordered-index test runs on both kinds: stored lowest first
// (relstore::ordered) and highest first (relstore::ordered_desc).
template <class Store>
class OrderedIndex : public ::testing::Test {};
using ordered_kinds = ::testing::Types<indexed_store, descending_store>;
struct kind_name {
  template <class Store>
  static std::string GetName(int) {
    return std::is_same_v<Store, descending_store> ? "ordered_desc" : "ordered";
  }
};
TYPED_TEST_SUITE(OrderedIndex, ordered_kinds, kind_name);

TYPED_TEST(OrderedIndex, EveryQueryAnswersAsWithoutTheIndex) {
  TypeParam with;
  plain_store without;
  fill(with, 500, 7);
  fill(without, 500, 7);
  std::mt19937 rng(11);
  const char* ops[] = {"gt", "gte", "lt", "lte", "eq"};
  for (int q = 0; q < 600; ++q) {
    std::string where;
    // b < a at times: a reversed between, or bounds that contradict, select nothing.
    const double a = static_cast<double>(rng() % 44) / 2.0 - 1.0, b = a + static_cast<double>(rng() % 14) - 4.0;
    const std::string t = std::string(1, static_cast<char>('a' + rng() % 7));
    switch (rng() % 7) {
      case 5:
        where = R"({"title":{")" + std::string(ops[rng() % 5]) + R"(":")" + t + R"("}})";
        break;
      case 6:
        where =
            R"({"and":[{"score":{"eq":)" + std::to_string(a) + R"(}},{"score":{"gte":)" + std::to_string(b) + "}}]}";
        break;
      case 0:
        where = "{}";
        break;
      case 1:
        where = R"({"score":{")" + std::string(ops[rng() % 5]) + R"(":)" + std::to_string(a) + "}}";
        break;
      case 2:
        where = R"({"score":{"between":[)" + std::to_string(a) + "," + std::to_string(b) + "]}}";
        break;
      case 3:
        where = R"({"and":[{"score":{"gte":)" + std::to_string(a) + R"(}},{"score":{"lt":)" + std::to_string(b) +
                R"(}},{"level":{"neq":3}}]})";
        break;
      default:
        where = R"({"score":{"gt":)" + std::to_string(a) + R"(},"guildId":)" + std::to_string(1 + rng() % 4) + "}";
    }
    std::string json = R"({"where":)" + where;
    if (rng() % 3 != 0) {
      json += std::string(R"(,"order":[")") + (rng() % 3 == 0 ? "title" : "score") + (rng() % 2 ? " DESC" : " ASC") +
              R"("])";
    }
    if (rng() % 3 != 0) json += R"(,"limit":)" + std::to_string(rng() % 15);
    if (rng() % 4 == 0) json += R"(,"skip":)" + std::to_string(rng() % 20);
    json += "}";
    ASSERT_EQ(ids(with, json), ids(without, json)) << json;
  }
}

TYPED_TEST(OrderedIndex, ATopTenWalksTenEntries) {
  TypeParam db;
  fill(db, 2000, 3);
  const auto top = filter<Player>{}.order(&Player::score, relstore::desc).limit(10);
  auto plan = db.template repo<Player>().explain(top).value();
  EXPECT_EQ(plan.access, access_kind::index_order);
  EXPECT_EQ(plan.index, "score");
  EXPECT_EQ(plan.examined, 10u);
  auto rows = db.template repo<Player>().find(top).value();
  ASSERT_EQ(rows.size(), 10u);
  for (std::size_t i = 1; i < rows.size(); ++i) {
    EXPECT_TRUE(rows[i - 1]->score > rows[i]->score ||
                (rows[i - 1]->score == rows[i]->score && rows[i - 1]->id < rows[i]->id))
        << "ties keep primary key order";
  }
  // Without a limit, or ordered by something else, nothing is walked in order.
  EXPECT_NE(db.template repo<Player>().explain(filter<Player>{}.order(&Player::score, relstore::desc)).value().access,
            access_kind::index_order);
}

TYPED_TEST(OrderedIndex, ADescendingPageThroughLongTiesKeepsKeyOrder) {
  // Runs of 300 equal scores: a descending walk finds where each run starts
  // (by a descent once it is longer than a few steps), then walks it forwards.
  TypeParam db;
  ASSERT_TRUE(db.template repo<Guild>().create({.name = "g"}));
  auto players = db.template repo<Player>();
  for (int i = 0; i < 900; ++i) {
    ASSERT_TRUE(players.create({.guildId = 1, .handle = "p" + std::to_string(i), .score = (i % 3) * 10.0}));
  }
  auto ids_of = [&](const filter<Player>& f) {
    std::vector<std::int64_t> out;
    EXPECT_TRUE(players.visit(f, [&](const Player& p) { out.push_back(p.id); }));
    return out;
  };
  const auto top = filter<Player>{}.order(&Player::score, relstore::desc).limit(4);
  EXPECT_EQ(ids_of(top), (std::vector<std::int64_t>{3, 6, 9, 12}));
  EXPECT_EQ(players.explain(top).value().examined, 4u);
  // Past the first run, and bounded above inside the ties.
  EXPECT_EQ(ids_of(filter<Player>{}.order(&Player::score, relstore::desc).skip(299).limit(3)),
            (std::vector<std::int64_t>{900, 2, 5}));
  EXPECT_EQ(ids_of(filter<Player>{}
                       .where(field(&Player::score) < 20.0 && field(&Player::score) >= 0.0)
                       .order(&Player::score, relstore::desc)
                       .limit(2)),
            (std::vector<std::int64_t>{2, 5}));
  EXPECT_EQ(ids_of(filter<Player>{}.where(field(&Player::score) <= 0.0).order(&Player::score, relstore::desc).limit(2)),
            (std::vector<std::int64_t>{1, 4}));
}

TYPED_TEST(OrderedIndex, AWalkGivesRunsOfEveryLengthInKeyOrderEitherWay) {
  // Run k (k = 1..12) holds k players of score k, created in an order that
  // interleaves the runs; each page, from every skip, either way, is the
  // sorted list's, by visit and by find.
  TypeParam db;
  ASSERT_TRUE(db.template repo<Guild>().create({.name = "g"}));
  auto players = db.template repo<Player>();
  std::vector<std::pair<double, std::int64_t>> down, up;  // (-score, id), (score, id)
  for (int round = 0; round < 12; ++round) {
    for (int k = round + 1; k <= 12; ++k) {
      auto p =
          players.create({.guildId = 1, .handle = "p" + std::to_string(down.size()), .score = static_cast<double>(k)});
      ASSERT_TRUE(p) << p.error().message();
      down.emplace_back(-static_cast<double>(k), p->id);
      up.emplace_back(static_cast<double>(k), p->id);
    }
  }
  std::sort(down.begin(), down.end());
  std::sort(up.begin(), up.end());
  for (const bool descending : {true, false}) {
    const auto& expected = descending ? down : up;
    for (std::size_t skip = 0; skip < expected.size(); skip += 7) {
      for (std::size_t limit : {std::size_t{0}, std::size_t{1}, std::size_t{5}, std::size_t{1000}}) {
        std::vector<std::int64_t> got, found, want;
        const auto page =
            filter<Player>{}.order(&Player::score, descending ? relstore::desc : relstore::asc).skip(skip).limit(limit);
        auto n = players.visit(page, [&](const Player& p) { got.push_back(p.id); });
        ASSERT_TRUE(n);
        for (const auto& r : players.find(page).value()) found.push_back(r->id);
        for (std::size_t i = skip; i < expected.size() && want.size() < limit; ++i) {
          want.push_back(expected[i].second);
        }
        EXPECT_EQ(got, want) << "descending " << descending << " skip " << skip << " limit " << limit;
        EXPECT_EQ(found, want) << "descending " << descending << " skip " << skip << " limit " << limit;
        EXPECT_EQ(*n, want.size());
      }
    }
  }
  // Bounded below: the walk stops at the range's first entity, inside a run.
  std::vector<std::int64_t> got;
  ASSERT_TRUE(players.visit(
      filter<Player>{}.where(field(&Player::score) >= 11.0).order(&Player::score, relstore::desc).limit(100),
      [&](const Player& p) { got.push_back(p.id); }));
  std::vector<std::int64_t> want;
  for (const auto& [score, id] : down) {
    if (-score >= 11.0) want.push_back(id);
  }
  EXPECT_EQ(got, want);
}

// A visit of a page in index order hands each entity over as the walk
// meets it; a where clause that can give up (a regexp at its bound) keeps
// the visit all or nothing.
TYPED_TEST(OrderedIndex, AVisitInIndexOrderCallsNothingWhenARegexpGivesUp) {
  TypeParam db;
  ASSERT_TRUE(db.template repo<Guild>().create({.name = "g"}));
  auto players = db.template repo<Player>();
  for (int i = 1; i <= 5; ++i) {
    ASSERT_TRUE(players.create({.guildId = 1, .handle = "p" + std::to_string(i), .score = 10.0 * i}));
  }
  const auto page = [](const relstore::where<Player>& w) {
    return filter<Player>{}.where(w).order(&Player::score, relstore::desc).limit(10);
  };
  const auto quick_or_evil = field(&Player::handle).regexp("^p|(a+)+$");
  std::vector<std::int64_t> seen;
  auto n = players.visit(page(quick_or_evil), [&](const Player& p) { seen.push_back(p.id); });
  ASSERT_TRUE(n) << n.error().message();
  EXPECT_EQ(seen, (std::vector<std::int64_t>{5, 4, 3, 2, 1}));
  EXPECT_EQ(players.explain(page(quick_or_evil)).value().access, access_kind::index_order);

  // The lowest score: met last, after five entities the where accepts.
  ASSERT_TRUE(players.create({.guildId = 1, .handle = std::string(40, 'a') + "b", .score = 0.0}));
  seen.clear();
  auto gave_up = players.visit(page(quick_or_evil), [&](const Player& p) { seen.push_back(p.id); });
  ASSERT_FALSE(gave_up);
  EXPECT_EQ(gave_up.error().code, errc::limit_exceeded);
  EXPECT_TRUE(seen.empty()) << "fn was called " << seen.size() << " times";
  // Without the regexp the walk streams: the same five, then the sixth.
  seen.clear();
  ASSERT_TRUE(players.visit(page(field(&Player::score) >= 0.0), [&](const Player& p) { seen.push_back(p.id); }));
  EXPECT_EQ(seen, (std::vector<std::int64_t>{5, 4, 3, 2, 1, 6}));
}

TYPED_TEST(OrderedIndex, ARangeIsWalkedNotScanned) {
  TypeParam db;
  fill(db, 1000, 5);
  const auto f = filter<Player>{}.where(field(&Player::score) >= 18.0 && field(&Player::score) < 19.0);
  auto plan = db.template repo<Player>().explain(f).value();
  EXPECT_EQ(plan.access, access_kind::index_range);
  EXPECT_EQ(plan.index, "score");
  EXPECT_EQ(plan.examined, plan.matched + db.template repo<Player>().count(field(&Player::score) == 19.0).value())
      << "the walk examines the range, its inclusive upper end included, and nothing else";
  // A hashed index answers equality.
  auto eq = db.template repo<Player>().explain(filter<Player>{}.where(field(&Player::level) == 2)).value();
  EXPECT_EQ(eq.access, access_kind::index_equal);
  EXPECT_EQ(eq.index, "level");
}

TYPED_TEST(OrderedIndex, TheIndexFollowsWritesAndRollbacks) {
  TypeParam db;
  fill(db, 50, 9);
  auto players = db.template repo<Player>();
  const auto top1 = filter<Player>{}.order(&Player::score, relstore::desc).limit(1);
  ASSERT_TRUE(players.update_by_id(7, relstore::patch<Player>{}.set(&Player::score, 1000.0)));
  EXPECT_EQ(players.find(top1).value().at(0)->id, 7);
  {
    auto tx = db.begin();
    ASSERT_TRUE(db.template repo<Player>().update_by_id(8, relstore::patch<Player>{}.set(&Player::score, 2000.0)));
    EXPECT_EQ(players.find(top1).value().at(0)->id, 8);
    tx.rollback();
  }
  EXPECT_EQ(players.find(top1).value().at(0)->id, 7);
  ASSERT_TRUE(db.template repo<Guild>().delete_by_id(players.find_by_id(7).value().guildId));  // cascades
  EXPECT_NE(players.find(top1).value().at(0)->id, 7);
}

TEST(SecondaryIndex, AUniqueIndexRefusesARepeatedValueAndChangesNothing) {
  indexed_store db;
  fill(db, 10, 1);
  auto players = db.repo<Player>();
  auto dup = players.create({.guildId = 1, .handle = "p3", .score = 1});
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, errc::already_exists);
  EXPECT_NE(dup.error().message().find("unique index on Player.handle"), std::string::npos) << dup.error().message();
  EXPECT_NE(dup.error().message().find("\"p3\""), std::string::npos) << dup.error().message();
  EXPECT_EQ(db.size<Player>(), 10u);

  auto moved = players.update_by_id(1, relstore::patch<Player>{}.set(&Player::handle, std::string("p4")));
  ASSERT_FALSE(moved);
  EXPECT_EQ(moved.error().code, errc::already_exists);
  EXPECT_EQ(players.find_by_id(1).value().handle, "p0");
  EXPECT_TRUE(players.update_by_id(1, relstore::patch<Player>{}.set(&Player::handle, std::string("p0"))))
      << "keeping its own value is no conflict";
}

TEST(SecondaryIndex, UpdateEachCannotMoveAnIndexedFieldInPlace) {
  indexed_store db;
  fill(db, 20, 2);
  const indexed_store before = db;
  auto r = db.repo<Player>().update_each(field(&Player::level) >= 1, [](Player& p) { p.score += 1; });
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::invalid_argument);
  EXPECT_TRUE(db == before);
  // A field no index covers is fine, even on a row whose indexed score is NaN.
  ASSERT_TRUE(db.repo<Player>().update_by_id(3, relstore::patch<Player>{}.set(&Player::score, std::nan(""))));
  EXPECT_TRUE(db.repo<Player>().update_each(field(&Player::level) >= 1, [](Player& p) { p.guildId = p.guildId; }));
}

TEST(SecondaryIndex, SnapshotsRebuildIndexesAndTolerateAddedOrRemovedOnes) {
  test::temp_dir dir;
  const auto path = dir.path() / "game.snap";
  indexed_store db;
  fill(db, 200, 4);
  ASSERT_TRUE(relstore::save(db, path));

  indexed_store again;
  ASSERT_TRUE(relstore::load(again, path));
  const std::string top = R"({"order":["score DESC"],"limit":5})";
  EXPECT_EQ(ids(again, top), ids(db, top));
  EXPECT_EQ(
      again.repo<Player>().explain(filter<Player>{}.order(&Player::score, relstore::desc).limit(5)).value().access,
      access_kind::index_order);

  plain_store removed;  // the program dropped its indexes
  ASSERT_TRUE(relstore::load(removed, path));
  EXPECT_EQ(ids(removed, top), ids(db, top));
  descending_store turned;  // the program declared them highest first
  ASSERT_TRUE(relstore::load(turned, path));
  EXPECT_EQ(ids(turned, top), ids(db, top));
  const std::string bottom = R"({"order":["title ASC"],"limit":7})";
  EXPECT_EQ(ids(turned, bottom), ids(db, bottom));

  // Data the unique index refuses, written by a program without it.
  plain_store loose;
  fill(loose, 5, 4);
  ASSERT_TRUE(loose.repo<Player>().update_by_id(2, relstore::patch<Player>{}.set(&Player::handle, std::string("p0"))));
  ASSERT_TRUE(relstore::save(loose, path));
  indexed_store strict;
  fill(strict, 3, 1);
  const indexed_store kept = strict;
  auto r = relstore::load(strict, path);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::snapshot_corrupt);
  EXPECT_NE(r.error().message().find("Player.handle = \"p0\""), std::string::npos) << r.error().message();
  EXPECT_TRUE(strict == kept);
}

}  // namespace

namespace {

// update_each's checked form compares each indexed field before and after
// the callback: a callback that leaves them alone passes, one that changes
// one (a null title given a value, 0.0 made -0.0: a double key compares
// bitwise) is refused and nothing changes.
TEST(SecondaryIndexUpdateEach, AnIndexedFieldIsComparedExactly) {
  indexed_store db;
  ASSERT_TRUE(db.repo<Guild>().create({.name = "g"}));
  ASSERT_TRUE(db.repo<Player>().create({.guildId = 1, .handle = "a", .score = 0.0, .title = "x"}));
  ASSERT_TRUE(db.repo<Player>().create({.guildId = 1, .handle = "b", .score = 2.5}));
  const indexed_store before = db;

  auto same = db.repo<Player>().update_each({}, [](Player& p) { p.score = p.score + 0.0; });
  ASSERT_TRUE(same) << same.error().message();
  EXPECT_EQ(*same, 2u);
  EXPECT_TRUE(db == before);

  auto titled = db.repo<Player>().update_each({}, [](Player& p) { p.title = "y"; });
  ASSERT_FALSE(titled);
  EXPECT_EQ(titled.error().code, errc::invalid_argument);
  EXPECT_TRUE(db == before);

  auto signed_zero = db.repo<Player>().update_each({}, [](Player& p) {
    if (p.score == 0.0) p.score = -0.0;
  });
  ASSERT_FALSE(signed_zero);
  EXPECT_EQ(signed_zero.error().code, errc::invalid_argument);
  EXPECT_TRUE(db == before);
  EXPECT_FALSE(std::signbit(db.repo<Player>().find_by_id(1)->score));
}

}  // namespace

}  // namespace secondary_index_test
