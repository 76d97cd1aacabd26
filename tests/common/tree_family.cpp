// The family schema's tables, compiled once for every test binary.
#include "common/tree_family.hpp"

RELSTORE_INSTANTIATE_TABLES(chain::family, chain::Parent, chain::Child, chain::Item)
