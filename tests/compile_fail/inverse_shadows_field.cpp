// An inverse (belongs_to) name that is a field of the child (Order::note):
// include and the REST route would not know which is meant.
#include "common.hpp"

namespace cf {
using bad = relstore::has_many<"orders", Customer, Order, relstore::inverse<"note">>;
std::size_t use() { return bad::child_key; }
}  // namespace cf
