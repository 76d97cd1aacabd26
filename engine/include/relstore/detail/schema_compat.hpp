// Schema evolution: whether a snapshot's schema can be loaded into a
// program's, and how its columns map onto the program's fields. Internal.
#pragma once

#include <cstddef>
#include <vector>

#include "relstore/detail/column_store.hpp"
#include "relstore/error.hpp"
#include "relstore/model_info.hpp"
#include "relstore/registry.hpp"
#include "relstore/value.hpp"

namespace relstore::detail {

// For each field of `program`, the field of `snap` it is read from (npos:
// the snapshot predates it, it keeps its default). A field the program lost
// is ignored. A field's type may widen (see widens). Errors: schema_mismatch
// (another primary key, a type that does not widen, a field that became
// required).
result<std::vector<std::size_t>> map_fields(const model_info& program, const model_info& snap);

// Whether every value of a field of type `from` is a value of type `to`, so
// a snapshot's field loads into the program's: the same type, float32 to
// float64, or an integer type to one whose range contains it (int8 to
// int16/int32/int64, uint8 to uint16/.../uint64 and to int16/int32/int64,
// uint32 to uint64 and int64). Never across integers, floats, booleans and
// strings, and never narrowing, even when the stored values would fit.
bool widens(field_type from, field_type to);

// Checks that the snapshot shares a model with the program, that its
// relations' models exist in the program and do not contradict a relation of
// the same name there (another kind, target, key or policy), and that the
// program's relations find their key fields in the snapshot. `lenient`
// skips the first and the contradiction checks. Errors: schema_mismatch
// naming the model or relation.
result<void> check_relations(const registry& program, const column_store& snap, bool lenient = false);

}  // namespace relstore::detail
