// The observers of one model's changes. Internal; users reach them through
// store::on and subscription.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <utility>
#include <vector>

#include "relstore/event.hpp"

namespace relstore::detail {

template <class M>
struct subscriber_list {
  using callback = std::function<void(const event<M>&)>;
  // Shared, not copied, by a delivery that runs it: the one object is called
  // for every event (a callback may keep state), and it lives until its call
  // returns even if the entry moves or is unsubscribed meanwhile.
  struct entry {
    std::uint64_t id;
    event_mask mask;
    std::shared_ptr<callback> fn;  // null once unsubscribed
    std::uint64_t since;           // the serial of the first event it hears
  };
  std::vector<entry> entries;
  event_mask mask = 0;  // the union of the entries' masks: what to record
  std::uint64_t next_id = 1;
  // Events of M recorded so far: the next one's serial. A subscription
  // hears the events recorded after it was taken, and no earlier one still
  // waiting (a transaction's earlier writes, the event being delivered).
  std::uint64_t recorded = 0;
  bool delivering = false;

  std::uint64_t add(event_mask m, callback fn) {
    if (!delivering) std::erase_if(entries, [](const entry& e) { return !e.fn; });
    entries.push_back({next_id, m, std::make_shared<callback>(std::move(fn)), recorded});
    mask |= m;
    return next_id++;
  }
  void remove(std::uint64_t id) noexcept {
    mask = 0;
    for (auto& e : entries) {
      if (e.id == id) e.fn = nullptr;  // compacted later: a callback may be running
      if (e.fn) mask |= e.mask;
    }
  }
  // `serial`: the event's, taken from `recorded` when it was recorded.
  void deliver(const event<M>& ev, std::uint64_t serial) {
    // Cleared however the outermost delivery ends: a callback may throw.
    struct guard {
      bool& flag;
      bool outer;
      ~guard() {
        if (outer) flag = false;
      }
    } const g{delivering, !delivering};
    delivering = true;
    // By index: a callback may subscribe (appending) or unsubscribe (clearing).
    for (std::size_t i = 0; i < entries.size(); ++i) {
      if (entries[i].fn && (entries[i].mask & static_cast<event_mask>(ev.kind)) && entries[i].since <= serial) {
        const std::shared_ptr<callback> fn = entries[i].fn;  // the entry may move while it runs
        (*fn)(ev);
      }
    }
  }
};

}  // namespace relstore::detail
