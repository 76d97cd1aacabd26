// (e) A relation called like a field of its parent (Customer::name): a model
// never carries its related entities.
#include "common.hpp"

namespace cf {
using bad = relstore::has_many<"name", Customer, Order>;
std::size_t use() { return bad::child_key; }
}  // namespace cf
