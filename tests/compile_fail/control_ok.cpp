// Positive control: a correct schema compiles (the harness can succeed).
#include "common.hpp"
using ok = relstore::has_many<"orders", Customer, Order, relstore::on_delete::cascade>;
using schema = relstore::schema<relstore::models<Customer, Order>, ok>;
int use() { return static_cast<int>(ok::child_key); }
