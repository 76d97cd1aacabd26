// The deep chain schema's tables, compiled once for every test binary;
// chain_mixed.cpp compiles the mixed one beside it.
#include "common/chain_schema.hpp"

RELSTORE_INSTANTIATE_TABLES(chain::deep, chain::A, chain::B, chain::C, chain::D)
RELSTORE_INSTANTIATE_MODELS(chain::A, chain::B, chain::C, chain::D, chain::P, chain::Q, chain::R)
