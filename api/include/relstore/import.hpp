// import_json: a dataset from JSON, with the checks a snapshot read applies
// (the registry's schema rules, the reader's limits and cell checks) and
// then the integrity check (verify). schema_json: the schema in the form
// import_json reads.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "relstore/dataset.hpp"
#include "relstore/error.hpp"
#include "relstore/verify.hpp"

namespace relstore {

// Builds a dataset from a JSON document {"Customer":[{...}],"Order":[...]}
// and a JSON schema:
//   {"models":[{"name":"Customer","primaryKey":"id",
//               "fields":[{"name":"id","type":"int64"},{"name":"email","type":"string","optional":true}]}],
//    "relations":[{"name":"orders","source":"Customer","target":"Order",
//                  "keyTo":"customerId","keyFrom":"id","inverse":"customer","onDelete":"cascade"}]}
// keyTo, keyFrom, inverse and onDelete are optional (LoopBack's inference);
// "kind":"hasOne" declares a has_one (the default is "hasMany").
// Integer keys left at 0 (or absent) are assigned, increasing past every key
// given. Errors: invalid_argument (malformed input), schema_error (a schema
// the registry refuses), already_exists or foreign_key_violation (the first
// broken key, with how many more), key_space_exhausted.
result<dataset> import_json(std::string_view document, std::string_view schema_json);

// One input of import_data. `text` must outlive the call.
struct import_source {
  enum class kind {
    // A JSON document as import_json reads, or JSON Lines as dump_dataset
    // writes ({"model":"Order","row":{...}} per line): told apart by the
    // first line.
    json,
    // CSV with a header of field names, every row a row of `model`; as
    // dump_dataset's csv format writes (see detail/csv.hpp for cells).
    csv,
  };
  kind format = kind::json;
  std::string model;  // csv only
  std::string name;   // where the text came from, for messages
  std::string_view text;
};

// import_json over several inputs: their rows together, then the same key
// assignment and integrity check. Messages name the input and its line.
// `progress` counts bytes read.
result<dataset> import_data(std::string_view schema_json, const std::vector<import_source>& sources,
                            const progress_fn& progress = {});

// The schema of `data` in the JSON form import_json reads.
std::string schema_json(const dataset& data);

}  // namespace relstore
