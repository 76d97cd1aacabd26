// Compile-time reflection over models described with RELSTORE_MODEL.
// Internal: not part of the public API.
#pragma once

#include <array>
#include <boost/describe/members.hpp>
#include <boost/describe/modifiers.hpp>
#include <boost/mp11/algorithm.hpp>
#include <boost/mp11/list.hpp>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

namespace relstore::detail {

namespace mp = boost::mp11;

inline constexpr std::size_t npos = static_cast<std::size_t>(-1);

template <class M>
using members = boost::describe::describe_members<M, boost::describe::mod_public>;

template <class M>
inline constexpr std::size_t field_count = mp::mp_size<members<M>>::value;

template <class T>
struct is_optional : std::false_type {};
template <class T>
struct is_optional<std::optional<T>> : std::true_type {};
template <class T>
inline constexpr bool is_optional_v = is_optional<T>::value;

template <class T>
struct unwrap_optional {
  using type = T;
};
template <class T>
struct unwrap_optional<std::optional<T>> {
  using type = T;
};
template <class T>
using unwrap_optional_t = typename unwrap_optional<T>::type;

template <class P>
struct member_pointer_traits;
template <class C, class T>
struct member_pointer_traits<T C::*> {
  using class_type = C;
  using value_type = T;
};
template <class C, class T>
struct member_pointer_traits<T C::*const> : member_pointer_traits<T C::*> {};

template <class M, std::size_t I>
inline constexpr auto member_pointer = mp::mp_at_c<members<M>, I>::pointer;

template <class M, std::size_t I>
using member_type = typename member_pointer_traits<decltype(member_pointer<M, I>)>::value_type;

template <class M>
constexpr std::array<std::string_view, field_count<M>> field_names() {
  std::array<std::string_view, field_count<M>> names{};
  std::size_t i = 0;
  mp::mp_for_each<members<M>>([&](auto d) { names[i++] = d.name; });
  return names;
}

template <class M>
constexpr std::size_t field_index(std::string_view name) {
  constexpr auto names = field_names<M>();
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i] == name) return i;
  }
  return npos;
}

template <class M, auto Member>
constexpr std::size_t member_index() {
  std::size_t found = npos;
  std::size_t i = 0;
  mp::mp_for_each<members<M>>([&](auto d) {
    if constexpr (std::is_same_v<std::remove_cv_t<decltype(d.pointer)>, std::remove_cv_t<decltype(Member)>>) {
      if (d.pointer == Member) found = i;
    }
    ++i;
  });
  return found;
}

template <class M>
concept described_model = requires(const M* p) {
  { relstore_model_name(p) } -> std::convertible_to<std::string_view>;
};

template <class M>
constexpr std::string_view model_name() {
  return relstore_model_name(static_cast<const M*>(nullptr));
}

template <class M>
constexpr std::string_view primary_key_name() {
  if constexpr (requires(const M* p) { relstore_primary_key(p); }) {
    return relstore_primary_key(static_cast<const M*>(nullptr));
  } else {
    return "id";
  }
}

constexpr char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// LoopBack's keyTo rule: camelCase(source model name) + "Id", so Customer
// gives customerId and OrderLine gives orderLineId.
constexpr bool is_default_key_to(std::string_view parent_model, std::string_view field) {
  if (parent_model.empty() || field.size() != parent_model.size() + 2) return false;
  if (field[0] != ascii_lower(parent_model[0])) return false;
  if (field.substr(1, parent_model.size() - 1) != parent_model.substr(1)) return false;
  return field.substr(parent_model.size()) == "Id";
}

// LoopBack's default inverse (belongsTo) name: camelCase(parent model name).
constexpr bool is_default_inverse(std::string_view parent_model, std::string_view name) {
  if (parent_model.empty() || name.size() != parent_model.size()) return false;
  return name[0] == ascii_lower(parent_model[0]) && name.substr(1) == parent_model.substr(1);
}

template <class M>
constexpr std::size_t default_key_to_index(std::string_view parent_model) {
  constexpr auto names = field_names<M>();
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (is_default_key_to(parent_model, names[i])) return i;
  }
  return npos;
}

template <std::size_t N>
struct fixed_string {
  char data[N]{};
  constexpr fixed_string(const char (&s)[N]) {  // NOLINT: implicit by design
    for (std::size_t i = 0; i < N; ++i) data[i] = s[i];
  }
  constexpr std::string_view view() const { return {data, N - 1}; }
};

}  // namespace relstore::detail
