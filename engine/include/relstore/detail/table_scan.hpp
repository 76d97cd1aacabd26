// Typed scans behind table<M>'s table_base overrides that walk more than one
// index entry: runs of equal int64 keys in storage order, and a range of an
// ordered index in either direction. Internal.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <optional>
#include <type_traits>

#include "relstore/detail/function_ref.hpp"
#include "relstore/detail/meta.hpp"
#include "relstore/detail/reflect.hpp"
#include "relstore/detail/table_base.hpp"
#include "relstore/detail/table_layout.hpp"
#include "relstore/detail/value_ops.hpp"

namespace relstore::detail {

// Calls fn once per run of equal values of M's field `field` met by
// for_each_stored (fn(const M&) over every entity), nulls skipped, until fn
// returns false. Returns whether every call returned true; nullopt when the
// field is not an int64 (or optional int64) member, for the caller's generic
// walk.
template <class M, class ForEachStored>
std::optional<bool> int64_runs(std::size_t field, ForEachStored&& for_each_stored,
                               function_ref<bool(std::int64_t)> fn) {
  std::optional<bool> result;
  mp::mp_for_each<mp::mp_iota_c<field_count<M>>>([&](auto I) {
    using T = member_type<M, I>;
    if constexpr (std::is_same_v<unwrap_optional_t<T>, std::int64_t>) {
      if (I != field) return;
      bool go_on = true;
      std::int64_t last = 0;
      bool have = false;
      for_each_stored([&](const M& e) {
        const T& v = e.*member_pointer<M, I>;
        std::int64_t k;
        if constexpr (is_optional_v<T>) {
          if (!v) return;
          k = *v;
        } else {
          k = v;
        }
        if (!go_on || (have && k == last)) return;
        last = k;
        have = true;
        go_on = fn(k);
      });
      result = go_on;
    }
  });
  return result;
}

// An entity's key as key_counter counts it: an int64 key, else 0.
template <std::size_t Pk, class M>
std::int64_t int64_key(const M& e) noexcept {
  if constexpr (std::is_same_v<member_type<M, Pk>, std::int64_t>) {
    return e.*member_pointer<M, Pk>;
  } else {
    return 0;
  }
}

// The largest int64 key of `items` (0 when none is above 0): a scan.
template <std::size_t Pk, class Items>
std::int64_t largest_int64_key(const Items& items) noexcept {
  std::int64_t largest = 0;
  for (const auto& e : items) largest = std::max(largest, int64_key<Pk>(e));
  return largest;
}

// Calls fn for every entity of the ordered index `idx` on M's field F
// (stored highest first when StoredDescending) with lo <= value <= hi
// (compare_for_order; a null bound is open), ascending or descending by
// value and, among equal values, in primary key order, until fn returns
// false. The walk in the index's own direction is a plain forward walk.
// Fn: bool(const void*).
template <class M, std::size_t F, std::size_t Pk, bool StoredDescending, class Index, class Fn>
void walk_ordered_range(const Index& idx, const value_view* lo, const value_view* hi, bool descending, Fn&& fn) {
  using less = ordered_less<M, F, Pk, StoredDescending>;
  if (lo != nullptr && hi != nullptr && compare_for_order(*lo, *hi) > 0) return;  // an empty range
  // The index's first and last bound: lo then hi, or hi then lo.
  const value_view* const low = StoredDescending ? hi : lo;
  const value_view* const high = StoredDescending ? lo : hi;
  const auto first = low != nullptr ? idx.lower_bound(*low, less{}) : idx.begin();
  const auto last = high != nullptr ? idx.upper_bound(*high, less{}) : idx.end();
  if (descending == StoredDescending) {
    for (auto it = first; it != last; ++it) {
      if (!fn(&*it)) return;
    }
    return;
  }
  // Runs of equal values backwards, each run in primary key order. A run
  // longer than a few steps back is found by one descent instead. Each step
  // back is taken once: the entity before a run is the next run's last.
  const ordered_key<M, F, Pk> key;
  if (first == last) return;
  auto begin = std::prev(last);
  for (auto end = last;;) {
    const auto run = key(*begin);
    auto before = begin;
    bool at_first = begin == first;
    bool single = true;
    for (int steps = 0; !at_first; ++steps) {
      before = std::prev(begin);
      if (less::field_order(key(*before), run) != 0) break;
      if (steps == 8) {
        single = false;
        begin = idx.lower_bound(typename less::probe{run.value}, less{});
        at_first = begin == first;
        if (!at_first) before = std::prev(begin);
        break;
      }
      begin = before;
      at_first = begin == first;
      single = false;
    }
    if (single) {  // most runs: one entity
      if (!fn(&*begin)) return;
    } else {
      for (auto it = begin; it != end; ++it) {
        if (!fn(&*it)) return;
      }
    }
    if (at_first) return;
    end = begin;
    begin = before;
  }
}

}  // namespace relstore::detail
