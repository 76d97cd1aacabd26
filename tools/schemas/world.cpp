#include "schemas/world.hpp"

RELSTORE_INSTANTIATE_TABLES(world::schema, world::Zone, world::Guild, world::Player, world::Item, world::Enchantment)
RELSTORE_INSTANTIATE_MODELS(world::Zone, world::Guild, world::Player, world::Item, world::Enchantment)
