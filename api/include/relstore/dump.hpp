// dump_dataset: a dataset's rows as JSON Lines, CSV or a table, through the
// same query pipeline (where, order, skip, limit, fields) a typed store's
// find uses.
#pragma once

#include <cstddef>
#include <iosfwd>
#include <optional>
#include <string_view>

#include "relstore/dataset.hpp"
#include "relstore/error.hpp"
#include "relstore/verify.hpp"

namespace relstore {

enum class dump_format {
  // {"model":"Order","row":{...}} per line; import_data reads it back.
  // Doubles that are not finite are written as null (JSON has no NaN).
  jsonl,
  // A header of field names, then a line per row (detail/csv.hpp describes
  // cells); one model only. import_data reads it back, exactly.
  csv,
  // Aligned columns for a person, a block per model; cells longer than 40
  // characters are cut.
  table,
};

// "jsonl", "csv" or "table"; nullopt otherwise.
std::optional<dump_format> parse_dump_format(std::string_view name) noexcept;

struct dump_options {
  std::string_view model;        // every model when empty
  std::string_view filter_json;  // LoopBack's where/order/limit/skip/fields; empty = all
  dump_format format = dump_format::jsonl;
  progress_fn progress;  // rows written of the rows of the models dumped
};

// Writes the rows of the model(s) that match the filter, in the filter's
// order, then key order. Returns the number of rows written. Errors:
// invalid_filter, invalid_argument (an unknown model, a filter or csv without
// a model), io_error.
result<std::size_t> dump_dataset(const dataset& data, const dump_options& options, std::ostream& out);

// dump_dataset as JSON Lines.
inline result<std::size_t> dump_dataset(const dataset& data, std::string_view model, std::string_view filter_json,
                                        std::ostream& out) {
  return dump_dataset(data, dump_options{model, filter_json, dump_format::jsonl, {}}, out);
}

}  // namespace relstore
