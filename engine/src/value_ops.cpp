// Run-time values: conversion into fields, ordering and equality.
#include "relstore/detail/value_ops.hpp"

#include <cmath>
#include <cstring>
#include <limits>

namespace relstore::detail {

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
  auto expected = [&] {
    return fail("expects " + std::string(to_string(type)) + ", got " + kind_name(v) + " " + describe(v));
  };
  switch (type) {
    case field_type::boolean:
      if (const bool* b = std::get_if<bool>(&v)) {
        *static_cast<bool*>(out) = *b;
        return true;
      }
      return expected();
    case field_type::int32:
    case field_type::int64:
    case field_type::uint32: {
      const std::int64_t* i = std::get_if<std::int64_t>(&v);
      if (i == nullptr) return expected();
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
      return expected();
    case field_type::string:
      if (const std::string* s = std::get_if<std::string>(&v)) {
        *static_cast<std::string*>(out) = *s;
        return true;
      }
      return expected();
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

}  // namespace relstore::detail
