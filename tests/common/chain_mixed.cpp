// The mixed chain schema's tables, compiled once for every test binary.
#include "common/chain_mixed.hpp"

RELSTORE_INSTANTIATE_TABLES(chain::mixed, chain::P, chain::Q, chain::R)
