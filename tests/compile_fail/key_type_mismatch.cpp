#include "common.hpp"
using bad = relstore::has_many<"orders", Customer, Order, relstore::key_to<&Order::note>>;
int use() { return static_cast<int>(bad::child_key); }
