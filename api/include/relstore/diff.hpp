// diff_datasets: what changed between two datasets, model by model and key
// by key.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "relstore/dataset.hpp"
#include "relstore/error.hpp"
#include "relstore/model_info.hpp"
#include "relstore/value.hpp"
#include "relstore/verify.hpp"

namespace relstore {

struct model_diff {
  std::string model;
  std::size_t added = 0;
  std::size_t removed = 0;
  std::size_t changed = 0;
};

// One row that differs. Views into the datasets: valid during the callback.
struct row_change {
  enum class kind { added, removed, changed };
  struct field {
    std::string_view name;
    value_view before;  // in the first dataset
    value_view after;   // in the second
    // The field in each dataset, for spelling its values as the field shows
    // them (an enum by name, a float32 as the shortest float text).
    const field_info* before_field = nullptr;
    const field_info* after_field = nullptr;
  };
  kind change = kind::changed;
  std::string_view model;
  value_view key;
  std::vector<field> fields;  // changed rows only: the fields that differ
};

// "added", "removed" or "changed".
std::string_view to_string(row_change::kind k) noexcept;

enum class diff_format { table, jsonl };

// Appends `c` as relstore-snapshot diff prints it, without a newline.
// table: "Order 7: changed total 3 -> 4, note \"a\" -> \"b\"", each value as
// its field shows it (an enum by name, a float32 as the shortest float
// text), in full where those spellings agree, with the bits where they
// still do (two scalar NaNs that differ in sign or payload, as doubles; not
// NaNs inside an array). jsonl: one JSON object,
// {"model":..,"key":..,"change":..,"fields":{NAME:{"before":..,"after":..}}}
// ("fields" for changed rows only; NaN and infinities as null).
void append_row_change(const row_change& c, diff_format format, std::string& out);

struct diff_options {
  // Called for each row that differs: per model, removed and changed rows in
  // the first dataset's row order, then added rows in the second's.
  std::function<void(const row_change&)> on_row;
  // Called once per difference of schema (a model or field only on one side,
  // a type or key that changed), before any row.
  std::function<void(const std::string&)> on_schema_change;
  progress_fn progress;  // rows compared
  // Compare datasets that have no model in common (with the same primary
  // key); refused otherwise, as almost surely two unrelated files.
  bool unrelated = false;
};

// Per model, the entities only in `b` (added), only in `a` (removed), and in
// both with different field values (changed), matched by primary key. Fields
// are compared by name where both sides have them. Errors: already_exists
// when a side holds a primary key twice (matching by key is then ambiguous);
// schema_mismatch for unrelated schemas (see diff_options::unrelated).
result<std::vector<model_diff>> diff_datasets(const dataset& a, const dataset& b, const diff_options& options = {});

}  // namespace relstore
