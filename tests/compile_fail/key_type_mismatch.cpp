// (c) key_to names a std::string field, but Customer's key is std::int64_t.
#include "common.hpp"

namespace cf {
using bad = relstore::has_many<"orders", Customer, Order, relstore::key_to<&Order::note>>;
std::size_t use() { return bad::child_key; }
}  // namespace cf
