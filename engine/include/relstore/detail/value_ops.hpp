// Operations on run-time values shared by every pipeline: conversion into a
// field, ordering, bitwise equality. Internal.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

#include "relstore/model_info.hpp"
#include "relstore/value.hpp"

namespace relstore::detail {

// Orders two field values: null first, then numbers, strings, booleans by value;
// NaN after every other number. Returns <0, 0 or >0.
int compare_for_order(const value_view& a, const value_view& b) noexcept;

// The int64 a double equals, when it is integral and within int64's range
// (-2^63 included): how equality, inq sets and hashed lookups all read a
// double against an integer.
inline std::optional<std::int64_t> int64_of(double d) noexcept {
  if (!(d >= -9223372036854775808.0 && d < 9223372036854775808.0)) return std::nullopt;
  const auto i = static_cast<std::int64_t>(d);
  if (static_cast<double>(i) != d) return std::nullopt;
  return i;
}
// The uint64 an integral double in [2^63, 2^64) equals (every double that
// large is integral).
inline std::optional<std::uint64_t> big_uint64_of(double d) noexcept {
  if (!(d >= 9223372036854775808.0 && d < 18446744073709551616.0)) return std::nullopt;
  return static_cast<std::uint64_t>(d);
}

// compare_numbers's answer when either number is NaN.
inline constexpr int unordered = 2;
// Three-way comparison of two numbers (int64, uint64 or double views),
// exact across kinds: -1, 0, 1, or `unordered`. (Not a std::optional<int>:
// GCC returns one through a store and a wider load that stalls.)
// REQUIRES: both views hold a number.
int compare_numbers(const value_view& a, const value_view& b) noexcept;

// Calls f(std::type_identity<T>{}) with T the C++ type of number type `t`
// (std::int8_t ... std::uint64_t, float for float32, double for float64), or
// other() when `t` is not a number type (boolean, string, array). f, for
// every T, and other return the same type.
template <class F, class G>
decltype(auto) with_number_type(field_type t, F&& f, G&& other) {
  switch (t) {
    case field_type::int8:
      return std::forward<F>(f)(std::type_identity<std::int8_t>{});
    case field_type::int16:
      return std::forward<F>(f)(std::type_identity<std::int16_t>{});
    case field_type::int32:
      return std::forward<F>(f)(std::type_identity<std::int32_t>{});
    case field_type::int64:
      return std::forward<F>(f)(std::type_identity<std::int64_t>{});
    case field_type::uint8:
      return std::forward<F>(f)(std::type_identity<std::uint8_t>{});
    case field_type::uint16:
      return std::forward<F>(f)(std::type_identity<std::uint16_t>{});
    case field_type::uint32:
      return std::forward<F>(f)(std::type_identity<std::uint32_t>{});
    case field_type::uint64:
      return std::forward<F>(f)(std::type_identity<std::uint64_t>{});
    case field_type::float32:
      return std::forward<F>(f)(std::type_identity<float>{});
    case field_type::float64:
      return std::forward<F>(f)(std::type_identity<double>{});
    default:
      return std::forward<G>(other)();
  }
}

// Whether `t` is a number type: an integer type (int8 ... uint64), float32 or float64.
inline bool is_number_type(field_type t) noexcept {
  return with_number_type(
      t, [](auto) { return true; }, [] { return false; });
}

// The type of a field's cells (its scalars): an array's element type, else the field's.
inline field_type cell_type(const field_info& f) noexcept { return f.type == field_type::array ? f.element : f.type; }

// The values of an integer field type: [min, max].
struct integer_range {
  std::int64_t min;
  std::uint64_t max;

  constexpr bool contains(std::int64_t i) const noexcept {
    return i >= min && (i <= 0 || static_cast<std::uint64_t>(i) <= max);
  }
  constexpr bool contains(std::uint64_t u) const noexcept { return u <= max; }
};
// The range of `type` when it is an integer type (int8 ... uint64), else nullopt.
std::optional<integer_range> integer_range_of(field_type type) noexcept;

// The double equal to the float nearest `d` (ties to even, as a C++
// conversion rounds), or nullopt when `d` is finite but rounds to no finite
// float (|d| >= FLT_MAX + half its ulp; "3.4028235e+38", FLT_MAX's shortest
// spelling, is a little above FLT_MAX and rounds to it). NaN and the
// infinities are kept.
inline std::optional<double> nearest_float(double d) noexcept {
  constexpr double overflow = 0x1.ffffffp127;  // 2^128 - 2^103: the midpoint to 2^128
  if (std::isfinite(d) && std::fabs(d) >= overflow) return std::nullopt;
  return static_cast<double>(static_cast<float>(d));
}

// An operand compared with a float32 field: a number becomes the double
// equal to the float nearest it (what storing it in the field would keep), so
// `x == 0.1` finds the 0.1 a float holds; a finite double beyond a float's
// range and any other value are returned as they are.
value float_operand(const value& v);

// The run-time value of an enumerator of an enum field of integer type `type`.
value enumerator_value(const enum_info::enumerator& e, field_type type);

// The enumerator that the value `v` of an enum field is, or null (null, or a
// value no enumerator has).
const enum_info::enumerator* enumerator_of(const enum_info& e, const value_view& v) noexcept;

// For an enum field of integer type `type`: `v` with an enumerator's name
// replaced by its value. Null passes; an integer must be an enumerator's
// value. Otherwise returns false with the reason in *why ("\"axe\" is not a
// kind (sword, shield, potion)").
bool resolve_enum(const enum_info& e, field_type type, const value& v, value* out, std::string* why);

// Bitwise equality of two field values (NaN equals NaN, -0.0 differs from 0.0).
bool same_value(const value_view& a, const value_view& b) noexcept;

// Whether `v` is a double that is not finite, or an array holding one:
// what JSON text cannot spell.
bool holds_non_finite(const value_view& v) noexcept;

// "an integer", "a string", ... for error messages.
const char* kind_name(const value& v) noexcept;

// Converts `v` into a scalar of `type` at *out_scalar (the C++ type of the
// field: bool, an integer type of the field's width, float, double or
// std::string), or sets *out_null for a null
// allowed by `nullable`. On a type or range mismatch returns false and
// stores the reason in *why (when not null); *out_scalar is then untouched.
bool convert_value(const value& v, field_type type, bool nullable, void* out_scalar, bool* out_null, std::string* why);

// Converts `v`, an array of numbers, into `extent` elements of number type
// `element` at out_elements (a C++ array of the element type), or sets
// *out_null for a null allowed by `nullable`. Each element is converted as
// convert_value converts a scalar. On a wrong length, a non-number or an
// element out of range returns false with the reason in *why (when not null);
// the elements are then untouched.
bool convert_array(const value& v, field_type element, std::size_t extent, bool nullable, void* out_elements,
                   bool* out_null, std::string* why);

// An array type as a person reads it: "float32[3]".
std::string array_label(field_type element, std::size_t extent);

// A field's type as a person reads it: "int32", "float32[3]" for an array.
std::string type_label(const field_info& f);

// The size in bytes of a C++ scalar of number type `type`.
std::size_t number_size(field_type type) noexcept;

// A view of `v`; a string view points into `v`.
inline value_view as_view(const value& v) noexcept {
  switch (v.index()) {
    case 0:
      return null;
    case 1:
      return std::get<bool>(v);
    case 2:
      return std::get<std::int64_t>(v);
    case 3:
      return std::get<double>(v);
    case 5:
      return std::get<std::uint64_t>(v);
    case 6:
      return std::get<array_value>(v).view();
    default:
      return std::string_view(std::get<std::string>(v));
  }
}

}  // namespace relstore::detail
