// Many primary keys looked up in one call. Internal.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <span>
#include <type_traits>
#include <vector>

namespace relstore::detail {

// Calls fn(const M&) on the entity of each distinct key of `keys` that
// names one, in key order; returns how many. Keys naming nothing are passed
// over. The keys are sorted first (a copy: on the stack for up to 64 of a
// trivially copyable type). Then each batch of 64 is found in a short loop,
// whose misses the processor overlaps, before fn runs on what it found.
// `find(key)` returns the entity or null. REQUIRES: fn does not write.
template <class M, class Key, class Find, class Fn>
std::size_t visit_keys(std::span<const Key> keys, Find&& find, Fn&& fn) {
  constexpr std::size_t batch = 64;
  std::conditional_t<std::is_trivially_copyable_v<Key>, std::array<Key, batch>, std::array<Key, 0>> local;
  std::vector<Key> heap;
  std::span<Key> sorted;
  if (keys.size() <= local.size()) {
    sorted = std::span<Key>(local.data(), keys.size());
    std::copy(keys.begin(), keys.end(), sorted.begin());
  } else {
    heap.assign(keys.begin(), keys.end());
    sorted = heap;
  }
  std::sort(sorted.begin(), sorted.end());
  sorted = sorted.first(static_cast<std::size_t>(std::unique(sorted.begin(), sorted.end()) - sorted.begin()));
  std::array<const M*, batch> found;
  std::size_t visited = 0;
  for (std::size_t at = 0; at < sorted.size(); at += batch) {
    const std::size_t count = std::min(batch, sorted.size() - at);
    std::size_t hits = 0;
    for (std::size_t i = 0; i < count; ++i) {
      const M* e = find(sorted[at + i]);
      found[hits] = e;
      hits += e != nullptr ? 1 : 0;
    }
    for (std::size_t i = 0; i < hits; ++i) fn(*found[i]);
    visited += hits;
  }
  return visited;
}

}  // namespace relstore::detail
