// journal: the undo log of every change the tables make, and the queue of the
// events those changes produce, across all tables in the order applied.
// Every write is journaled: a failed write undoes itself through it, a
// transaction's rollback undoes many, and a commit delivers the events.
// Internal.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "relstore/detail/key_counter.hpp"
#include "relstore/event.hpp"
#include "relstore/registry.hpp"

namespace relstore::detail {

// Why a table changes an entity: what its event will say.
struct change_reason {
  change_cause cause = change_cause::direct;
  const relation_info* relation = nullptr;
};

struct journal {
  std::vector<std::uint16_t> undo;    // per undo entry, the model whose table holds it
  std::vector<std::uint16_t> events;  // per pending event, the model whose table holds it
  // Whether changes are recorded for undo: in a transaction, and in a write
  // that can fail after changing something (create_all, update). A write
  // that cannot (create, delete) records nothing outside a transaction.
  bool recording = false;
  bool in_transaction = false;
  bool deferred = false;    // foreign keys are checked at commit, not at each write
  bool delivering = false;  // events are being delivered: new ones wait their turn
  // While delivering: how many of `events` have been handed to their table's
  // delivery (each table's queue no longer holds them).
  std::size_t delivered = 0;
};

// A point in the journal to undo back to, with the key counters as they were.
struct journal_mark {
  std::size_t undo = 0;
  std::size_t events = 0;
  std::vector<key_counter> keys;
};

}  // namespace relstore::detail
