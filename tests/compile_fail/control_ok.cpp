// Positive control: the constructs of every compile-fail test, used correctly,
// compile. If this fails, the harness (or the library) is broken and the
// compile-fail tests prove nothing.
#include <array>

#include "common.hpp"

namespace cf {

using orders = relstore::has_many<"orders", Customer, Order>;  // customerId inferred
using gifts =
    relstore::has_many<"gifts", Customer, Order, relstore::key_to<&Order::giftFor>, relstore::inverse<"giftee">,
                       relstore::on_delete::set_null>;  // optional key
using invoices = relstore::has_many<"invoices", Customer, Invoice, relstore::key_to<&Invoice::buyer>>;
using schema = relstore::schema<relstore::models<Customer, Order, Invoice>, orders, gifts, invoices>;
RELSTORE_SCHEMA(schema)

std::size_t use() {
  relstore::store<schema> db;
  auto p = relstore::patch<Order>{}.set(&Order::note, "text").set(&Order::giftFor, relstore::null);
  auto f = relstore::filter<Customer>{}.include<"orders">(relstore::filter<Order>{}.include<"customer">());
  const relstore::store<schema>& read_only = db;
  auto found = read_only.repo<Customer>().related<"orders">(1).find();  // reads work on a const store
  std::size_t n = found ? found->size() : 0;
  for (const auto& r : *read_only.repo<Customer>().find(f)) n += r.many<"orders">().size();
  n += db.repo<Order>().update_each({}, relstore::writes<&Order::note>, [](std::string& s) { s = "x"; }).value_or(0);
  return orders::child_key + gifts::child_key + invoices::child_key + p.size() + db.size<Order>() + n;
}

// hashed_index_on_double's model, with the index that is allowed.
struct Score {
  std::int64_t id = 0;
  double value = 0;
};
RELSTORE_MODEL(Score, id, value)
using ranked = relstore::schema<relstore::models<Score>, relstore::index<&Score::value, relstore::ordered>>;
std::size_t ranked_use(const relstore::store<ranked>& db) { return db.size<Score>(); }

// ordered_both_directions's model, with the indexes that are allowed: one
// ordered index per field, beside a hashed one on the same field.
struct Racer {
  std::int64_t id = 0;
  double lap = 0;
  std::int32_t grid = 0;
};
RELSTORE_MODEL(Racer, id, lap, grid)
using racing =
    relstore::schema<relstore::models<Racer>, relstore::index<&Racer::lap, relstore::ordered_desc>,
                     relstore::index<&Racer::grid, relstore::ordered>, relstore::index<&Racer::grid, relstore::hashed>>;
std::size_t racing_use(const relstore::store<racing>& db) { return db.size<Racer>(); }

// The array_field_* tests' model, used as arrays may be: compared whole, an
// ordered index on another field.
struct Spot {
  std::int64_t id = 0;
  std::array<float, 3> position{};
  std::optional<std::array<std::uint8_t, 2>> tag;
  std::int32_t rank = 0;
};
RELSTORE_MODEL(Spot, id, position, tag, rank)
using spots = relstore::schema<relstore::models<Spot>, relstore::index<&Spot::rank, relstore::ordered>>;
std::size_t spots_use(relstore::store<spots>& db) {
  using pos = std::array<float, 3>;
  auto f = relstore::filter<Spot>{}
               .where(relstore::field(&Spot::position) == pos{1, 2, 3} ||
                      relstore::field(&Spot::position).inq({pos{0, 0, 0}, pos{1, 1, 1}}))
               .order(&Spot::rank);
  auto p = relstore::patch<Spot>{}.set(&Spot::position, pos{4, 5, 6}).set(&Spot::tag, relstore::null);
  auto found = db.repo<Spot>().find(f);
  return (found ? found->size() : 0) + p.size();
}

// The patch_* tests' model (common.hpp's Gauge), set as it may be: a
// constant that fits, a variable cast, a value of a type that always fits.
std::size_t gauge_use(int level, std::uint8_t small) {
  auto p = relstore::patch<Gauge>{}
               .set(&Gauge::level, 255)
               .set(&Gauge::height, -32768)
               .set(&Gauge::serial, 7)
               .set(&Gauge::level, static_cast<std::uint8_t>(level))
               .set(&Gauge::height, small);
  return p.size();
}

}  // namespace cf
