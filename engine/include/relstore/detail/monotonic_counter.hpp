// A count that never repeats a value for its store: the store's count of
// writes (which views and visits compare against) and the ids of its
// transactions and savepoints (which their handles compare against).
// Internal.
#pragma once

#include <algorithm>
#include <cstdint>

namespace relstore::detail {

// Copied with its store. Assigning a whole store over another moves the
// assigned one's counter past both sides' counts, so a handle taken on it
// before (a view, an ended transaction) never matches a later value.
class monotonic_counter {
 public:
  monotonic_counter() = default;
  monotonic_counter(const monotonic_counter&) = default;
  monotonic_counter& operator=(const monotonic_counter& other) noexcept {
    n_ = std::max(n_, other.n_) + 1;
    return *this;
  }
  monotonic_counter& operator++() noexcept {
    ++n_;
    return *this;
  }
  const std::uint64_t& value() const noexcept { return n_; }

 private:
  std::uint64_t n_ = 0;
};

}  // namespace relstore::detail
