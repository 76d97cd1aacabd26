// The shop schema's tables, compiled once for every test binary.
#include "common/shop_schema.hpp"

RELSTORE_INSTANTIATE_TABLES(shop::schema, shop::Customer, shop::Coupon, shop::Order, shop::OrderLine, shop::Employee,
                            shop::Account, shop::Session)
