// The has_one test schema, after LoopBack's hasOne documentation:
//
//   Supplier --account (has_one, cascade)--> Account --ledgers (restrict)--> Ledger
//   Supplier --badge (has_one, set_null, optional supplierId)--> Badge
#pragma once

#include <relstore/relstore.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace suppliers {

struct Supplier {
  std::int64_t id = 0;
  std::string name;
  friend bool operator==(const Supplier&, const Supplier&) = default;
};
RELSTORE_MODEL(Supplier, id, name)

struct Account {
  std::int64_t id = 0;
  std::int64_t supplierId = 0;
  double balance = 0;
  friend bool operator==(const Account&, const Account&) = default;
};
RELSTORE_MODEL(Account, id, supplierId, balance)

struct Badge {
  std::int64_t id = 0;
  std::optional<std::int64_t> supplierId;
  std::string label;
  friend bool operator==(const Badge&, const Badge&) = default;
};
RELSTORE_MODEL(Badge, id, supplierId, label)

struct Ledger {
  std::int64_t id = 0;
  std::int64_t accountId = 0;
  std::string note;
  friend bool operator==(const Ledger&, const Ledger&) = default;
};
RELSTORE_MODEL(Ledger, id, accountId, note)

using schema = relstore::schema<relstore::models<Supplier, Account, Badge, Ledger>,
                                relstore::has_one<"account", Supplier, Account, relstore::on_delete::cascade>,
                                relstore::has_one<"badge", Supplier, Badge, relstore::on_delete::set_null>,
                                relstore::has_many<"ledgers", Account, Ledger>>;
RELSTORE_SCHEMA(schema)
using store = relstore::store<schema>;

}  // namespace suppliers

// Compiled once, in supplier_schema.cpp, instead of in each test file.
RELSTORE_EXTERN_TABLES(suppliers::schema, suppliers::Supplier, suppliers::Account, suppliers::Badge, suppliers::Ledger)
RELSTORE_EXTERN_MODELS(suppliers::Supplier, suppliers::Account, suppliers::Badge, suppliers::Ledger)
