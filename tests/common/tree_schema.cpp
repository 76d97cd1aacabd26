// The tree schemas' tables, compiled once for every test binary.
#include "common/tree_schema.hpp"

RELSTORE_INSTANTIATE_TABLES(chain::tree, chain::Node, chain::Tag, chain::Note)
RELSTORE_INSTANTIATE_TABLES(chain::family, chain::Parent, chain::Child, chain::Item)
