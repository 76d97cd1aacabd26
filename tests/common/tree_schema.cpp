// The tree schema's tables, compiled once for every test binary;
// tree_family.cpp compiles the family schema beside it.
#include "common/tree_schema.hpp"

RELSTORE_INSTANTIATE_TABLES(chain::tree, chain::Node, chain::Tag, chain::Note)
RELSTORE_INSTANTIATE_MODELS(chain::Node, chain::Tag, chain::Note, chain::Parent, chain::Child, chain::Item)
