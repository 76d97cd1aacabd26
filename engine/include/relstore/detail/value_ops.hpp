// Operations on run-time values shared by every pipeline: conversion into a
// field, ordering, bitwise equality. Internal.
#pragma once

#include <string>

#include "relstore/value.hpp"

namespace relstore::detail {

// Orders two field values: null first, then numbers, strings, booleans by value;
// NaN after every other number. Returns <0, 0 or >0.
int compare_for_order(const value_view& a, const value_view& b) noexcept;

// Bitwise equality of two field values (NaN equals NaN, -0.0 differs from 0.0).
bool same_value(const value_view& a, const value_view& b) noexcept;

// "an integer", "a string", ... for error messages.
const char* kind_name(const value& v) noexcept;

// Converts `v` into a scalar of `type` at *out_scalar (a bool, int32_t,
// int64_t, uint32_t, double or std::string), or sets *out_null for a null
// allowed by `nullable`. On a type or range mismatch returns false and
// stores the reason in *why (when not null); *out_scalar is then untouched.
bool convert_value(const value& v, field_type type, bool nullable, void* out_scalar, bool* out_null, std::string* why);

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
    default:
      return std::string_view(std::get<std::string>(v));
  }
}

}  // namespace relstore::detail
