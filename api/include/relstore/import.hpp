// import_json: a dataset from JSON, with the checks a snapshot read applies
// (the registry's schema rules, the reader's limits and cell checks) and
// then the integrity check (verify). schema_json: the schema in the form
// import_json reads.
#pragma once

#include <string>
#include <string_view>

#include "relstore/dataset.hpp"
#include "relstore/error.hpp"

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

// The schema of `data` in the JSON form import_json reads.
std::string schema_json(const dataset& data);

}  // namespace relstore
