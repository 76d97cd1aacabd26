// The parsed, type-erased form of filters, where clauses and patches: what
// the typed builders (filter.hpp, patch.hpp) and the JSON parser produce and
// the query and write pipelines consume. Internal.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <boost/container/small_vector.hpp>

#include "relstore/assert.hpp"
#include "relstore/detail/meta.hpp"
#include "relstore/detail/value_ops.hpp"
#include "relstore/error.hpp"
#include "relstore/model_info.hpp"
#include "relstore/op.hpp"
#include "relstore/value.hpp"

namespace relstore::detail {

struct operand_set;
struct regexp;

struct where_node {
  op kind = op::and_;
  std::uint32_t field = 0;           // for comparisons
  std::vector<value> operands;       // for comparisons
  std::vector<where_node> children;  // for and_ / or_ (an empty and_ matches everything)
  // For an inq or nin with many operands: them as a hash set, so each
  // entity costs one lookup (built by index_operands).
  std::shared_ptr<const operand_set> set;
  // For a regexp: the compiled pattern (null if it does not compile; then
  // validate_where reports why).
  std::shared_ptr<const regexp> pattern;
};

// Whether `w` is the empty where, which matches every entity.
inline bool matches_all(const where_node& w) noexcept { return w.kind == op::and_ && w.children.empty(); }

// Prepares n and its children for evaluation: builds n.set when n is an inq
// or nin with enough operands to pay for it, compiles a regexp's pattern.
void index_operands(where_node& n);

struct order_key {
  std::uint32_t field = 0;
  bool descending = false;
};

struct include_spec;

struct filter_spec {
  const model_info* model = nullptr;  // null: not yet bound (an include scope)
  std::optional<where_node> where;
  std::vector<order_key> order;
  std::optional<std::int64_t> limit;
  // LoopBack's totalLimit, only in a hasMany include's scope: at most this
  // many children over all parents (limit is per parent).
  std::optional<std::int64_t> total_limit;
  std::int64_t skip = 0;
  std::optional<std::uint64_t> fields;  // projection mask; nullopt = all
  std::vector<include_spec> include;
  // The stamp of the engine and limits this spec passed validation under
  // (prepare); 0 when unchecked. Any edit resets it, and a filter moved
  // from is left empty (filter.hpp), its stamp 0.
  std::uint64_t validated = 0;
};

struct include_spec {
  std::string relation;
  filter_spec scope;
};

// Whether a view or visit can answer `spec` on `model`'s entities: it gives
// whole stored entities, so `fields`, at the top or in any include's scope,
// is invalid_filter (find projects).
result<void> check_viewable_deep(const filter_spec& spec, const model_info& model);
inline result<void> check_viewable(const filter_spec& spec, const model_info& model) {
  if (!spec.fields && spec.include.empty()) return {};  // every frame's visit: inline, nothing to walk
  return check_viewable_deep(spec, model);
}

// One field a patch sets.
struct field_change {
  std::uint32_t field;
  relstore::value value;
};
// Most patches set one or two fields: those are built without allocating.
using field_changes = boost::container::small_vector<field_change, 2>;

// Whether a typed patch may store a V in a field of type T (S unwrapped)
// directly, because the run-time conversion of to_operand<S>(v) would store
// the same value and could not fail: a number or bool field given its own
// type, an integer field a non-narrowing integer, a double field any
// number, an optional field null. Enums, strings, arrays and floats from
// doubles (which may be out of range) keep the run-time conversion.
template <class V, class T>
inline constexpr bool stores_exactly_v = [] {
  using S = unwrap_optional_t<T>;
  if constexpr (!std::is_arithmetic_v<S>) {
    return false;
  } else if constexpr (std::is_same_v<V, null_t> || std::is_same_v<V, std::nullopt_t>) {
    return is_optional_v<T>;
  } else if constexpr (std::is_same_v<V, S> || std::is_same_v<V, T>) {
    return true;
  } else if constexpr (std::is_same_v<S, bool> || std::is_same_v<V, bool> || !std::is_arithmetic_v<V>) {
    return false;
  } else if constexpr (std::is_same_v<S, double>) {
    return true;
  } else if constexpr (std::is_integral_v<S> && std::is_integral_v<V>) {
    return requires(V v) { S{v}; };
  } else {
    return false;
  }
}();

// A typed patch's values stored in an M: bit i of `fields` says field i
// holds its new value (stores_exactly_v). The engine uses them instead of
// converting the patch's run-time values when they cover every field set.
template <class M>
struct typed_values {
  M values{};
  std::uint64_t fields = 0;
};

// The index of described member `member` of M. REQUIRES: it is described.
template <class M, class T>
std::uint32_t field_of(T M::*member) {
  std::uint32_t found = static_cast<std::uint32_t>(-1), i = 0;
  mp::mp_for_each<members<M>>([&](auto d) {
    if constexpr (std::is_same_v<std::remove_cv_t<decltype(d.pointer)>, T M::*>) {
      if (d.pointer == member) found = i;
    }
    ++i;
  });
  RELSTORE_ASSERT(found != static_cast<std::uint32_t>(-1), "member is not described by RELSTORE_MODEL");
  return found;
}

// Whether every value of type U fits a field of type S, so that a typed
// patch may take a U without a check: true unless S is an integer type
// (not bool) and U a number type whose conversion to S narrows (int to
// std::uint8_t, double to int, int to std::uint64_t).
template <class U, class S>
inline constexpr bool always_fits_v =
    !(std::is_integral_v<S> && !std::is_same_v<S, bool> && std::is_arithmetic_v<U> && !std::is_same_v<U, bool>) ||
    requires(U u) {
  S{u};
};

// Reached only when a constant does not fit: the compile error's note names it.
void relstore_constant_does_not_fit_the_field();  // never defined

// A constant operand for an integer field of type S, checked at compile
// time: a number of a type that does not always fit S (always_fits_v) is
// accepted only as a constant in S's range. A variable, or a floating-point
// number, does not compile.
template <class S>
struct fitting_constant {
  template <class U>
  requires std::is_integral_v<U> &&(!std::is_same_v<U, bool>)consteval fitting_constant(U u)
      : value(checked(u)) {}  // NOLINT: implicit, as an operand
  template <class U>
  requires std::is_floating_point_v<U>
  consteval fitting_constant(U) : value() {  // NOLINT
    static_assert(!std::is_floating_point_v<U>,
                  "relstore: a floating-point number for an integer field does not compile (2.7 would not fit); "
                  "cast it if you mean it");
  }
  S value;

 private:
  template <class U>
  static consteval S checked(U u) {
    if (!std::in_range<S>(u)) relstore_constant_does_not_fit_the_field();
    return static_cast<S>(u);
  }
};

// The run-time value of operand `v` for a field whose scalar type is S.
// Numbers keep their own kind and width (1.5 stays 1.5 for an integer field,
// 2^32 + 1 is not wrapped to an int32), so comparisons are numeric and a patch
// that does not fit the field is rejected, never truncated.
template <class S, class U>
value to_operand(U&& v) {
  using V = std::remove_cvref_t<U>;
  if constexpr (std::is_same_v<V, null_t> || std::is_same_v<V, std::nullopt_t>) {
    return null;
  } else if constexpr (is_std_array_v<V> && is_std_array_v<S>) {  // element by element
    array_value a;
    a.items.reserve(v.size());
    for (const auto& e : v) a.items.push_back(as_view(to_operand<typename S::value_type>(e)));
    return a;
  } else if constexpr (std::is_enum_v<V>) {  // an enum field compares its underlying values
    using E = std::underlying_type_t<V>;
    return to_operand<E>(static_cast<E>(v));
  } else if constexpr (std::is_same_v<S, std::string>) {
    return std::string(std::forward<U>(v));
  } else if constexpr (std::is_same_v<S, bool> || std::is_same_v<V, bool>) {
    return static_cast<bool>(v);
  } else if constexpr (std::is_same_v<S, float> && std::is_integral_v<V>) {
    return static_cast<double>(static_cast<float>(v));  // see float_operand
  } else if constexpr (std::is_same_v<S, float> && std::is_floating_point_v<V>) {
    return float_operand(value(static_cast<double>(v)));
  } else if constexpr (std::is_floating_point_v<V>) {
    return static_cast<double>(v);
  } else if constexpr (std::is_integral_v<V> && std::is_unsigned_v<V>) {
    return integer_value(v);
  } else if constexpr (std::is_integral_v<V>) {
    return static_cast<std::int64_t>(v);
  } else if constexpr (std::is_integral_v<S> && std::is_unsigned_v<S>) {
    return integer_value(static_cast<S>(v));
  } else if constexpr (std::is_integral_v<S>) {
    return static_cast<std::int64_t>(static_cast<S>(v));
  } else {
    return static_cast<double>(v);
  }
}

// The one door from the public builders (filter, where, patch) to their
// parsed form, so no detail type appears in their public signatures.
struct spec_access {
  template <class F>
  static const auto& spec(const F& f) noexcept {
    return f.spec_;
  }
  // A patch's typed values, or null when some value it sets needs the
  // run-time conversion.
  template <class F>
  static auto typed(const F& f) noexcept {
    return f.typed();
  }
  template <class F, class Spec>
  static F make(Spec spec) {
    F f;
    f.spec_ = std::move(spec);
    if constexpr (std::is_same_v<Spec, filter_spec>) f.spec_.validated = 0;  // checked again
    return f;
  }
  // A copy of filter f whose spec passed validation under `stamp`.
  template <class F>
  static F validated(F f, std::uint64_t stamp) {
    f.spec_.validated = stamp;
    return f;
  }
};

}  // namespace relstore::detail

// Compiled once, in filter_spec.cpp, instead of in every translation unit
// that holds a filter (compile time only).
extern template class std::vector<relstore::detail::where_node>;
extern template class std::vector<relstore::detail::order_key>;
extern template class std::vector<relstore::detail::include_spec>;
