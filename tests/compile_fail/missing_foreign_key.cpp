// Invoice has no customerId: LoopBack's rule finds no foreign key.
#include "common.hpp"
using bad = relstore::has_many<"invoices", Customer, Invoice>;
int use() { return static_cast<int>(bad::child_key); }
