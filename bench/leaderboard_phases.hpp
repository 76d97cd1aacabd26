// The leaderboard: the top 10 of n players by score, descending, on each
// system with an index on the score stored highest first, the direction the
// board reads (relstore's index<..., ordered_desc>, the floor's
// ordered_unique on (score descending, id), SQLite's CREATE INDEX ... (score
// DESC)), and on relstore without the index (a scan and sort), the baseline
// the index must beat by 100x. Every system gives the same ten players: score descending,
// ties in key order (SQLite's ORDER BY score DESC, id). top() returns the
// sum of id x rank, so the agreement check compares who and in what order.
// The memory counters give bytes per player with and without relstore's
// index.
#pragma once

#include <benchmark/benchmark.h>
#include <sqlite3.h>

#include <boost/multi_index/composite_key.hpp>
#include <boost/multi_index/hashed_index.hpp>
#include <boost/multi_index/member.hpp>
#include <boost/multi_index/ordered_index.hpp>
#include <boost/multi_index_container.hpp>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <map>
#include <memory>
#include <vector>

#include <relstore/relstore.hpp>

#include "phases.hpp"
#include "workload.hpp"

namespace bench {

struct Player {
  std::int64_t id = 0;
  double score = 0;
};
RELSTORE_MODEL(Player, id, score)

using ranked_schema =
    relstore::schema<relstore::models<Player>, relstore::index<&Player::score, relstore::ordered_desc>>;
using unranked_schema = relstore::schema<relstore::models<Player>>;

inline constexpr std::size_t board_size = 10;

template <class Schema>
struct relstore_board {
  relstore::store<Schema> db;
  // Prepared once, as a game would: each frame's run is not checked again.
  relstore::filter<Player> top_ =
      db.template repo<Player>()
          .prepare(relstore::filter<Player>{}.order(&Player::score, relstore::desc).limit(board_size))
          .value();
  void load(const workload& w) {
    auto players = db.template repo<Player>();
    for (std::size_t i = 0; i < w.totals.size(); ++i) {
      if (!players.create({.id = static_cast<std::int64_t>(i + 1), .score = w.totals[i]})) std::abort();
    }
  }
  std::int64_t top() {
    std::int64_t sum = 0, rank = 0;
    auto n = db.template repo<Player>().visit(top_, [&](const Player& p) { sum += p.id * ++rank; });
    if (!n || *n != board_size) std::abort();
    return sum;
  }
};

struct floor_board {
  // The best index for this one question: (score descending, id ascending),
  // so the board is the first ten nodes.
  using by_rank = boost::multi_index::composite_key<Player, boost::multi_index::member<Player, double, &Player::score>,
                                                    boost::multi_index::member<Player, std::int64_t, &Player::id>>;
  using rank_order = boost::multi_index::composite_key_compare<std::greater<double>, std::less<std::int64_t>>;
  using container = boost::multi_index::multi_index_container<
      Player, boost::multi_index::indexed_by<
                  boost::multi_index::hashed_unique<boost::multi_index::member<Player, std::int64_t, &Player::id>>,
                  boost::multi_index::ordered_unique<by_rank, rank_order>>>;
  container players;
  void load(const workload& w) {
    for (std::size_t i = 0; i < w.totals.size(); ++i) {
      if (!players.insert({static_cast<std::int64_t>(i + 1), w.totals[i]}).second) std::abort();
    }
  }
  std::int64_t top() {
    std::int64_t sum = 0, rank = 0;
    auto it = players.get<1>().begin();
    for (std::size_t i = 0; i < board_size && it != players.get<1>().end(); ++i, ++it) sum += it->id * ++rank;
    return sum;
  }
};

struct sqlite_board {
  sqlite3* db = nullptr;
  sqlite3_stmt* top_ = nullptr;
  sqlite_board() {
    sqlite3_open(":memory:", &db);
    sqlite3_exec(db, "CREATE TABLE Player(id INTEGER PRIMARY KEY, score REAL NOT NULL)", nullptr, nullptr, nullptr);
    sqlite3_exec(db, "CREATE INDEX player_score ON Player(score DESC)", nullptr, nullptr, nullptr);
  }
  ~sqlite_board() {
    sqlite3_finalize(top_);
    sqlite3_close(db);
  }
  sqlite_board(const sqlite_board&) = delete;
  sqlite_board& operator=(const sqlite_board&) = delete;
  void load(const workload& w) {
    sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr);
    sqlite3_stmt* ins = nullptr;
    sqlite3_prepare_v2(db, "INSERT INTO Player(id, score) VALUES(?, ?)", -1, &ins, nullptr);
    for (std::size_t i = 0; i < w.totals.size(); ++i) {
      sqlite3_bind_int64(ins, 1, static_cast<std::int64_t>(i + 1));
      sqlite3_bind_double(ins, 2, w.totals[i]);
      if (sqlite3_step(ins) != SQLITE_DONE) std::abort();
      sqlite3_reset(ins);
    }
    sqlite3_finalize(ins);
    sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
    sqlite3_prepare_v2(db, "SELECT id FROM Player ORDER BY score DESC, id LIMIT 10", -1, &top_, nullptr);
  }
  std::int64_t top() {
    std::int64_t sum = 0, rank = 0;
    while (sqlite3_step(top_) == SQLITE_ROW) sum += sqlite3_column_int64(top_, 0) * ++rank;
    sqlite3_reset(top_);
    if (rank != static_cast<std::int64_t>(board_size)) std::abort();
    return sum;
  }
};

// One board per system and scale, built once; `bytes` is its heap growth.
template <class Board>
struct board_world {
  std::unique_ptr<Board> board;
  std::int64_t bytes = 0;
};
template <class Board>
board_world<Board>& board_for(std::int64_t n) {
  static std::map<std::int64_t, board_world<Board>> cache;
  auto& bw = cache[n];
  if (!bw.board) {
    const workload w(n);
    const std::int64_t before = held_bytes() + sqlite3_memory_used();
    bw.board = std::make_unique<Board>();
    bw.board->load(w);
    bw.bytes = held_bytes() + sqlite3_memory_used() - before;
  }
  return bw;
}

template <class Board>
void leaderboard(benchmark::State& state) {
  auto& bw = board_for<Board>(state.range(0));
  for (auto _ : state) benchmark::DoNotOptimize(bw.board->top());
  state.counters["bytes_per_player"] = static_cast<double>(bw.bytes) / static_cast<double>(state.range(0));
  report(state, 1);
}

inline void register_leaderboards(schedule& plan) {
  plan.add("leaderboard", "relstore", &leaderboard<relstore_board<ranked_schema>>);
  plan.add("leaderboard", "floor", &leaderboard<floor_board>);
  plan.add("leaderboard", "sqlite", &leaderboard<sqlite_board>);
  plan.add("leaderboard_scan", "relstore", &leaderboard<relstore_board<unranked_schema>>);
}

}  // namespace bench
