// Deletes and their on-delete policies, planned then applied, on any tables
// (typed or not). The plan computes the cascade closure (iteratively: chains
// of any depth), then judges the end state: a restrict rejects only if a
// child of a deleted parent would survive the whole operation; set_null
// collects the surviving children. Applying the plan nulls those, then
// erases. Nothing changes unless the plan succeeded. Internal.
#pragma once

#include <algorithm>
#include <cstddef>
#include <functional>
#include <span>
#include <utility>
#include <vector>

#include "relstore/assert.hpp"
#include "relstore/delete_report.hpp"
#include "relstore/detail/pointer_set.hpp"
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

  // The planner's working state, kept with the plan: planning into a plan
  // used before allocates nothing once its vectors are large enough.
  std::vector<pointer_set> seen;       // per model: doomed[m] as a set, where `tracked`
  std::vector<unsigned char> tracked;  // per model: whether seen[m] is kept up to date
  std::vector<std::size_t> done;       // per model: doomed[m][0, done) have had their children added
  std::vector<const void*> found;
  std::vector<value_view> keys;                 // a batch's parent keys
  std::vector<std::vector<const void*>> lists;  // a batch's families, one per key
  std::vector<std::size_t> level_end;           // per model: where the level being closed ends
  std::vector<std::size_t> to_visit;            // cascades_back's walk
  std::vector<unsigned char> reached;

  // Empties the plan for `models` models, keeping the capacity of vectors
  // of at most `keep` elements (a rare huge cascade does not pin its memory).
  void reset(std::size_t models, std::size_t keep = 4096);
};

// A delete plan kept between deletes for its vectors' capacity: a steady
// stream of deletes plans without allocating. A copy starts empty (so does
// a copy of a store).
class kept_delete_plan {
 public:
  kept_delete_plan() = default;
  kept_delete_plan(const kept_delete_plan&) noexcept {}
  kept_delete_plan(kept_delete_plan&&) noexcept = default;
  kept_delete_plan& operator=(const kept_delete_plan&) noexcept { return *this; }
  kept_delete_plan& operator=(kept_delete_plan&&) noexcept = default;

  // Holds the kept plan for one delete and gives it back when it ends. A
  // delete run inside another finds none kept and starts its own.
  class lease {
   public:
    explicit lease(kept_delete_plan& k) : home_(k.plan_), plan_(std::move(k.plan_)) {}
    lease(const lease&) = delete;
    lease& operator=(const lease&) = delete;
    ~lease() { home_ = std::move(plan_); }
    delete_plan& plan() noexcept { return plan_; }

   private:
    delete_plan& home_;
    delete_plan plan_;
  };

 private:
  delete_plan plan_;
};

// Plans the delete of `roots` (entities of `model`, in the order given)
// into `plan`, replacing what it held, without changing anything.
// tables[i] holds model i of `reg`. Errors: restrict_violation.
result<void> plan_delete(const registry& reg, const table_base* const* tables, std::size_t model,
                         std::span<const void* const> roots, delete_plan& plan);

// What deleting `roots` would do, as plan_delete finds it: the same
// planner, reported by model, cause and relation, or the restrict that
// would reject it.
delete_report report_delete(const registry& reg, const table_base* const* tables, std::size_t model,
                            std::span<const void* const> roots);

// In Debug builds, asserts (RELSTORE_ASSERT) that no entity is given twice:
// the planner does not look for repeated roots. Nothing in Release (inline,
// so that a delete's hot path makes no call).
inline void check_distinct_roots([[maybe_unused]] std::span<const void* const> roots) {
#ifndef NDEBUG
  std::vector<const void*> sorted(roots.begin(), roots.end());
  std::sort(sorted.begin(), sorted.end(), std::less<>{});
  RELSTORE_ASSERT(std::adjacent_find(sorted.begin(), sorted.end()) == sorted.end(),
                  "relstore: a delete was given an entity twice");
#endif
}

// Whether deleting entities of `model` touches no other entity: no relation
// has `model` as its parent, so plan_delete's plan would be the distinct
// roots alone, erased directly, with nothing to cascade, null or restrict.
inline bool deletes_alone(const registry& reg, std::size_t model) { return reg.has_many_from(model).empty(); }

// Applies a plan. REQUIRES: nothing was written since plan_delete.
void apply_delete(table_base* const* tables, const delete_plan& plan);

}  // namespace relstore::detail
