// dump_dataset: a dataset's rows as JSON Lines, through the same query
// pipeline (where, order, skip, limit, fields) a typed store's find uses.
#pragma once

#include <cstddef>
#include <iosfwd>
#include <string_view>

#include "relstore/dataset.hpp"
#include "relstore/error.hpp"

namespace relstore {

// Writes the rows of `model` (every model when empty) that match the JSON
// filter (LoopBack's where/order/limit/skip/fields; empty = all) as JSON Lines:
// {"model":"Order","row":{...}}, in the filter's order, then key order.
// Returns the number of rows written. Errors: invalid_filter,
// invalid_argument (an unknown model, a filter without a model), io_error.
result<std::size_t> dump_dataset(const dataset& data, std::string_view model, std::string_view filter_json,
                                 std::ostream& out);

}  // namespace relstore
