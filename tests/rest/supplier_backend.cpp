// The supplier schema's REST backend, compiled once.
#include "rest/supplier_backend.hpp"

template class relstore::rest::store_backend<suppliers::schema>;
