// Fuzz target: bytes as a JSON filter, run against a small store and against
// the dataset of its snapshot (dump), with tight limits so an amplifying
// filter is stopped quickly.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include <relstore/snapshot.hpp>
#include <relstore/snapshot_tools.hpp>

#include "common/shop_schema.hpp"
#include "fuzz/fuzz_targets.hpp"

namespace {

const shop::store& world() {
  static const shop::store db = [] {
    shop::store s;
    s.set_limits({.max_include_depth = 4, .max_included_rows = 2000, .max_filter_terms = 2000});
    auto customers = s.repo<shop::Customer>();
    for (int c = 0; c < 3; ++c) {
      auto cust = customers.create({.name = "c" + std::to_string(c)}).value();
      for (int o = 0; o < 4; ++o) {
        auto ord = customers.related<"orders">(cust.id).create({.total = o * 1.5, .note = "n"}).value();
        (void)s.repo<shop::Order>().related<"lines">(ord.id).create({.sku = "s", .qty = o});
      }
    }
    return s;
  }();
  return db;
}

const relstore::dataset& world_data() {
  static const relstore::dataset ds = [] {
    std::stringstream bytes;
    (void)relstore::save(world(), bytes);
    return relstore::read_snapshot(bytes).value();
  }();
  return ds;
}

}  // namespace

int fuzz::filter(const std::uint8_t* data, std::size_t size) {
  const std::string json(reinterpret_cast<const char*>(data), size);
  const shop::store& db = world();
  (void)db.repo<shop::Order>().find(json);
  (void)db.repo<shop::Customer>().find(json);
  (void)db.repo<shop::Order>().count(json);
  (void)db.repo<shop::Customer>().related<"orders">(1).find(json);
  if (auto f = db.repo<shop::Order>().parse_filter(json)) (void)db.repo<shop::Order>().explain(*f);
  std::ostringstream sink;
  (void)relstore::dump_dataset(world_data(), "Order", json, sink);
  return 0;
}

RELSTORE_FUZZ_ENTRY(filter)
