// Run-time values: conversion into fields, ordering, equality and rendering.
#include "relstore/value.hpp"

#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>

#include "relstore/detail/engine.hpp"
#include "relstore/model.hpp"

namespace relstore {
namespace {

std::string number_text(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d);
  return std::string(buf, end);
}

template <class V>
std::string describe_impl(const V& v) {
  return std::visit(
      [](const auto& x) -> std::string {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, null_t>) {
          return "null";
        } else if constexpr (std::is_same_v<T, bool>) {
          return x ? "true" : "false";
        } else if constexpr (std::is_same_v<T, std::int64_t>) {
          return std::to_string(x);
        } else if constexpr (std::is_same_v<T, double>) {
          return number_text(x);
        } else {
          std::string out = "\"";
          out.append(x.data(), x.size());
          out += '"';
          return out;
        }
      },
      v);
}

}  // namespace

std::string describe(const value& v) { return describe_impl(v); }
std::string describe(const value_view& v) { return describe_impl(v); }

std::optional<std::size_t> model_info::find_field(std::string_view field) const noexcept {
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (fields[i].name == field) return i;
  }
  return std::nullopt;
}

namespace detail {

const char* kind_name(const value& v) noexcept {
  switch (v.index()) {
    case 0:
      return "null";
    case 1:
      return "a boolean";
    case 2:
      return "an integer";
    case 3:
      return "a number";
    default:
      return "a string";
  }
}

bool convert_value(const value& v, field_type type, bool nullable, void* out, bool* out_null, std::string* why) {
  auto fail = [&](const std::string& reason) {
    if (why != nullptr) *why = reason;
    return false;
  };
  if (std::holds_alternative<null_t>(v)) {
    if (!nullable) return fail("null is not allowed: the field is not optional");
    *out_null = true;
    return true;
  }
  const std::string expected = "expects " + std::string(to_string(type)) + ", got " + kind_name(v) + " " + describe(v);
  switch (type) {
    case field_type::boolean:
      if (const bool* b = std::get_if<bool>(&v)) {
        *static_cast<bool*>(out) = *b;
        return true;
      }
      return fail(expected);
    case field_type::int32:
    case field_type::int64:
    case field_type::uint32: {
      const std::int64_t* i = std::get_if<std::int64_t>(&v);
      if (i == nullptr) return fail(expected);
      if (type == field_type::int64) {
        *static_cast<std::int64_t*>(out) = *i;
      } else if (type == field_type::int32) {
        if (*i < std::numeric_limits<std::int32_t>::min() || *i > std::numeric_limits<std::int32_t>::max()) {
          return fail(describe(v) + " is out of range for int32");
        }
        *static_cast<std::int32_t*>(out) = static_cast<std::int32_t>(*i);
      } else {
        if (*i < 0 || *i > std::numeric_limits<std::uint32_t>::max()) {
          return fail(describe(v) + " is out of range for uint32");
        }
        *static_cast<std::uint32_t*>(out) = static_cast<std::uint32_t>(*i);
      }
      return true;
    }
    case field_type::float64:
      if (const double* d = std::get_if<double>(&v)) {
        *static_cast<double*>(out) = *d;
        return true;
      }
      if (const std::int64_t* i = std::get_if<std::int64_t>(&v)) {
        *static_cast<double*>(out) = static_cast<double>(*i);
        return true;
      }
      return fail(expected);
    case field_type::string:
      if (const std::string* s = std::get_if<std::string>(&v)) {
        *static_cast<std::string*>(out) = *s;
        return true;
      }
      return fail(expected);
  }
  return fail("unknown field type");
}

namespace {
int rank(const value_view& v) {
  switch (v.index()) {
    case 0:
      return 0;  // null
    case 2:
    case 3:
      return 1;  // numbers
    case 4:
      return 2;  // strings
    default:
      return 3;  // booleans
  }
}
int three_way_number(const value_view& a, const value_view& b) {
  if (a.index() == 2 && b.index() == 2) {
    auto x = std::get<std::int64_t>(a), y = std::get<std::int64_t>(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  const long double x = a.index() == 2 ? static_cast<long double>(std::get<std::int64_t>(a)) : std::get<double>(a);
  const long double y = b.index() == 2 ? static_cast<long double>(std::get<std::int64_t>(b)) : std::get<double>(b);
  const bool xn = std::isnan(x), yn = std::isnan(y);
  if (xn || yn) return xn == yn ? 0 : xn ? 1 : -1;  // NaN after every number
  return x < y ? -1 : x > y ? 1 : 0;
}
}  // namespace

int compare_for_order(const value_view& a, const value_view& b) noexcept {
  const int ra = rank(a), rb = rank(b);
  if (ra != rb) return ra < rb ? -1 : 1;
  switch (ra) {
    case 0:
      return 0;
    case 1:
      return three_way_number(a, b);
    case 2: {
      int c = std::get<std::string_view>(a).compare(std::get<std::string_view>(b));
      return c < 0 ? -1 : c > 0 ? 1 : 0;
    }
    default:
      return static_cast<int>(std::get<bool>(a)) - static_cast<int>(std::get<bool>(b));
  }
}

bool same_value(const value_view& a, const value_view& b) noexcept {
  if (a.index() != b.index()) return false;
  if (const double* x = std::get_if<double>(&a)) {
    const double y = std::get<double>(b);
    return std::memcmp(x, &y, sizeof y) == 0;
  }
  return a == b;
}

std::string key_text(const value_view& v) { return describe(v); }

}  // namespace detail
}  // namespace relstore
