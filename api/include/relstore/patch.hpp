// A patch names only the fields it changes.
//
//   auto p = relstore::patch<Order>{}.set(&Order::total, 20.0).set(&Order::note, relstore::null);
//
// Patches from JSON (repository::parse_patch) reject unknown fields and
// navigational properties instead of dropping them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <utility>

#include "relstore/detail/filter_spec.hpp"
#include "relstore/detail/meta.hpp"
#include "relstore/model.hpp"
#include "relstore/value.hpp"

namespace relstore {

template <class M>
class patch {
 public:
  patch() = default;

  // Sets `member` to `v`. Setting null, or an std::optional value (null
  // when empty), requires an std::optional field.
  //
  // A number whose type does not always fit an integer field (an int for a
  // std::uint8_t field) must be a constant that fits: set(&Unit::level, 200)
  // compiles, set(&Unit::level, 300) and set(&Unit::level, 2.7) do not, and
  // an int variable needs a cast (static_cast<std::uint8_t>(x)). A float
  // field takes any number, rounded to the nearest float; one out of the
  // float range is invalid_argument when the patch is applied.
  template <class T, class U>
  requires detail::always_fits_v<std::remove_cvref_t<U>, detail::unwrap_optional_t<T>> patch& set(T M::*member,
                                                                                                  U&& v) & {
    using S = detail::unwrap_optional_t<T>;
    using V = std::remove_cvref_t<U>;
    constexpr bool is_null = std::is_same_v<V, null_t> || std::is_same_v<V, std::nullopt_t>;
    static_assert(!(is_null || detail::is_optional_v<V>) || detail::is_optional_v<T>,
                  "relstore: only an std::optional field can be set to null or to an std::optional");
    if constexpr (detail::is_optional_v<V>) {
      static_assert(std::is_convertible_v<typename V::value_type, S>,
                    "relstore: the value's type does not match the field's type");
      static_assert(detail::always_fits_v<typename V::value_type, S>,
                    "relstore: the std::optional's values do not always fit the field's type");
      const std::uint32_t field = detail::field_of(member);
      keep_typed(member, field, v);
      if (v.has_value()) {
        put(field, detail::to_operand<S>(*std::forward<U>(v)));
      } else {
        put(field, relstore::value(null));
      }
    } else {
      static_assert(is_null || std::is_convertible_v<U, S>,
                    "relstore: the value's type does not match the field's type");
      const std::uint32_t field = detail::field_of(member);
      keep_typed(member, field, v);
      put(field, detail::to_operand<S>(std::forward<U>(v)));
    }
    return *this;
  }
  template <class T>
  patch& set(T M::*member, detail::fitting_constant<detail::unwrap_optional_t<T>> v) & {
    const std::uint32_t field = detail::field_of(member);
    keep_typed(member, field, v.value);
    put(field, detail::to_operand<detail::unwrap_optional_t<T>>(v.value));
    return *this;
  }
  template <class T, class U>
  requires detail::always_fits_v<std::remove_cvref_t<U>, detail::unwrap_optional_t<T>> patch &&
      set(T M::*member, U&& v) && {
    return std::move(this->set(member, std::forward<U>(v)));
  }
  template <class T>
  patch&& set(T M::*member, detail::fitting_constant<detail::unwrap_optional_t<T>> v) && {
    return std::move(this->set(member, v));
  }

  // The value set for field number `field`, or null if the patch leaves it.
  const relstore::value* find(std::size_t field) const noexcept {
    for (const auto& c : spec_) {
      if (c.field == field) return &c.value;
    }
    return nullptr;
  }
  bool empty() const noexcept { return spec_.empty(); }
  // Number of fields the patch sets.
  std::size_t size() const noexcept { return spec_.size(); }

 private:
  friend struct detail::spec_access;

  void put(std::uint32_t field, relstore::value v) {
    for (auto& c : spec_) {
      if (c.field == field) {
        c.value = std::move(v);
        return;
      }
    }
    // Assigned after emplace_back(): moving a value into a new element trips
    // GCC 12's -Wmaybe-uninitialized (a false positive in std::variant).
    auto& c = spec_.emplace_back();
    c.field = field;
    c.value = std::move(v);
  }

  // Records v in typed_ when it needs no run-time conversion; otherwise
  // forgets any earlier typed value of the field.
  template <class T, class V>
  void keep_typed(T M::*member, std::uint32_t field, const V& v) {
    const std::uint64_t bit = std::uint64_t{1} << field;
    if constexpr (detail::stores_exactly_v<V, T>) {
      if constexpr (std::is_same_v<V, null_t> || std::is_same_v<V, std::nullopt_t>) {
        typed_.values.*member = std::nullopt;
      } else if constexpr (std::is_same_v<V, T>) {
        typed_.values.*member = v;
      } else {
        typed_.values.*member = static_cast<detail::unwrap_optional_t<T>>(v);
      }
      typed_.fields |= bit;
    } else {
      typed_.fields &= ~bit;
    }
  }
  // The typed values, when they hold every field the patch sets.
  // Compared with spec_'s own fields, not counted: a patch moved from
  // keeps typed_ but not spec_.
  const detail::typed_values<M>* typed() const noexcept {
    std::uint64_t set = 0;
    for (const auto& c : spec_) set |= std::uint64_t{1} << c.field;
    return set == typed_.fields ? &typed_ : nullptr;
  }

  detail::field_changes spec_;
  detail::typed_values<M> typed_;
};

// Names the fields an update_each callback writes, and that it gets:
//   orders.update_each(w, relstore::writes<&Order::total>, [](double& t) { t += 1.0; });
// A primary key, foreign key or indexed field named does not compile.
template <auto... Members>
struct writes_t {};
template <auto... Members>
inline constexpr writes_t<Members...> writes{};

}  // namespace relstore
