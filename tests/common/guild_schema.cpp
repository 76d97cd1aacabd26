// The guild schemas' tables, compiled once for every test binary.
#include "common/guild_schema.hpp"

RELSTORE_INSTANTIATE_TABLES(guild::indexed_schema, guild::Guild, guild::Player)
RELSTORE_INSTANTIATE_TABLES(guild::plain_schema, guild::Guild, guild::Player)
RELSTORE_INSTANTIATE_TABLES(guild::descending_schema, guild::Guild, guild::Player)
RELSTORE_INSTANTIATE_MODELS(guild::Guild, guild::Player)
