// (i) include<"...">() with a name that is no relation of the model.
#include "common.hpp"

namespace cf {
using orders = relstore::has_many<"orders", Customer, Order>;
using schema = relstore::schema<relstore::models<Customer, Order>, orders>;
RELSTORE_SCHEMA(schema)
auto use() { return relstore::filter<Customer>{}.include<"ordres">(); }
}  // namespace cf
