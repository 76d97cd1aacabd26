// Lists of entity pointers: room for a family before its walk, and a sort
// by a member that does not chase pointers. Internal.
#pragma once

#include <algorithm>
#include <cstddef>
#include <iterator>
#include <span>
#include <type_traits>
#include <utility>
#include <vector>

namespace relstore::detail {

// Room in an empty `out` for a typical family of children (16 pointers),
// before the equal range [first, last) is walked once (counting it first
// would walk it twice, each node a cache miss in a large table). A range of
// one (a unique index's) reserves nothing; a vector that already holds
// entries grows as push_back grows it: geometrically.
template <class It>
void reserve_family(std::vector<const void*>& out, It first, It last) {
  if (out.empty() && first != last && std::next(first) != last) out.reserve(16);
}

// Sorts entities of M (pointers) by member Key. A run already in order, or
// in reverse order (a hashed index's group of equal foreign keys), costs one
// pass. Large inputs sort (key, pointer) pairs, so comparisons do not chase
// pointers.
template <class M, auto Key>
void sort_by_member(std::span<const void*> v) {
  using key_type = std::remove_cvref_t<decltype(std::declval<const M&>().*Key)>;
  auto entity = [](const void* p) { return static_cast<const M*>(p); };
  auto less = [&](const void* a, const void* b) { return entity(a)->*Key < entity(b)->*Key; };
  if (std::is_sorted(v.begin(), v.end(), less)) return;
  if (std::is_sorted(v.rbegin(), v.rend(), less)) {
    std::reverse(v.begin(), v.end());
    return;
  }
  if (v.size() < 64 || !std::is_arithmetic_v<key_type>) {
    std::sort(v.begin(), v.end(), less);
    return;
  }
  std::vector<std::pair<key_type, const void*>> keyed;
  keyed.reserve(v.size());
  for (const void* e : v) keyed.emplace_back(entity(e)->*Key, e);
  std::sort(keyed.begin(), keyed.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = keyed[i].second;
}

}  // namespace relstore::detail
