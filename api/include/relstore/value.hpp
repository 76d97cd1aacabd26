// Run-time values: what JSON filters, patches, the registry and tools see of
// a model's fields.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

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
  array,  // std::array<T, N> of a number type: field_info::element and extent
};

// The longest array field (std::array<T, N>, N in 1..max_extent).
inline constexpr std::size_t max_extent = 64;

std::string_view to_string(field_type type) noexcept;

struct null_t {
  friend constexpr bool operator==(null_t, null_t) noexcept { return true; }
};
inline constexpr null_t null{};

class array_view;
struct array_value;

// A non-owning view of a field's current value. A string or array view
// points into the entity and is invalidated by any write to it.
using value_view = std::variant<null_t, bool, std::int64_t, double, std::string_view, std::uint64_t, array_view>;

// A non-owning view of an array field's elements, read in place: no copy, no
// allocation. Each element reads as a number view (int64, uint64 or double,
// as a scalar field of the element type would).
class array_view {
 public:
  array_view() = default;
  // `size` elements at `data`, each a C++ object of element type `element`
  // (int8 ... uint64, float32, float64).
  array_view(const void* data, field_type element, std::size_t size) noexcept
      : data_(data), size_(static_cast<std::uint32_t>(size)), layout_(static_cast<std::uint8_t>(element)) {}
  // `size` element views at `items` (an owned array_value's).
  static array_view of_views(const value_view* items, std::size_t size) noexcept {
    array_view a;
    a.data_ = items;
    a.size_ = static_cast<std::uint32_t>(size);
    a.layout_ = views_layout;
    return a;
  }

  std::size_t size() const noexcept { return size_; }
  // REQUIRES: i < size().
  value_view operator[](std::size_t i) const noexcept;

  // Element-wise: same size and each element equal as a number view.
  friend bool operator==(const array_view& a, const array_view& b) noexcept;

 private:
  static constexpr std::uint8_t views_layout = 0xff;
  template <class T>
  T load(std::size_t i) const noexcept {
    T x;
    std::memcpy(&x, static_cast<const unsigned char*>(data_) + i * sizeof(T), sizeof(T));
    return x;
  }
  const void* data_ = nullptr;
  std::uint32_t size_ = 0;
  std::uint8_t layout_ = 0;
};

// An owned array value (a JSON array, a patch's or an operand's array): its
// elements as number views (int64, uint64 or double; never null, a string or
// an array).
struct array_value {
  std::vector<value_view> items;
  array_view view() const noexcept { return array_view::of_views(items.data(), items.size()); }
  friend bool operator==(const array_value& a, const array_value& b) noexcept { return a.view() == b.view(); }
};

// An owned run-time value. Integers are held as int64, except those above
// INT64_MAX (only a uint64 field holds them), which are held as uint64: an
// integer has one representation, so values compare equal by alternative.
// Doubles are held as double (a float32 field's value as the double equal
// to its float).
using value = std::variant<null_t, bool, std::int64_t, double, std::string, std::uint64_t, array_value>;

// The value of integer `i`: int64 up to INT64_MAX, uint64 above.
constexpr value_view integer_view(std::uint64_t i) noexcept {
  if (i > static_cast<std::uint64_t>(INT64_MAX)) return i;
  return static_cast<std::int64_t>(i);
}
inline value integer_value(std::uint64_t i) {
  if (i > static_cast<std::uint64_t>(INT64_MAX)) return i;
  return static_cast<std::int64_t>(i);
}

inline value_view array_view::operator[](std::size_t i) const noexcept {
  switch (layout_) {
    case static_cast<std::uint8_t>(field_type::int8):
      return static_cast<std::int64_t>(load<std::int8_t>(i));
    case static_cast<std::uint8_t>(field_type::int16):
      return static_cast<std::int64_t>(load<std::int16_t>(i));
    case static_cast<std::uint8_t>(field_type::int32):
      return static_cast<std::int64_t>(load<std::int32_t>(i));
    case static_cast<std::uint8_t>(field_type::uint8):
      return static_cast<std::int64_t>(load<std::uint8_t>(i));
    case static_cast<std::uint8_t>(field_type::uint16):
      return static_cast<std::int64_t>(load<std::uint16_t>(i));
    case static_cast<std::uint8_t>(field_type::uint32):
      return static_cast<std::int64_t>(load<std::uint32_t>(i));
    case static_cast<std::uint8_t>(field_type::uint64):
      return integer_view(load<std::uint64_t>(i));
    case static_cast<std::uint8_t>(field_type::float32):
      return static_cast<double>(load<float>(i));
    case static_cast<std::uint8_t>(field_type::float64):
      return load<double>(i);
    case views_layout:
      return static_cast<const value_view*>(data_)[i];
    default:
      return load<std::int64_t>(i);
  }
}

inline bool operator==(const array_view& a, const array_view& b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (!(a[i] == b[i])) return false;
  }
  return true;
}

// An owned copy of a viewed value.
value to_value(const value_view& v);

// Renders `v` for an error message: strings quoted, null as `null`.
std::string describe(const value& v);
std::string describe(const value_view& v);

}  // namespace relstore

// Compiled once, in value.cpp, instead of in every translation unit
// (compile time only; the same settings as the library's are required, as
// for any of its types).
extern template class std::vector<relstore::value>;
