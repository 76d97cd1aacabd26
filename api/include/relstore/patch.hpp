// A patch names only the fields it changes.
//
//   auto p = relstore::patch<Order>{}.set(&Order::total, 20.0).set(&Order::note, relstore::null);
//
// Patches from JSON (repository::parse_patch) reject unknown fields and
// navigational properties instead of dropping them.
#pragma once

#include <cstdint>
#include <type_traits>
#include <utility>
#include <vector>

#include "relstore/filter.hpp"
#include "relstore/model.hpp"
#include "relstore/value.hpp"

namespace relstore {

template <class M>
class patch {
 public:
  struct change {
    std::uint32_t field;
    relstore::value value;
  };

  patch() = default;

  // Sets `member` to `v`. Setting null requires an std::optional field.
  template <class T, class U>
  patch& set(T M::*member, U&& v) & {
    using S = detail::unwrap_optional_t<T>;
    using V = std::remove_cvref_t<U>;
    constexpr bool is_null = std::is_same_v<V, null_t> || std::is_same_v<V, std::nullopt_t>;
    static_assert(!is_null || detail::is_optional_v<T>, "relstore: only an std::optional field can be set to null");
    static_assert(is_null || std::is_convertible_v<U, S>, "relstore: the value's type does not match the field's type");
    put(detail::field_of(member), detail::to_operand<S>(std::forward<U>(v)));
    return *this;
  }
  template <class T, class U>
  patch&& set(T M::*member, U&& v) && {
    return std::move(this->set(member, std::forward<U>(v)));
  }

  // Adds a change by field index. REQUIRES: field < field count of M.
  void put(std::uint32_t field, relstore::value v) {
    for (auto& c : changes_) {
      if (c.field == field) {
        c.value = std::move(v);
        return;
      }
    }
    changes_.push_back({field, std::move(v)});
  }

  bool touches(std::size_t field) const noexcept {
    for (const auto& c : changes_) {
      if (c.field == field) return true;
    }
    return false;
  }
  const relstore::value* find(std::size_t field) const noexcept {
    for (const auto& c : changes_) {
      if (c.field == field) return &c.value;
    }
    return nullptr;
  }
  bool empty() const noexcept { return changes_.empty(); }
  const std::vector<change>& changes() const noexcept { return changes_; }

 private:
  std::vector<change> changes_;
};

}  // namespace relstore
