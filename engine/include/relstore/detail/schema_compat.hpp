// Schema evolution: whether a snapshot's schema can be loaded into a
// program's, and how its columns map onto the program's fields. Internal.
#pragma once

#include <cstddef>
#include <vector>

#include "relstore/detail/column_store.hpp"
#include "relstore/error.hpp"
#include "relstore/model_info.hpp"
#include "relstore/registry.hpp"

namespace relstore::detail {

// For each field of `program`, the field of `snap` it is read from (npos:
// the snapshot predates it, it keeps its default). A field the program lost
// is ignored. Errors: schema_mismatch (another primary key, a changed type,
// a field that became required).
result<std::vector<std::size_t>> map_fields(const model_info& program, const model_info& snap);

// Checks that the snapshot shares a model with the program, that its
// relations' models exist in the program and do not contradict a relation of
// the same name there (another target, key or policy), and that the
// program's relations find their key fields in the snapshot. `lenient`
// skips the first and the contradiction checks. Errors: schema_mismatch
// naming the model or relation.
result<void> check_relations(const registry& program, const column_store& snap, bool lenient = false);

}  // namespace relstore::detail
