// Run-time values: their names and how they read in messages.
#include "relstore/value.hpp"

#include <charconv>
#include <cmath>

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

std::string_view to_string(field_type type) noexcept {
  switch (type) {
    case field_type::boolean:
      return "bool";
    case field_type::int32:
      return "int32";
    case field_type::int64:
      return "int64";
    case field_type::uint32:
      return "uint32";
    case field_type::float64:
      return "float64";
    case field_type::string:
      return "string";
  }
  return "unknown";
}

}  // namespace relstore
