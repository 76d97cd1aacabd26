// The game schema's REST backend, compiled once.
#include "rest/game_backend.hpp"

template class relstore::rest::store_backend<game::schema>;
