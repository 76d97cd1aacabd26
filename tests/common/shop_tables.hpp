// The shop schema's remaining tables (shop_schema.hpp) are compiled in
// shop_tables.cpp, beside shop_schema.cpp: one file held them all and was
// the suite's slowest compile.
#pragma once

#include "common/shop_schema.hpp"
