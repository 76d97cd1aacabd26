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

// Checks that the snapshot's relations exist in the program and the
// program's relations find their key fields in the snapshot. Errors:
// schema_mismatch naming the relation.
result<void> check_relations(const registry& program, const column_store& snap);

}  // namespace relstore::detail
