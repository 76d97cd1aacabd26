// query_result: the entities a query selected, as pointers into their
// tables, with what each of the filter's includes brought. Used by find's
// materialisation and by entity_view (included views). Internal.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace relstore::detail {

struct include_spec;
struct included;

// The entities a query selected, in order, with what each include brought.
struct query_result {
  std::vector<const void*> entities;
  std::vector<included> includes;  // one per include of the filter, in its order
};

// What one include brought: for each entity of the including result (same
// index), its children (has_many: the scope's where, order, skip and limit
// applied per parent), its child (has_one: none or one) or its parent
// (belongs_to: none or one). `many` is false for the last two.
struct included {
  const include_spec* spec = nullptr;  // valid while the filter that made it lives
  std::string relation;                // spec->relation, kept for views that outlive the filter
  std::string_view target_model;       // the name of the model it leads to (lives as long as the store)
  std::size_t target = 0;              // that model's index
  bool many = true;
  std::vector<query_result> per_entity;
};

// What include `relation` of `r` brought its entity `i`, and the name of the
// model it leads to; null when `r` has no such include. REQUIRES: i is an
// index of r.entities.
inline const query_result* included_result(const query_result& r, std::size_t i, std::string_view relation,
                                           std::string_view* target_model) noexcept {
  for (const included& inc : r.includes) {
    if (inc.relation != relation) continue;
    *target_model = inc.target_model;
    return &inc.per_entity[i];
  }
  return nullptr;
}

}  // namespace relstore::detail
