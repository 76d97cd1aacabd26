// The mixed chain schema (chain_schema.hpp) is compiled in chain_mixed.cpp,
// beside the deep one in chain_schema.cpp, so the two compile in parallel.
#pragma once

#include "common/chain_schema.hpp"
