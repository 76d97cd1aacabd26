// delete_report: what a delete would do, computed by a repository's
// plan_delete / plan_delete_all without changing anything. The delete runs
// the same planner, so a plan and the delete made right after it (with no
// write between) agree row for row.
//
// Vocabulary header: includes only other vocabulary headers.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "relstore/error.hpp"
#include "relstore/event.hpp"
#include "relstore/registry.hpp"
#include "relstore/value.hpp"

namespace relstore {

// The rows of one model that one cause reaches.
struct delete_step {
  std::string model;
  // direct: rows the call names itself; cascade: rows deleted through
  // `relation`; set_null: rows whose foreign key `relation` would null.
  change_cause cause = change_cause::direct;
  // The has_many that cascades or sets null; null for direct. Points into
  // the registry the store was built with, and lives as long as it.
  const relation_info* relation = nullptr;
  std::vector<value> keys;  // primary keys, in the order the delete applies them
};

struct delete_report {
  // In the order the delete applies them, which is the order its events
  // are delivered: set-nulls first, then deletes model by model, each
  // model's in the order the cascade reaches them (breadth-first over all
  // the roots, or root by root where a cascade leads back to the roots'
  // model; README "What an observer is told"). One step per (model, cause,
  // relation). Empty when rejected.
  std::vector<delete_step> steps;
  // What the delete would return: the rows it deletes itself (a matched
  // row an earlier match's cascade takes is not counted).
  std::size_t count = 0;
  // The error the delete would fail with (the first restrict reached),
  // or nothing if it would succeed.
  std::optional<error> rejected;

  bool would_succeed() const noexcept { return !rejected.has_value(); }
  // Rows the delete would remove in all (direct and cascaded).
  std::size_t deleted() const noexcept { return rows_where(false); }
  // Rows whose foreign key the delete would set to null.
  std::size_t nulled() const noexcept { return rows_where(true); }

 private:
  std::size_t rows_where(bool set_null) const noexcept {
    std::size_t n = 0;
    for (const auto& s : steps) {
      if ((s.cause == change_cause::set_null) == set_null) n += s.keys.size();
    }
    return n;
  }
};

}  // namespace relstore
