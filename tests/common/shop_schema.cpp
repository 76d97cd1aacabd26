// The shop schema's storage and first tables, compiled once for every test
// binary; shop_tables.cpp compiles the others beside it.
#include "common/shop_schema.hpp"

RELSTORE_INSTANTIATE_TABLES(shop::schema, shop::Customer, shop::Coupon, shop::Employee)
RELSTORE_INSTANTIATE_MODELS(shop::Customer, shop::Coupon, shop::Order, shop::OrderLine, shop::Employee, shop::Account,
                            shop::Session)
