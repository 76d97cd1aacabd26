// The clinic schema's REST backend, compiled once in clinic_backend.cpp
// instead of in each test file: a store_backend compiles every route for
// every model of its schema.
#pragma once

#include <relstore/rest/store_backend.hpp>

#include "common/clinic_schema.hpp"

extern template class relstore::rest::store_backend<clinic::schema>;
