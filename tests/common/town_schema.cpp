// The town schemas' tables, compiled once for every test binary.
#include "common/town_schema.hpp"

RELSTORE_INSTANTIATE_TABLES(town::schema, town::Region, town::Town, town::Citizen, town::House)
RELSTORE_INSTANTIATE_MODELS(town::Region, town::Town, town::Citizen, town::House)
