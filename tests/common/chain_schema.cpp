// The chain schemas' tables, compiled once for every test binary.
#include "common/chain_schema.hpp"

RELSTORE_INSTANTIATE_TABLES(chain::deep, chain::A, chain::B, chain::C, chain::D)
RELSTORE_INSTANTIATE_TABLES(chain::mixed, chain::P, chain::Q, chain::R)
