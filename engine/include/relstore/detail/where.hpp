// Where clauses: checked against a model, evaluated on an entity. The one
// evaluator behind typed and JSON filters, on typed stores and datasets.
// Internal.
#pragma once

#include <string_view>

#include "relstore/detail/filter_spec.hpp"
#include "relstore/error.hpp"
#include "relstore/model_info.hpp"

namespace relstore::detail {

// Checks operand types and arity against `model`. Errors: invalid_filter.
result<void> validate_where(const model_info& model, const where_node& node);

// Thrown by evaluate() when a regexp match gives up at its bound (regexp.hpp),
// carrying limit_exceeded naming the model, field, key and value. The query
// pipeline (select, include_into, children_of) catches it and returns the
// error: it never leaves the engine.
struct match_aborted {
  relstore::error error;
};

// REQUIRES: validate_where(model, node) succeeded and index_operands(node)
// ran; entity is of `model`. Throws: match_aborted.
bool evaluate(const model_info& model, const where_node& node, const void* entity);
// Anchored SQL LIKE: % matches any run of bytes, _ exactly one byte.
bool like_match(std::string_view text, std::string_view pattern, bool fold_ascii_case = false) noexcept;

}  // namespace relstore::detail
