// Fuzz target: bytes as a JSON payload for create_json, and as a patch for
// update_by_id, on a small store. A rejected write must leave it unchanged.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "common/shop_schema.hpp"
#include "fuzz/fuzz_targets.hpp"

int fuzz::create_json(const std::uint8_t* data, std::size_t size) {
  const std::string json(reinterpret_cast<const char*>(data), size);
  shop::store db;
  auto ada = db.repo<shop::Customer>().create({.name = "Ada"}).value();
  (void)db.repo<shop::Customer>().related<"orders">(ada.id).create({.total = 1});
  (void)db.repo<shop::Account>().create({.code = "A"});
  const shop::store before = db;
  bool changed = false;
  changed |= db.repo<shop::Customer>().create_json(json).has_value();
  changed |= db.repo<shop::Order>().create_json(json).has_value();
  changed |= db.repo<shop::Session>().create_json(json).has_value();
  if (auto p = db.repo<shop::Order>().parse_patch(json))
    changed |= db.repo<shop::Order>().update_by_id(1, *p).has_value();
  if (!changed && !(db == before)) std::abort();  // a rejected write changed the store
  return 0;
}

RELSTORE_FUZZ_ENTRY(create_json)
