// Deletes and their on-delete policies, planned then applied, on any tables
// (typed or not). The plan computes the cascade closure (iteratively: chains
// of any depth), then judges the end state: a restrict rejects only if a
// child of a deleted parent would survive the whole operation; set_null
// collects the surviving children. Applying the plan nulls those, then
// erases. Nothing changes unless the plan succeeded. Internal.
#pragma once

#include <cstddef>
#include <utility>
#include <vector>

#include "relstore/delete_report.hpp"
#include "relstore/detail/table_base.hpp"
#include "relstore/error.hpp"
#include "relstore/registry.hpp"

namespace relstore::detail {

struct delete_plan {
  // Per model (the registry's order): the entities the delete removes, in
  // the order the cascade reached them, and why (direct, or the cascade).
  std::vector<std::vector<const void*>> doomed;
  std::vector<std::vector<change_reason>> reasons;
  // Per set_null relation: the surviving children whose key becomes null.
  std::vector<std::pair<const relation_info*, std::vector<const void*>>> nulls;
  // The roots deleted by the call itself: as with SQLite's change count, a
  // root an earlier root's cascade already took is not counted.
  std::size_t roots = 0;
};

// Plans the delete of `roots` (entities of `model`, in the order given)
// without changing anything. tables[i] holds model i of `reg`.
// Errors: restrict_violation.
result<delete_plan> plan_delete(const registry& reg, const table_base* const* tables, std::size_t model,
                                const std::vector<const void*>& roots);

// What deleting `roots` would do, as plan_delete finds it: the same
// planner, reported by model, cause and relation, or the restrict that
// would reject it.
delete_report report_delete(const registry& reg, const table_base* const* tables, std::size_t model,
                            const std::vector<const void*>& roots);

// Whether deleting entities of `model` touches no other entity: no relation
// has `model` as its parent, so plan_delete's plan would be the distinct
// roots alone, erased directly, with nothing to cascade, null or restrict.
inline bool deletes_alone(const registry& reg, std::size_t model) { return reg.has_many_from(model).empty(); }

// Applies a plan. REQUIRES: nothing was written since plan_delete.
void apply_delete(table_base* const* tables, const delete_plan& plan);

}  // namespace relstore::detail
