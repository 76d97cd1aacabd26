// The key a hashed index is looked up with, for a run-time value: a value
// no key of the index's type can equal (a string for an integer key, 2.5 or
// 2^40 for an int32 one) finds nothing without a lookup. Internal.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>

#include "relstore/detail/meta.hpp"
#include "relstore/detail/value_ops.hpp"
#include "relstore/value.hpp"

namespace relstore::detail {

// Compares a lookup key with a stored one, either way round.
struct loose_equal {
  template <class A, class B>
  bool operator()(const A& a, const B& b) const {
    return a == b;
  }
};

// Calls fn(key, hash, eq) with a lookup key for an index on values of type K
// equal to `v`, and returns true; returns false when no K can equal `v` (a
// string for an integer key, 2.5 or 2^40 for an int32 one), so the lookup
// would find nothing. Strings are looked up as string_views: no allocation.
template <class K, class Fn>
bool with_lookup_key(const value_view& v, Fn&& fn) {
  using S = unwrap_optional_t<K>;
  if (std::holds_alternative<null_t>(v)) {
    if constexpr (is_optional_v<K>) {
      fn(K{}, std::hash<K>{}, loose_equal{});
      return true;
    } else {
      return false;
    }
  } else if constexpr (std::is_same_v<S, std::string>) {
    const auto* s = std::get_if<std::string_view>(&v);
    if (s == nullptr) return false;
    fn(*s, std::hash<std::string_view>{}, loose_equal{});
    return true;
  } else if constexpr (std::is_same_v<S, bool>) {
    const auto* b = std::get_if<bool>(&v);
    if (b == nullptr) return false;
    fn(K(*b), std::hash<K>{}, loose_equal{});
    return true;
  } else if constexpr (std::is_integral_v<S> || std::is_enum_v<S>) {
    // An enum field's values are its underlying integers (resolve_enum).
    using I = typename std::conditional_t<std::is_enum_v<S>, std::underlying_type<S>, std::type_identity<S>>::type;
    std::int64_t i = 0;
    std::optional<std::uint64_t> big;  // above INT64_MAX: only a uint64 key can equal it
    if (const auto* d = std::get_if<double>(&v)) {
      // An integral double (2.0) equals the integer key; any other never does.
      if (const auto n = int64_of(*d)) {
        i = *n;
      } else {
        big = big_uint64_of(*d);
        if (!big) return false;
      }
    } else if (const auto* n = std::get_if<std::int64_t>(&v)) {
      i = *n;
    } else if (const auto* u = std::get_if<std::uint64_t>(&v)) {
      big = *u;
    } else {
      return false;
    }
    if (big) {
      if constexpr (std::is_same_v<I, std::uint64_t>) {
        fn(K(static_cast<S>(*big)), std::hash<K>{}, loose_equal{});
        return true;
      }
      return false;
    }
    if (i < static_cast<std::int64_t>(std::numeric_limits<I>::min()) ||
        (i > 0 && static_cast<std::uint64_t>(i) > static_cast<std::uint64_t>(std::numeric_limits<I>::max()))) {
      return false;
    }
    fn(K(static_cast<S>(static_cast<I>(i))), std::hash<K>{}, loose_equal{});
    return true;
  } else {
    return false;  // doubles are never index keys
  }
}

}  // namespace relstore::detail
