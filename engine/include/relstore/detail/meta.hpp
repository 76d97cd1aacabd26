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

#include "relstore/model_info.hpp"

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

// is_std_array_v<T>: T is a std::array (of any element and length).
template <class T>
inline constexpr bool is_std_array_v = false;
template <class T, std::size_t N>
inline constexpr bool is_std_array_v<std::array<T, N>> = true;

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

// The settings RELSTORE_MODEL_SETTINGS declared for M, or the defaults.
template <class M>
constexpr model_settings settings_of() {
  if constexpr (requires(const M* p) { relstore_model_settings(p); }) {
    return relstore_model_settings(static_cast<const M*>(nullptr));
  } else {
    return {};
  }
}

constexpr char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

constexpr bool ascii_upper_p(char c) { return c >= 'A' && c <= 'Z'; }
constexpr bool ascii_lower_p(char c) { return c >= 'a' && c <= 'z'; }
constexpr bool ascii_digit_p(char c) { return c >= '0' && c <= '9'; }
constexpr char ascii_upper(char c) { return ascii_lower_p(c) ? static_cast<char>(c - 'a' + 'A') : c; }

// A name computed in a constant expression (at most 127 characters).
struct name_buffer {
  char data[128]{};
  std::size_t size = 0;
  constexpr name_buffer() = default;
  constexpr void push(char c) {
    if (size < sizeof data - 1) data[size] = c;
    ++size;
  }
  constexpr std::string_view view() const { return {data, size < sizeof data ? size : sizeof data - 1}; }
};

// lodash's camelCase on ASCII, which LoopBack uses for key inference: words
// are split at non-alphanumerics, lower-to-upper changes, the end of an
// upper-case run followed by a lower-case letter (XMLDoc: XML, Doc) and
// digit boundaries; the first word is lower-cased, the others capitalised.
constexpr name_buffer camel_case(std::string_view s) {
  name_buffer out;
  bool first_word = true, in_word = false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (!ascii_upper_p(c) && !ascii_lower_p(c) && !ascii_digit_p(c)) {
      in_word = false;
      continue;
    }
    bool starts = !in_word;
    if (in_word) {
      const char p = s[i - 1];
      const bool next_lower = i + 1 < s.size() && ascii_lower_p(s[i + 1]);
      starts = (ascii_digit_p(c) != ascii_digit_p(p)) || (ascii_upper_p(c) && ascii_lower_p(p)) ||
               (ascii_upper_p(c) && ascii_upper_p(p) && next_lower);
    }
    if (starts && out.size > 0) first_word = false;
    in_word = true;
    out.push(starts && !first_word ? ascii_upper(c) : ascii_lower(c));
  }
  return out;
}

// LoopBack's keyTo rule: camelCase(source model name + "_id"), so Customer
// gives customerId, OrderLine orderLineId, XMLDoc xmlDocId, order_line orderLineId.
constexpr name_buffer default_key_to(std::string_view parent_model) {
  name_buffer out = camel_case(parent_model);
  out.push('I');
  out.push('d');
  return out;
}

constexpr bool is_default_key_to(std::string_view parent_model, std::string_view field) {
  return !parent_model.empty() && default_key_to(parent_model).view() == field;
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
