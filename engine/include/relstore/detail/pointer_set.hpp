// A set of entity addresses for the delete planner. Internal.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace relstore::detail {

// A linear search while small (a typical cascade takes a handful of
// children), open addressing beyond. Allocates only when it grows past its
// capacity; clear() keeps the capacity, so a set reused across deletes of
// similar size allocates nothing.
class pointer_set {
 public:
  bool contains(const void* e) const {
    if (slots_.empty()) return std::find(small_.begin(), small_.end(), e) != small_.end();
    for (std::size_t i = slot_of(e);; i = (i + 1) & (slots_.size() - 1)) {
      if (slots_[i] == e) return true;
      if (slots_[i] == nullptr) return false;
    }
  }
  void reserve(std::size_t n) {
    if (n <= linear) {
      if (n > small_.capacity()) small_.reserve(std::min(linear + 1, std::max(n, 2 * small_.capacity())));
    } else if (2 * n > slots_.size()) {
      std::size_t capacity = 64;
      while (capacity < 2 * n) capacity *= 2;
      rehash(capacity);
    }
  }
  // REQUIRES: !contains(e), e != nullptr.
  void insert(const void* e) {
    if (slots_.empty()) {
      small_.push_back(e);
      if (small_.size() > linear) rehash(64);
      return;
    }
    if (2 * (size_ + 1) > slots_.size()) rehash(2 * slots_.size());
    place(e);
  }
  // Empties the set. Slots for up to 128 elements are kept (and emptied);
  // a bigger table is let go, so that a rare big cascade neither pins its
  // memory nor makes every later delete clear it.
  void clear() {
    small_.clear();
    if (slots_.size() > 256) {
      slots_ = {};
    } else {
      std::fill(slots_.begin(), slots_.end(), nullptr);
    }
    size_ = 0;
  }

 private:
  static constexpr std::size_t linear = 16;
  std::size_t slot_of(const void* e) const {
    auto h = static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(e));
    h *= 0x9E3779B97F4A7C15ull;  // Fibonacci hashing: the high bits mix
    return static_cast<std::size_t>(h >> 32) & (slots_.size() - 1);
  }
  void place(const void* e) {
    std::size_t i = slot_of(e);
    while (slots_[i] != nullptr) i = (i + 1) & (slots_.size() - 1);
    slots_[i] = e;
    ++size_;
  }
  void rehash(std::size_t capacity) {
    std::vector<const void*> old = std::move(slots_);
    slots_.assign(capacity, nullptr);
    size_ = 0;
    for (const void* e : old.empty() ? small_ : old) {
      if (e != nullptr) place(e);
    }
    small_.clear();
  }
  std::vector<const void*> small_;
  std::vector<const void*> slots_;  // a power of two, at most half full
  std::size_t size_ = 0;
};

}  // namespace relstore::detail
