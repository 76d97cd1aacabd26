// LoopBack's hasMany example as relstore-server's second schema, the one the
// REST benchmark (bench/rest_bench.sh) drives:
//
//   Customer --orders (restrict)--> Order
#pragma once

#include <relstore/relstore.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace shop {

struct Customer {
  std::int64_t id = 0;
  std::string name;
  std::optional<std::string> email;
};
RELSTORE_MODEL(Customer, id, name, email)

struct Order {
  std::int64_t id = 0;
  std::int64_t customerId = 0;
  double total = 0;
  std::string note;
};
RELSTORE_MODEL(Order, id, customerId, total, note)

using customer_orders = relstore::has_many<"orders", Customer, Order>;
using schema = relstore::schema<relstore::models<Customer, Order>, customer_orders>;
using store = relstore::store<schema>;

}  // namespace shop
