// A game's players under guilds, with secondary indexes (index.hpp), and
// the same models without them: the indexed store must answer every query
// as the plain one does.
//
//   Guild --members (cascade)--> Player
//   indexes: Player.score ordered, Player.title (optional) ordered (both
//            ordered_desc in descending_schema),
//            Player.handle unique (and hashed: the unique one must win),
//            Player.level hashed
#pragma once

#include <relstore/relstore.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace guild {

struct Guild {
  std::int64_t id = 0;
  std::string name;
  friend bool operator==(const Guild&, const Guild&) = default;
};
RELSTORE_MODEL(Guild, id, name)

struct Player {
  std::int64_t id = 0;
  std::int64_t guildId = 0;
  std::string handle;
  double score = 0;
  std::int32_t level = 1;
  std::optional<std::string> title;
  friend bool operator==(const Player&, const Player&) = default;
};
RELSTORE_MODEL(Player, id, guildId, handle, score, level, title)

using members = relstore::has_many<"members", Guild, Player, relstore::on_delete::cascade>;

using by_score = relstore::index<&Player::score, relstore::ordered>;
using by_handle = relstore::index<&Player::handle, relstore::unique>;
using by_level = relstore::index<&Player::level, relstore::hashed>;
using by_title = relstore::index<&Player::title, relstore::ordered>;
using handle_lookup = relstore::index<&Player::handle, relstore::hashed>;

using indexed_schema =
    relstore::schema<relstore::models<Guild, Player>, members, by_score, handle_lookup, by_handle, by_level, by_title>;
// The same, with the ordered indexes stored highest first: every query must
// answer as it does on the other two.
using by_score_desc = relstore::index<&Player::score, relstore::ordered_desc>;
using by_title_desc = relstore::index<&Player::title, relstore::ordered_desc>;
using descending_schema = relstore::schema<relstore::models<Guild, Player>, members, by_score_desc, handle_lookup,
                                           by_handle, by_level, by_title_desc>;
using plain_schema = relstore::schema<relstore::models<Guild, Player>, members>;
using indexed_store = relstore::store<indexed_schema>;
using plain_store = relstore::store<plain_schema>;
using descending_store = relstore::store<descending_schema>;

}  // namespace guild

// Compiled once, in guild_schema.cpp, instead of in each test file.
RELSTORE_EXTERN_TABLES(guild::indexed_schema, guild::Guild, guild::Player)
RELSTORE_EXTERN_TABLES(guild::plain_schema, guild::Guild, guild::Player)
RELSTORE_EXTERN_TABLES(guild::descending_schema, guild::Guild, guild::Player)
RELSTORE_EXTERN_MODELS(guild::Guild, guild::Player)
