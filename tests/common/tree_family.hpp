// The family schema (tree_schema.hpp) is compiled in tree_family.cpp, beside
// the tree schema in tree_schema.cpp, so the two compile in parallel.
#pragma once

#include "common/tree_schema.hpp"
