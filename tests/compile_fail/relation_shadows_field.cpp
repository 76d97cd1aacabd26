// A relation may not be named like a field: models never carry children.
#include "common.hpp"
using bad = relstore::has_many<"name", Customer, Order>;
int use() { return static_cast<int>(bad::child_key); }
