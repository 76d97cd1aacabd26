// The game schemas' tables, compiled once for every test binary.
#include "common/game_schema.hpp"

RELSTORE_INSTANTIATE_TABLES(game::schema, game::Unit, game::Item, game::Body)
RELSTORE_INSTANTIATE_MODELS(game::Unit, game::Item, game::Body)
