// (l) A repository of a const store reads; it cannot write.
#include "common.hpp"

namespace cf {
using orders = relstore::has_many<"orders", Customer, Order>;
using schema = relstore::schema<relstore::models<Customer, Order>, orders>;
bool use(const relstore::store<schema>& db) { return db.repo<Customer>().create({.name = "x"}).has_value(); }
}  // namespace cf
