// verify: the integrity rules every stored state obeys, checked over the
// whole of it. The one check behind a typed store's load, a dataset's
// verify_dataset, import and the relstore-snapshot tool. Internal.
#pragma once

#include <cstddef>
#include <functional>

#include "relstore/detail/function_ref.hpp"
#include "relstore/detail/table_base.hpp"
#include "relstore/registry.hpp"
#include "relstore/violation.hpp"

namespace relstore::detail {

// Called now and then with the work done and the work in all.
using progress_fn = std::function<void(std::size_t done, std::size_t total)>;

struct verify_options {
  // Also report what create refuses: a primary key of 0 (int64; create
  // assigns one instead) or "" (string). A lenient load turns it off.
  bool keys_as_create = true;
};

// Checks that primary keys and key_from keys are unique, that no primary key
// is one create refuses (unless options say otherwise), and that every
// foreign key names an existing parent or is null. Calls `sink` with each
// broken rule (duplicates first, model by model, then dangling keys relation
// by relation) and stops when it returns false. tables[i] holds model i of
// `reg`. Costs one pass over each model per distinct key check it takes
// part in: relations that repeat the same keys between the same models are
// checked once. An int64 foreign key is first checked in storage order
// against a flat set of the parent keys; only when something dangles is the
// foreign-key index walked to report it.
void verify(const registry& reg, const table_base* const* tables, function_ref<bool(const violation&)> sink,
            const progress_fn& progress = {}, const verify_options& options = {});

// The first broken rule as an error (foreign_key_violation or
// already_exists, with the violation's message), or success.
result<void> verify_first(const registry& reg, const table_base* const* tables, const verify_options& options = {});

}  // namespace relstore::detail
