// (b) on_delete::set_null with a foreign key that cannot be null.
#include "common.hpp"

namespace cf {
using bad = relstore::has_many<"orders", Customer, Order, relstore::on_delete::set_null>;
std::size_t use() { return bad::child_key; }
}  // namespace cf
