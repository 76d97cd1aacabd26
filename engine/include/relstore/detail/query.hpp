// The query pipeline: from a filter to the entities it selects, in order.
// One run-time path for typed stores and datasets alike:
//   validate_filter -> select (index or scan, where) -> order_by -> page.
// It never includes the write path. Internal.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "relstore/detail/filter_spec.hpp"
#include "relstore/detail/function_ref.hpp"
#include "relstore/detail/query_result.hpp"
#include "relstore/detail/table_base.hpp"
#include "relstore/error.hpp"
#include "relstore/limits.hpp"
#include "relstore/query_plan.hpp"
#include "relstore/registry.hpp"

namespace relstore::detail {

// Checks `spec` against model `model` of `reg`: its model, where, order
// (a field at most once), skip, limit and every include (a relation of the
// model, named once per level, its scope checked against the relation's
// target), and that it stays within `bounds` (include depth, filter terms).
// Errors: invalid_filter, limit_exceeded.
result<void> validate_filter(const registry& reg, std::size_t model, const filter_spec& spec,
                             const limits& bounds = {});
// A where alone (count, patch, delete): validate_where's checks, after
// its terms are checked against bounds.max_filter_terms. Errors:
// invalid_filter, limit_exceeded.
result<void> validate_where(const model_info& model, const where_node& node, const limits& bounds);
// A validation stamp no earlier call returned (never 0). Thread-safe.
std::uint64_t next_validation_stamp() noexcept;

// A store's limits and the stamp of what passed validation under them. A
// copy takes them; an assignment keeps this side's: they belong to the
// store object, as its subscriptions do, and a load keeps them too.
struct store_bounds {
  limits values;
  std::uint64_t stamp = next_validation_stamp();
  store_bounds() = default;
  store_bounds(const store_bounds&) = default;
  store_bounds& operator=(const store_bounds&) noexcept { return *this; }
};

// The entities of `t` matching `w` (null: all) in primary key order, through
// the best index: an eq on the primary key, then on a unique key, then on a
// foreign key or hashed index, then an inq, then a range of an ordered
// index; otherwise a scan. Fills *plan when given.
// `key_order` false: in the order the index or scan met them (a write that
// needs no order skips the sort), each entity still once.
// REQUIRES: w was validated against t.info(). Errors: limit_exceeded (a
// regexp match gave up, where.hpp's match_aborted).
result<std::vector<const void*>> select(const table_base& t, const where_node* w, query_plan* plan = nullptr,
                                        bool key_order = true);

// Sorts by `order`, stably, so ties keep their (key) order.
void order_by(const model_info& model, std::vector<const void*>& entities, const std::vector<order_key>& order);

// Drops the first `skip` entities and keeps at most `limit`.
void page(std::vector<const void*>& entities, std::int64_t skip, const std::optional<std::int64_t>& limit);

// Adds `includes` (validated against model `model`) to `result`: one
// foreign key index walk per parent, never a scan; nested includes too.
// Every included row takes one from `budget`. Errors: limit_exceeded when
// the budget runs out (limits::max_included_rows) or a regexp gives up.
result<void> include_into(const registry& reg, const table_base* const* tables, std::size_t model, query_result& result,
                          const std::vector<include_spec>& includes, std::size_t& budget);

// What find(spec) returns: select, order_by and page; or, for an order by
// one field with an ordered index and a limit, a walk of that index that
// stops when the page is full. `extra` (may be null) is ANDed with
// spec.where. Fills *plan when given. REQUIRES: spec validated. Errors: as
// select's.
result<std::vector<const void*>> run_query(const table_base& t, const filter_spec& spec,
                                           const where_node* extra = nullptr, query_plan* plan = nullptr);

// Whether run_query(t, spec) is a page of one ordered index with no where
// clause: skip, then limit entities, walked in the order asked.
bool is_index_page(const table_base& t, const filter_spec& spec);

// Calls fn on each entity run_query(t, spec) returns, in its order, and
// returns how many; a walk of an ordered index hands them over as it goes,
// without building the list. Nothing is called when it fails. REQUIRES:
// spec validated; fn does not write to t. Errors: as run_query's.
result<std::size_t> visit_query(const table_base& t, const filter_spec& spec, function_ref<void(const void*)> fn);

}  // namespace relstore::detail
