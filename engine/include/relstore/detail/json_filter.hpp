// LoopBack-shaped JSON: filters, where clauses and entity payloads, parsed
// against the run-time schema. Internal.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

#include "relstore/detail/filter_spec.hpp"
#include "relstore/error.hpp"
#include "relstore/registry.hpp"

namespace relstore::detail {

// REQUIRES for all: model < reg.model_count(). Errors: invalid_filter.
result<filter_spec> parse_filter_json(const registry& reg, std::size_t model, std::string_view json);
result<where_node> parse_where_json(const registry& reg, std::size_t model, std::string_view json);
// A JSON object of field values. Errors: invalid_argument (unknown field,
// navigational property, non-scalar value, malformed JSON).
result<field_changes> parse_object_json(const registry& reg, std::size_t model, std::string_view json);

}  // namespace relstore::detail
