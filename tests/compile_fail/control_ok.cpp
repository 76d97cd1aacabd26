// Positive control: the constructs of every compile-fail test, used correctly,
// compile. If this fails, the harness (or the library) is broken and the
// compile-fail tests prove nothing.
#include "common.hpp"

namespace cf {

using orders = relstore::has_many<"orders", Customer, Order>;  // customerId inferred
using gifts =
    relstore::has_many<"gifts", Customer, Order, relstore::key_to<&Order::giftFor>, relstore::inverse<"giftee">,
                       relstore::on_delete::set_null>;  // optional key
using invoices = relstore::has_many<"invoices", Customer, Invoice, relstore::key_to<&Invoice::buyer>>;
using schema = relstore::schema<relstore::models<Customer, Order, Invoice>, orders, gifts, invoices>;

std::size_t use() {
  relstore::store<schema> db;
  auto p = relstore::patch<Order>{}.set(&Order::note, "text").set(&Order::giftFor, relstore::null);
  return orders::child_key + gifts::child_key + invoices::child_key + p.changes().size() + db.size<Order>();
}

}  // namespace cf
