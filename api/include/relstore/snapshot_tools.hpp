// Operations on snapshots that need no application types: what the
// relstore-snapshot tool is made of. All work on a dataset read with
// read_snapshot().
#pragma once

#include <cstddef>
#include <functional>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

#include "relstore/dataset.hpp"
#include "relstore/error.hpp"

namespace relstore {

// Called now and then with the rows done and the rows in all; may be empty.
using progress_fn = std::function<void(std::size_t done, std::size_t total)>;

// One broken rule in a dataset.
struct violation {
  std::string model;    // the model of the offending row
  std::string key;      // its primary key, rendered
  std::string field;    // the field at fault
  std::string value;    // the field's value, rendered
  std::string message;  // the whole story, e.g. the missing parent
};

// Checks unique primary keys, unique parent keys, and that every foreign key
// names an existing parent or is null. Returns every violation found.
std::vector<violation> verify_dataset(const dataset& data, const progress_fn& progress = {});

// Writes the rows of `model` (every model when empty) that match the JSON
// filter (LoopBack's where/order/limit/skip/fields; empty = all) as JSON Lines:
// {"model":"Order","row":{...}}. Returns the number of rows written.
// Errors: invalid_filter, invalid_argument (unknown model).
result<std::size_t> dump_dataset(const dataset& data, std::string_view model, std::string_view filter_json,
                                 std::ostream& out);

// Builds a dataset from a JSON document {"Customer":[{...}],"Order":[...]}
// and a JSON schema:
//   {"models":[{"name":"Customer","primaryKey":"id",
//               "fields":[{"name":"id","type":"int64"},{"name":"email","type":"string","optional":true}]}],
//    "relations":[{"name":"orders","source":"Customer","target":"Order",
//                  "keyTo":"customerId","keyFrom":"id","inverse":"customer","onDelete":"cascade"}]}
// keyTo, keyFrom, inverse and onDelete are optional (LoopBack's inference).
// Integrity is enforced: any violation is an error naming it.
result<dataset> import_json(std::string_view document, std::string_view schema_json);

// The schema of `data` in the JSON form import_json reads.
std::string schema_json(const dataset& data);

// Per model, the entities only in `b` (added), only in `a` (removed), and in
// both with different field values (changed), matched by primary key.
struct model_diff {
  std::string model;
  std::size_t added = 0;
  std::size_t removed = 0;
  std::size_t changed = 0;
};
std::vector<model_diff> diff_datasets(const dataset& a, const dataset& b);

// SQL for SQLite (and close to standard SQL): CREATE TABLE with PRIMARY KEY
// and FOREIGN KEY ... ON DELETE CASCADE / RESTRICT / SET NULL, then INSERTs in
// an order that satisfies every key, inside one transaction.
result<void> export_sql(const dataset& data, std::ostream& out, const progress_fn& progress = {});

}  // namespace relstore
