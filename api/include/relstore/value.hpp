// Run-time values: what JSON filters, patches, the registry and tools see of
// a model's fields.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

namespace relstore {

// The storage type of a field. Integers narrower than 64 bits keep their
// width so that a value out of range is rejected rather than truncated.
// The numbering is the snapshot's type code: new types are appended.
enum class field_type : std::uint8_t {
  boolean,
  int32,
  int64,
  uint32,
  float64,
  string,
  float32,  // held as the double equal to the float
  int8,
  int16,
  uint8,
  uint16,
  uint64,
};

std::string_view to_string(field_type type) noexcept;

struct null_t {
  friend constexpr bool operator==(null_t, null_t) noexcept { return true; }
};
inline constexpr null_t null{};

// An owned run-time value. Integers are held as int64, except those above
// INT64_MAX (only a uint64 field holds them), which are held as uint64: an
// integer has one representation, so values compare equal by alternative.
// Doubles are held as double (a float32 field's value as the double equal
// to its float).
using value = std::variant<null_t, bool, std::int64_t, double, std::string, std::uint64_t>;

// A non-owning view of a field's current value. A string view points into the
// entity and is invalidated by any write to it.
using value_view = std::variant<null_t, bool, std::int64_t, double, std::string_view, std::uint64_t>;

// The value of integer `i`: int64 up to INT64_MAX, uint64 above.
constexpr value_view integer_view(std::uint64_t i) noexcept {
  if (i > static_cast<std::uint64_t>(INT64_MAX)) return i;
  return static_cast<std::int64_t>(i);
}
inline value integer_value(std::uint64_t i) {
  if (i > static_cast<std::uint64_t>(INT64_MAX)) return i;
  return static_cast<std::int64_t>(i);
}

// An owned copy of a viewed value.
value to_value(const value_view& v);

// Renders `v` for an error message: strings quoted, null as `null`.
std::string describe(const value& v);
std::string describe(const value_view& v);

}  // namespace relstore
