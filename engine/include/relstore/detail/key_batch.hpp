// Many primary keys looked up in one call. Internal.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <functional>
#include <span>
#include <type_traits>
#include <vector>

namespace relstore::detail {

// The distinct values of get(0) .. get(n - 1), sorted by `less` (equal by
// `equal`): in `local` when n fits there (no allocation), else in `heap`.
// Valid while both live.
template <class T, std::size_t N, class Get, class Less = std::less<>, class Equal = std::equal_to<>>
std::span<T> sorted_distinct(std::size_t n, Get&& get, std::array<T, N>& local, std::vector<T>& heap, Less less = {},
                             Equal equal = {}) {
  std::span<T> out(local.data(), std::min(n, N));
  if (n > N) {
    heap.resize(n);
    out = heap;
  }
  for (std::size_t i = 0; i < n; ++i) out[i] = get(i);
  std::sort(out.begin(), out.end(), less);
  return out.first(static_cast<std::size_t>(std::unique(out.begin(), out.end(), equal) - out.begin()));
}

// Calls fn(const M&) on the entity of each distinct key of `keys` that
// names one, in key order; returns how many. Keys naming nothing are passed
// over. The keys are sorted first, on the stack for up to 64: a trivially
// copyable key as a copy, another (a string) through a pointer into `keys`,
// copying nothing. Then each batch of 64 is found in a short loop, whose
// misses the processor overlaps, before fn runs on what it found.
// `find(key)` returns the entity or null. REQUIRES: fn does not write.
template <class M, class Key, class Find, class Fn>
std::size_t visit_keys(std::span<const Key> keys, Find&& find, Fn&& fn) {
  constexpr std::size_t batch = 64;
  constexpr bool by_value = std::is_trivially_copyable_v<Key>;
  using slot = std::conditional_t<by_value, Key, const Key*>;
  const auto key_of = [](const slot& s) -> const Key& {
    if constexpr (by_value) {
      return s;
    } else {
      return *s;
    }
  };
  std::array<slot, batch> local;
  std::vector<slot> heap;
  const std::span<const slot> sorted = sorted_distinct(
      keys.size(),
      [&](std::size_t i) -> slot {
        if constexpr (by_value) {
          return keys[i];
        } else {
          return &keys[i];
        }
      },
      local, heap, [&](const slot& a, const slot& b) { return key_of(a) < key_of(b); },
      [&](const slot& a, const slot& b) { return key_of(a) == key_of(b); });
  std::array<const M*, batch> found;
  std::size_t visited = 0;
  for (std::size_t at = 0; at < sorted.size(); at += batch) {
    const std::size_t count = std::min(batch, sorted.size() - at);
    std::size_t hits = 0;
    for (std::size_t i = 0; i < count; ++i) {
      const M* e = find(key_of(sorted[at + i]));
      found[hits] = e;
      hits += e != nullptr ? 1 : 0;
    }
    for (std::size_t i = 0; i < hits; ++i) fn(*found[i]);
    visited += hits;
  }
  return visited;
}

}  // namespace relstore::detail
