// A store's count of writes, which views and visits compare against.
// Internal.
#pragma once

#include <algorithm>
#include <cstdint>

namespace relstore::detail {

// Copied with its store. Assigning a whole store over another counts as a
// write to the one assigned: its counter moves past both sides' counts, so
// a view taken on it before never matches again (entity_view's Debug check).
class write_counter {
 public:
  write_counter() = default;
  write_counter(const write_counter&) = default;
  write_counter& operator=(const write_counter& other) noexcept {
    n_ = std::max(n_, other.n_) + 1;
    return *this;
  }
  write_counter& operator++() noexcept {
    ++n_;
    return *this;
  }
  const std::uint64_t& value() const noexcept { return n_; }

 private:
  std::uint64_t n_ = 0;
};

}  // namespace relstore::detail
