// The shop schema's REST backend, compiled once.
#include "rest/shop_backend.hpp"

template class relstore::rest::store_backend<shop::schema>;
