// (h) related<"...">() with a name that is no has_many of the model.
#include "common.hpp"

namespace cf {
using orders = relstore::has_many<"orders", Customer, Order>;
using schema = relstore::schema<relstore::models<Customer, Order>, orders>;
void use() {
  relstore::store<schema> db;
  (void)db.repo<Customer>().related<"ordres">(1);
}
}  // namespace cf
