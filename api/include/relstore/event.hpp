// event<M>: what an observer is told about one change to an entity of M,
// once the write or the transaction that made it has committed.
//
// Vocabulary header: includes only other vocabulary headers.
#pragma once

#include <cstdint>
#include <string_view>

#include "relstore/registry.hpp"

namespace relstore {

enum class event_kind : std::uint8_t { created = 1, updated = 2, deleted = 4 };

std::string_view to_string(event_kind kind) noexcept;

// Which events a subscription wants: a mask of event kinds.
using event_mask = std::uint8_t;
inline constexpr event_mask on_create_event = static_cast<event_mask>(event_kind::created);
inline constexpr event_mask on_update_event = static_cast<event_mask>(event_kind::updated);
inline constexpr event_mask on_delete_event = static_cast<event_mask>(event_kind::deleted);
inline constexpr event_mask on_any_event = on_create_event | on_update_event | on_delete_event;

// Why an entity changed.
enum class change_cause : std::uint8_t {
  direct = 0,    // a write named it
  cascade = 1,   // a cascade deleted it (see event::relation)
  set_null = 2,  // a set_null policy cleared its foreign key (see event::relation)
};

std::string_view to_string(change_cause cause) noexcept;

// REQUIRES: before and after are read only during the callback that
// receives the event; they point into relstore's event queue.
template <class M>
struct event {
  event_kind kind;
  const M* before;  // the entity before the change; null for created
  const M* after;   // the entity after the change; null for deleted
  change_cause cause;
  const relation_info* relation;  // the has_many that cascaded or set null; null for direct
};

}  // namespace relstore
