// The demo's game world, shared by relstore-demo and relstore-server:
//
//   Zone --players (restrict)--> Player      a zone with players cannot close
//   Guild --members (set_null)--> Player     a disbanded guild's members stay
//   Player --items (cascade)--> Item --enchantments (cascade)--> Enchantment
#pragma once

#include <relstore/extern_tables.hpp>
#include <relstore/relstore.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace world {

struct Zone {
  std::int64_t id = 0;
  std::string name;
};
RELSTORE_MODEL(Zone, id, name)

struct Guild {
  std::int64_t id = 0;
  std::string name;
};
RELSTORE_MODEL(Guild, id, name)

struct Player {
  std::int64_t id = 0;
  std::int64_t zoneId = 0;
  std::optional<std::int64_t> guildId;
  std::string name;
  std::int32_t level = 1;
  double gold = 0;
};
RELSTORE_MODEL(Player, id, zoneId, guildId, name, level, gold)

struct Item {
  std::int64_t id = 0;
  std::int64_t playerId = 0;
  std::string kind;
  std::int32_t power = 0;
};
RELSTORE_MODEL(Item, id, playerId, kind, power)

struct Enchantment {
  std::int64_t id = 0;
  std::int64_t itemId = 0;
  std::string rune;
};
RELSTORE_MODEL(Enchantment, id, itemId, rune)

using zone_players = relstore::has_many<"players", Zone, Player>;  // restrict
using guild_members = relstore::has_many<"members", Guild, Player, relstore::key_to<&Player::guildId>,
                                         relstore::inverse<"guild">, relstore::on_delete::set_null>;
using player_items = relstore::has_many<"items", Player, Item, relstore::on_delete::cascade>;
using item_enchantments = relstore::has_many<"enchantments", Item, Enchantment, relstore::on_delete::cascade>;

using schema = relstore::schema<relstore::models<Zone, Guild, Player, Item, Enchantment>, zone_players, guild_members,
                                player_items, item_enchantments>;
using store = relstore::store<schema>;

}  // namespace world

// The world's tables are compiled once, in world.cpp, for the three tools'
// translation units that use the store.
RELSTORE_EXTERN_TABLES(world::schema, world::Zone, world::Guild, world::Player, world::Item, world::Enchantment)
RELSTORE_EXTERN_MODELS(world::Zone, world::Guild, world::Player, world::Item, world::Enchantment)
