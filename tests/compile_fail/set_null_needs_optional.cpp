#include "common.hpp"
using bad = relstore::has_many<"orders", Customer, Order, relstore::on_delete::set_null>;
int use() { return static_cast<int>(bad::child_key); }
