// (j) many<"...">() with a name that is no relation of the row's model.
#include "common.hpp"

namespace cf {
using orders = relstore::has_many<"orders", Customer, Order>;
using schema = relstore::schema<relstore::models<Customer, Order>, orders>;
RELSTORE_SCHEMA(schema)
std::size_t use(const relstore::row<Customer>& r) { return r.many<"ordres">().size(); }
}  // namespace cf
