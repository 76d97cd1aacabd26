// Both ends of a has_many_through on one field of the through model: every
// link would join a customer to itself.
#include "common.hpp"

namespace cf {
using bad = relstore::has_many_through<"peers", Customer, Customer, Order,
                                       relstore::through_keys<&Order::customerId, &Order::customerId>>;
std::size_t use() { return bad::from_key; }
}  // namespace cf
