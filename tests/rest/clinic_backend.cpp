// The clinic schema's REST backend, compiled once.
#include "rest/clinic_backend.hpp"

template class relstore::rest::store_backend<clinic::schema>;
