// (o) many<"...">() on a has_one: it includes one row or none, read with one<"...">().
#include "common.hpp"

namespace cf {
using account = relstore::has_one<"order", Customer, Order>;
using schema = relstore::schema<relstore::models<Customer, Order>, account>;
RELSTORE_SCHEMA(schema)
std::size_t use(const relstore::row<Customer>& r) { return r.many<"order">().size(); }
}  // namespace cf
