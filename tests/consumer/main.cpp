// The smallest program a user writes: two models, one relation.
#include <relstore/relstore.hpp>
#ifdef RELSTORE_CONSUMER_REST
#include <relstore/rest/router.hpp>
#include <relstore/rest/store_backend.hpp>
#endif

#include <cstdint>
#include <cstdio>
#include <string>

struct Customer {
  std::int64_t id = 0;
  std::string name;
};
RELSTORE_MODEL(Customer, id, name)

struct Order {
  std::int64_t id = 0;
  std::int64_t customerId = 0;
  double total = 0;
};
RELSTORE_MODEL(Order, id, customerId, total)

using customer_orders = relstore::has_many<"orders", Customer, Order>;
using schema = relstore::schema<relstore::models<Customer, Order>, customer_orders>;

int main() {
  relstore::store<schema> db;
  auto c = db.repo<Customer>().create({.name = "Ada"});
  if (!c) return 1;
  auto orders = db.repo<Customer>().related<"orders">(c->id);
  if (!orders.create({.total = 12.5})) return 1;
  auto bad = db.repo<Order>().create({.customerId = 999, .total = 1});
  if (bad || bad.error().code != relstore::errc::foreign_key_violation) return 1;
  auto n = orders.count();
  if (!n || *n != 1) return 1;
#ifdef RELSTORE_CONSUMER_REST
  relstore::rest::store_backend<schema> backend(db);
  relstore::rest::router routes(backend);
  if (routes.handle({"GET", "/customers/1/orders", ""}).status != 200) return 1;
  if (routes.handle({"POST", "/customers/9/orders", "{}"}).status != 404) return 1;
#endif
  std::puts("consumer ok");
  return 0;
}
