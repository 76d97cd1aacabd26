// Many primary keys looked up in one call. Internal.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <span>
#include <type_traits>
#include <vector>

namespace relstore::detail {

// The distinct values of get(0) .. get(n - 1), sorted: in `local` when n
// fits there (no allocation), else in `heap`. Valid while both live.
template <class T, std::size_t N, class Get>
std::span<T> sorted_distinct(std::size_t n, Get&& get, std::array<T, N>& local, std::vector<T>& heap) {
  std::span<T> out(local.data(), std::min(n, N));
  if (n > N) {
    heap.resize(n);
    out = heap;
  }
  for (std::size_t i = 0; i < n; ++i) out[i] = get(i);
  std::sort(out.begin(), out.end());
  return out.first(static_cast<std::size_t>(std::unique(out.begin(), out.end()) - out.begin()));
}

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
  const std::span<const Key> sorted = sorted_distinct(
      keys.size(), [&](std::size_t i) { return keys[i]; }, local, heap);
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
