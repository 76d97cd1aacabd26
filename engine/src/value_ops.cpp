// Run-time values: conversion into fields, ordering and equality.
#include "relstore/detail/value_ops.hpp"

#include <cmath>
#include <cstring>
#include <limits>
#include <optional>
#include <string>
#include <type_traits>

namespace relstore::detail {

const char* kind_name(const value& v) noexcept {
  switch (v.index()) {
    case 0:
      return "null";
    case 1:
      return "a boolean";
    case 2:
    case 5:
      return "an integer";
    case 3:
      return "a number";
    case 6:
      return "an array";
    default:
      return "a string";
  }
}

namespace {
template <class T>
constexpr integer_range range_of() noexcept {
  return {std::numeric_limits<T>::min(), std::numeric_limits<T>::max()};
}
}  // namespace

std::optional<integer_range> integer_range_of(field_type type) noexcept {
  return with_number_type(
      type,
      []<class T>(std::type_identity<T>) -> std::optional<integer_range> {
        if constexpr (std::is_integral_v<T>) {
          return range_of<T>();
        } else {
          return std::nullopt;
        }
      },
      []() -> std::optional<integer_range> { return std::nullopt; });
}

namespace {

// Stores integer `v` at `out` as a T (an integer type); false when `v` is not
// in T's range.
template <class T>
bool put_integer(const value& v, void* out) {
  constexpr integer_range r = range_of<T>();
  std::int64_t bits = 0;
  if (const std::int64_t* i = std::get_if<std::int64_t>(&v)) {
    if (!r.contains(*i)) return false;
    bits = *i;
  } else {
    const std::uint64_t u = std::get<std::uint64_t>(v);
    if (!r.contains(u)) return false;
    bits = static_cast<std::int64_t>(u);
  }
  *static_cast<T*>(out) = static_cast<T>(bits);  // a uint64 from its bits: modulo 2^64
  return true;
}

// A null v: stored as null if the field is nullable (true), else refused
// (false, with *why). Nothing when v is not null.
std::optional<bool> take_null(const value& v, bool nullable, bool* out_null, std::string* why) {
  if (!std::holds_alternative<null_t>(v)) return std::nullopt;
  if (!nullable) {
    if (why != nullptr) *why = "null is not allowed: the field is not optional";
    return false;
  }
  *out_null = true;
  return true;
}

}  // namespace

bool convert_value(const value& v, field_type type, bool nullable, void* out, bool* out_null, std::string* why) {
  auto fail = [&](const std::string& reason) {
    if (why != nullptr) *why = reason;
    return false;
  };
  if (const auto done = take_null(v, nullable, out_null, why)) return *done;
  auto expected = [&] {
    return fail("expects " + std::string(to_string(type)) + ", got " + kind_name(v) + " " + describe(v));
  };
  const bool integer = v.index() == 2 || v.index() == 5;
  switch (type) {
    case field_type::boolean:
      if (const bool* b = std::get_if<bool>(&v)) {
        *static_cast<bool*>(out) = *b;
        return true;
      }
      return expected();
    case field_type::float64:
      if (const double* d = std::get_if<double>(&v)) {
        *static_cast<double*>(out) = *d;
        return true;
      }
      if (const std::int64_t* i = std::get_if<std::int64_t>(&v)) {
        *static_cast<double*>(out) = static_cast<double>(*i);
        return true;
      }
      if (const std::uint64_t* u = std::get_if<std::uint64_t>(&v)) {
        *static_cast<double*>(out) = static_cast<double>(*u);
        return true;
      }
      return expected();
    case field_type::float32:
      // Any integer is within a float's range (rounded to the nearest float).
      if (const std::int64_t* i = std::get_if<std::int64_t>(&v)) {
        *static_cast<float*>(out) = static_cast<float>(*i);
        return true;
      }
      if (const std::uint64_t* u = std::get_if<std::uint64_t>(&v)) {
        *static_cast<float*>(out) = static_cast<float>(*u);
        return true;
      }
      if (const double* d = std::get_if<double>(&v)) {
        if (!nearest_float(*d)) return fail(describe(v) + " is out of range for float32");
        *static_cast<float*>(out) = static_cast<float>(*d);
        return true;
      }
      return expected();
    case field_type::string:
      if (const std::string* s = std::get_if<std::string>(&v)) {
        *static_cast<std::string*>(out) = *s;
        return true;
      }
      return expected();
    default:
      if (!integer) return expected();
      return with_number_type(
          type,
          [&]<class T>(std::type_identity<T>) {
            if constexpr (std::is_integral_v<T>) {
              if (!put_integer<T>(v, out)) {
                return fail(describe(v) + " is out of range for " + std::string(to_string(type)));
              }
              return true;
            } else {
              return fail("unknown field type");  // float32 and float64 are handled above
            }
          },
          [&] { return fail("unknown field type"); });
  }
}

std::string array_label(field_type element, std::size_t extent) {
  return std::string(to_string(element)) + "[" + std::to_string(extent) + "]";
}

std::string type_label(const field_info& f) {
  if (f.type != field_type::array) return std::string(to_string(f.type));
  return array_label(f.element, f.extent);
}

std::size_t number_size(field_type type) noexcept {
  return with_number_type(
      type, []<class T>(std::type_identity<T>) { return sizeof(T); }, [] { return std::size_t{8}; });
}

bool convert_array(const value& v, field_type element, std::size_t extent, bool nullable, void* out, bool* out_null,
                   std::string* why) {
  auto fail = [&](const std::string& reason) {
    if (why != nullptr) *why = reason;
    return false;
  };
  if (const auto done = take_null(v, nullable, out_null, why)) return *done;
  if (extent == 0 || extent > max_extent) return fail("an array field has 1 to 64 elements");
  const auto* a = std::get_if<array_value>(&v);
  if (a == nullptr) {
    return fail("expects " + array_label(element, extent) + ", got " + kind_name(v) + " " + describe(v));
  }
  if (a->items.size() != extent) {
    return fail("expects " + array_label(element, extent) + ", got " + std::to_string(a->items.size()) + " elements " +
                describe(v));
  }
  // Converted into a buffer first, so a bad element leaves *out untouched.
  alignas(8) unsigned char buf[max_extent * 8];
  const std::size_t size = number_size(element);
  for (std::size_t i = 0; i < extent; ++i) {
    bool is_null = false;
    std::string reason;
    if (!convert_value(to_value(a->items[i]), element, false, buf + i * size, &is_null, &reason)) {
      return fail("element " + std::to_string(i) + " of " + describe(v) + ": " + reason);
    }
  }
  std::memcpy(out, buf, extent * size);
  return true;
}

namespace {
int rank(const value_view& v) {
  switch (v.index()) {
    case 0:
      return 0;  // null
    case 2:
    case 3:
    case 5:
      return 1;  // numbers
    case 4:
      return 2;  // strings
    case 6:
      return 4;  // arrays
    default:
      return 3;  // booleans
  }
}
int sign_of(auto x, auto y) noexcept { return x < y ? -1 : x > y ? 1 : 0; }

long double as_long_double(const value_view& v) noexcept {
  switch (v.index()) {
    case 2:
      return static_cast<long double>(std::get<std::int64_t>(v));
    case 5:
      return static_cast<long double>(std::get<std::uint64_t>(v));
    default:
      return std::get<double>(v);
  }
}

// Whether v is a double, or an int64 a double holds exactly; sets `out` to it.
bool as_exact_double(const value_view& v, double& out) noexcept {
  if (const auto* d = std::get_if<double>(&v)) {
    out = *d;
    return true;
  }
  constexpr std::int64_t exact = std::int64_t{1} << 53;
  const auto* i = std::get_if<std::int64_t>(&v);
  if (i == nullptr || *i < -exact || *i > exact) return false;
  out = static_cast<double>(*i);
  return true;
}
}  // namespace

int compare_numbers(const value_view& a, const value_view& b) noexcept {
  const bool ai = a.index() != 3, bi = b.index() != 3;
  if (ai && bi) {  // exact: int64 against uint64 by sign, then magnitude
    const auto* x = std::get_if<std::int64_t>(&a);
    const auto* y = std::get_if<std::int64_t>(&b);
    if (x != nullptr && y != nullptr) return sign_of(*x, *y);
    if (x != nullptr && *x < 0) return -1;
    if (y != nullptr && *y < 0) return 1;
    const std::uint64_t ux = x != nullptr ? static_cast<std::uint64_t>(*x) : std::get<std::uint64_t>(a);
    const std::uint64_t uy = y != nullptr ? static_cast<std::uint64_t>(*y) : std::get<std::uint64_t>(b);
    return sign_of(ux, uy);
  }
  // A double against a double, or against an int64 of at most 2^53 (held
  // exactly): compared as doubles, the common case and the fast one.
  double dx = 0, dy = 0;
  if (as_exact_double(a, dx) && as_exact_double(b, dy)) {
    if (std::isnan(dx) || std::isnan(dy)) return unordered;
    return sign_of(dx, dy);
  }
  // long double holds every int64 and uint64 exactly (x86-64's 64-bit
  // mantissa, or a 113-bit one). Where it is a double, this order would not
  // be exact, and an inq's operand dedupe (select) would let one run be
  // walked twice.
  static_assert(std::numeric_limits<long double>::digits >= 64, "relstore: compare_numbers needs a 64-bit mantissa");
  const long double x = as_long_double(a), y = as_long_double(b);
  if (std::isnan(x) || std::isnan(y)) return unordered;
  return sign_of(x, y);
}

value float_operand(const value& v) {
  switch (v.index()) {
    case 2:
      return static_cast<double>(static_cast<float>(std::get<std::int64_t>(v)));
    case 3:
      if (auto d = nearest_float(std::get<double>(v))) return *d;
      return v;
    case 5:
      return static_cast<double>(static_cast<float>(std::get<std::uint64_t>(v)));
    default:
      return v;
  }
}

value enumerator_value(const enum_info::enumerator& e, field_type type) {
  if (type == field_type::uint64) return integer_value(static_cast<std::uint64_t>(e.value));
  return e.value;
}

const enum_info::enumerator* enumerator_of(const enum_info& e, const value_view& v) noexcept {
  if (const auto* i = std::get_if<std::int64_t>(&v)) return e.find(*i);
  if (const auto* u = std::get_if<std::uint64_t>(&v)) return e.find(static_cast<std::int64_t>(*u));
  return nullptr;
}

bool resolve_enum(const enum_info& e, field_type type, const value& v, value* out, std::string* why) {
  auto fail = [&](const std::string& what) {
    if (why != nullptr) {
      std::string names;
      for (std::size_t i = 0; i < e.enumerators.size() && i < 16; ++i) {
        names += (i ? ", " : "") + e.enumerators[i].name;
      }
      if (e.enumerators.size() > 16) names += ", ...";
      *why = what + " (" + names + ")";
    }
    return false;
  };
  if (const auto* s = std::get_if<std::string>(&v)) {
    const auto* found = e.find(*s);
    if (found == nullptr) return fail(describe(v) + " is not a " + e.name);
    *out = enumerator_value(*found, type);
    return true;
  }
  if (v.index() == 2 || v.index() == 5) {
    if (enumerator_of(e, as_view(v)) == nullptr) return fail(describe(v) + " is the value of no " + e.name);
  } else if (v.index() != 0) {
    return fail("expects a " + e.name + ", got " + kind_name(v) + " " + describe(v));
  }
  *out = v;
  return true;
}

int compare_for_order(const value_view& a, const value_view& b) noexcept {
  const int ra = rank(a), rb = rank(b);
  if (ra != rb) return ra < rb ? -1 : 1;
  switch (ra) {
    case 0:
      return 0;
    case 1: {
      if (const int c = compare_numbers(a, b); c != unordered) return c;
      const bool an = a.index() == 3 && std::isnan(std::get<double>(a));
      const bool bn = b.index() == 3 && std::isnan(std::get<double>(b));
      return an == bn ? 0 : an ? 1 : -1;  // NaN after every number
    }
    case 2: {
      int c = std::get<std::string_view>(a).compare(std::get<std::string_view>(b));
      return c < 0 ? -1 : c > 0 ? 1 : 0;
    }
    case 4: {  // element by element, then the shorter first
      const array_view& x = std::get<array_view>(a);
      const array_view& y = std::get<array_view>(b);
      for (std::size_t i = 0; i < x.size() && i < y.size(); ++i) {
        if (int c = compare_for_order(x[i], y[i]); c != 0) return c;
      }
      return sign_of(x.size(), y.size());
    }
    default:
      return static_cast<int>(std::get<bool>(a)) - static_cast<int>(std::get<bool>(b));
  }
}

bool holds_non_finite(const value_view& v) noexcept {
  if (const auto* d = std::get_if<double>(&v)) return !std::isfinite(*d);
  if (const auto* a = std::get_if<array_view>(&v)) {
    for (std::size_t i = 0; i < a->size(); ++i) {
      if (holds_non_finite((*a)[i])) return true;
    }
  }
  return false;
}

bool same_value(const value_view& a, const value_view& b) noexcept {
  if (a.index() != b.index()) return false;
  if (const array_view* x = std::get_if<array_view>(&a)) {
    const array_view& y = std::get<array_view>(b);
    if (x->size() != y.size()) return false;
    for (std::size_t i = 0; i < x->size(); ++i) {
      if (!same_value((*x)[i], y[i])) return false;
    }
    return true;
  }
  if (const double* x = std::get_if<double>(&a)) {
    const double y = std::get<double>(b);
    return std::memcmp(x, &y, sizeof y) == 0;
  }
  return a == b;
}

}  // namespace relstore::detail
