// The edge schemas' tables, compiled once for every test binary.
#include "common/edge_schema.hpp"

RELSTORE_INSTANTIATE_TABLES(edges::schema, edges::Value)
RELSTORE_INSTANTIATE_MODELS(edges::Value)
