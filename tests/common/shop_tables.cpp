// The shop schema's tables that shop_schema.cpp does not compile.
#include "common/shop_tables.hpp"

RELSTORE_INSTANTIATE_MORE_TABLES(shop::schema, shop::Order, shop::OrderLine, shop::Account, shop::Session)
