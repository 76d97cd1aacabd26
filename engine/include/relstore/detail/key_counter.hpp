// key_counter: the next automatic int64 primary key of one model. The one
// place that keeps "assigned keys increase past every key seen" true, for
// typed stores and datasets alike. Internal.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>

namespace relstore::detail {

class key_counter {
 public:
  // The key the next automatic create takes, or nullopt when the key space
  // is used up (a key of INT64_MAX was seen): never wraps around.
  std::optional<std::int64_t> peek() const noexcept {
    if (exhausted_) return std::nullopt;
    return next_;
  }

  // Takes the next key. REQUIRES: peek() has a value.
  std::int64_t take() noexcept {
    const std::int64_t key = next_;
    observe(key);
    return key;
  }

  // Records a key now present, so no later automatic key equals it.
  void observe(std::int64_t key) noexcept {
    if (exhausted_ || key < next_) return;
    if (key == std::numeric_limits<std::int64_t>::max()) {
      exhausted_ = true;
    } else {
      next_ = key + 1;
    }
  }

  void reset() noexcept { *this = key_counter{}; }

  // Called when the entity with `key` is gone. When it held INT64_MAX, the
  // only key no automatic one may pass, automatic keys restart above the
  // largest key left, which largest() finds (a scan, once per exhaustion):
  // as a load of the store would count them.
  template <class Largest>
  void erased(std::int64_t key, Largest&& largest) {
    if (!exhausted_ || key != std::numeric_limits<std::int64_t>::max()) return;
    const std::int64_t left = largest();
    exhausted_ = false;
    next_ = left > 0 ? left + 1 : 1;
  }

  friend bool operator==(const key_counter&, const key_counter&) = default;

 private:
  std::int64_t next_ = 1;
  bool exhausted_ = false;
};

}  // namespace relstore::detail
