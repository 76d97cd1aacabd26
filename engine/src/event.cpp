// Names of event kinds and change causes.
#include "relstore/event.hpp"

namespace relstore {

std::string_view to_string(event_kind kind) noexcept {
  switch (kind) {
    case event_kind::created:
      return "created";
    case event_kind::updated:
      return "updated";
    case event_kind::deleted:
      return "deleted";
  }
  return "unknown";
}

std::string_view to_string(change_cause cause) noexcept {
  switch (cause) {
    case change_cause::direct:
      return "direct";
    case change_cause::cascade:
      return "cascade";
    case change_cause::set_null:
      return "set_null";
  }
  return "unknown";
}

}  // namespace relstore
