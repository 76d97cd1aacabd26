// (p) update_each's named form cannot write a foreign key in place.
#include "common.hpp"

namespace cf {
using orders = relstore::has_many<"orders", Customer, Order>;
using schema = relstore::schema<relstore::models<Customer, Order>, orders>;
bool use(relstore::store<schema>& db) {
  return db.repo<Order>()
      .update_each({}, relstore::writes<&Order::customerId>, [](std::int64_t& c) { c = 1; })
      .has_value();
}
}  // namespace cf
