// A model with every narrow, unsigned and float field type a game uses, and
// the extremes of each, for the tests of those types on every surface.
#pragma once

#include <gtest/gtest.h>

#include <relstore/relstore.hpp>

#include <boost/describe/enum.hpp>

#include <array>

#include <cstdint>
#include <limits>
#include <optional>
#include <vector>

namespace game {

struct Unit {
  std::int64_t id = 0;
  float speed = 0;
  std::int8_t tilt = 0;
  std::int16_t height = 0;
  std::uint8_t level = 0;
  std::uint16_t ammo = 0;
  std::uint64_t serial = 0;
  std::optional<float> boost;
  std::optional<std::uint64_t> token;
  friend bool operator==(const Unit&, const Unit&) = default;
};
RELSTORE_MODEL(Unit, id, speed, tilt, height, level, ammo, serial, boost, token)

inline constexpr std::uint64_t int64_max = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
inline constexpr std::uint64_t uint64_max = std::numeric_limits<std::uint64_t>::max();

// Rows 1 to 4: each type's lowest and highest values, 0.1f (no short binary
// form), and uint64 values on both sides of INT64_MAX.
inline std::vector<Unit> extreme_units() {
  return {
      {1, 0.1f, -128, -32768, 0, 0, 0, std::nullopt, std::nullopt},
      {2, -3.5f, 127, 32767, 255, 65535, uint64_max, 1.5f, uint64_max},
      {3, std::numeric_limits<float>::max(), 0, 0, 1, 1, int64_max, std::numeric_limits<float>::denorm_min(),
       int64_max + 1},
      {4, std::numeric_limits<float>::lowest(), -1, -1, 7, 7, int64_max + 1, std::nullopt, 5},
  };
}

// An enum stored as its uint8, with a gap in its values.
enum class kind : std::uint8_t { sword, shield, potion = 7 };
BOOST_DESCRIBE_ENUM(kind, sword, shield, potion)

struct Item {
  std::int64_t id = 0;
  game::kind kind = game::kind::sword;
  std::optional<game::kind> spare;
  friend bool operator==(const Item&, const Item&) = default;
};
RELSTORE_MODEL(Item, id, kind, spare)

// Fixed arrays of numbers: a position, each element type's extremes, and an
// optional array.
struct Body {
  std::int64_t id = 0;
  std::array<float, 3> position{};
  std::array<std::int8_t, 2> tilt{};
  std::array<std::uint64_t, 2> tags{};
  std::array<double, 2> velocity{};
  std::optional<std::array<std::int16_t, 4>> color;
  friend bool operator==(const Body&, const Body&) = default;
};
RELSTORE_MODEL(Body, id, position, tilt, tags, velocity, color)

using schema = relstore::schema<relstore::models<Unit, Item, Body>>;
using store = relstore::store<schema>;

// A store holding extreme_units().
inline void fill(store& db) {
  for (const Unit& u : extreme_units()) (void)db.repo<Unit>().create(u);
}

// The ids of the entities repo.find(query) returns, in order; a failed find
// fails the test.
template <class Repo, class Query>
std::vector<std::int64_t> find_ids(const Repo& repo, const Query& query) {
  auto r = repo.find(query);
  EXPECT_TRUE(r) << r.error().message();
  std::vector<std::int64_t> out;
  if (r) {
    for (const auto& row : *r) out.push_back(row->id);
  }
  return out;
}

// Bodies 1 to 3: 0.1f (no short binary form), each element type's extremes,
// uint64 above INT64_MAX, a null and a set optional array.
inline std::vector<Body> extreme_bodies() {
  return {
      {1, {0.1f, -2.5f, 3.0f}, {-128, 127}, {0, uint64_max}, {0.5, -1e300}, std::nullopt},
      {2,
       {std::numeric_limits<float>::max(), std::numeric_limits<float>::lowest(), 0.0f},
       {0, -1},
       {int64_max, int64_max + 1},
       {1e-300, 2.0},
       std::array<std::int16_t, 4>{-32768, 32767, 0, 7}},
      {3, {1.0f, 2.0f, 3.0f}, {1, 2}, {3, 4}, {1.0, 2.0}, std::array<std::int16_t, 4>{1, 2, 3, 4}},
  };
}

// A store holding extreme_bodies().
inline void fill_bodies(store& db) {
  for (const Body& b : extreme_bodies()) (void)db.repo<Body>().create(b);
}

// Items 1 (sword), 2 (potion, spare shield), 3 (sword).
inline void fill_items(store& db) {
  (void)db.repo<Item>().create({1, kind::sword, std::nullopt});
  (void)db.repo<Item>().create({2, kind::potion, kind::shield});
  (void)db.repo<Item>().create({3, kind::sword, std::nullopt});
}

}  // namespace game

// Compiled once, in game_schema.cpp, instead of in each test file.
RELSTORE_EXTERN_TABLES(game::schema, game::Unit, game::Item, game::Body)
RELSTORE_EXTERN_MODELS(game::Unit, game::Item, game::Body)
