// (a) The target lacks the inferred foreign key: Invoice has no customerId.
#include "common.hpp"

namespace cf {
using bad = relstore::has_many<"invoices", Customer, Invoice>;
std::size_t use() { return bad::child_key; }
}  // namespace cf
