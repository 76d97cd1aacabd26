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
enum class field_type : std::uint8_t {
  boolean,
  int32,
  int64,
  uint32,
  float64,
  string,
};

std::string_view to_string(field_type type) noexcept;

struct null_t {
  friend constexpr bool operator==(null_t, null_t) noexcept { return true; }
};
inline constexpr null_t null{};

// An owned run-time value. Integers are held as int64 and doubles as double.
using value = std::variant<null_t, bool, std::int64_t, double, std::string>;

// A non-owning view of a field's current value. A string view points into the
// entity and is invalidated by any write to it.
using value_view = std::variant<null_t, bool, std::int64_t, double, std::string_view>;

// An owned copy of a viewed value.
value to_value(const value_view& v);

// Renders `v` for an error message: strings quoted, null as `null`.
std::string describe(const value& v);
std::string describe(const value_view& v);

}  // namespace relstore
