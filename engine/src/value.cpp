// Run-time values: their names and how they read in messages.
#include "relstore/value.hpp"

#include <charconv>
#include <cmath>
#include <type_traits>
#include <variant>

#include "relstore/detail/crc32c.hpp"
#include "relstore/detail/text_escape.hpp"

namespace relstore {
namespace {

std::string number_text(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d);
  return std::string(buf, end);
}

// A string longer than twice this shows its first bytes (cut where a
// character starts), its length and a checksum of the whole: two long
// strings that differ past the cut still read differently.
constexpr std::size_t shown_bytes = 200;

// `s` in double quotes, with control characters (C0, DEL and C1), bytes that
// are not UTF-8, the invisible byte order mark, backslashes and quotes
// escaped: a value read from a file can then never move a terminal's cursor,
// fake a line of output or hide in a message. A long one is cut short: a
// message never carries a whole file.
std::string quoted(std::string_view s) {
  static const char hex[] = "0123456789abcdef";
  const std::string_view full = s;
  const bool cut = full.size() > 2 * shown_bytes;
  if (cut) {
    std::size_t end = shown_bytes;
    for (int back = 0; back < 3 && (static_cast<unsigned char>(s[end]) & 0xc0) == 0x80; ++back) --end;
    s = s.substr(0, end);
  }
  std::string out;
  out.reserve(s.size() + 2);
  out += '"';
  auto byte = [&](unsigned char c) {
    out += "\\x";
    out += hex[c >> 4];
    out += hex[c & 15];
  };
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    const std::size_t n = detail::utf8_sequence(s.substr(i));
    if (n == 0) {
      byte(c);
      ++i;
    } else if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
      ++i;
    } else if (c < 0x20 || c == 0x7f) {
      byte(c);
      ++i;
    } else if (c == 0xc2 && static_cast<unsigned char>(s[i + 1]) <= 0x9f) {  // C1: U+0080 to U+009F
      const auto d = static_cast<unsigned char>(s[i + 1]);
      out += "\\u00";
      out += hex[d >> 4];
      out += hex[d & 15];
      i += 2;
    } else if (s.substr(i, 3) == "\xEF\xBB\xBF") {  // U+FEFF, a byte order mark
      out += "\\ufeff";
      i += 3;
    } else {
      out.append(s, i, n);
      i += n;
    }
  }
  out += '"';
  if (cut) {
    out += "... (" + std::to_string(full.size()) + " bytes, crc32c " +
           detail::crc32c_hex(detail::crc32c(full.data(), full.size())) + ")";
  }
  return out;
}

array_view array_of(const array_view& a) noexcept { return a; }
array_view array_of(const array_value& a) noexcept { return a.view(); }

std::string describe_array(const array_view& a) {
  std::string out = "[";
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (i != 0) out += ',';
    out += describe(a[i]);
  }
  return out + "]";
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
        } else if constexpr (std::is_same_v<T, std::int64_t> || std::is_same_v<T, std::uint64_t>) {
          return std::to_string(x);
        } else if constexpr (std::is_same_v<T, double>) {
          return number_text(x);
        } else if constexpr (std::is_same_v<T, array_view> || std::is_same_v<T, array_value>) {
          return describe_array(array_of(x));
        } else {
          return quoted(x);
        }
      },
      v);
}

}  // namespace

std::string describe(const value& v) { return describe_impl(v); }
std::string describe(const value_view& v) { return describe_impl(v); }

value to_value(const value_view& v) {
  return std::visit(
      [](const auto& x) -> value {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, std::string_view>) {
          return std::string(x);
        } else if constexpr (std::is_same_v<T, array_view>) {
          array_value a;
          a.items.reserve(x.size());
          for (std::size_t i = 0; i < x.size(); ++i) a.items.push_back(x[i]);
          return a;
        } else {
          return x;
        }
      },
      v);
}

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
    case field_type::float32:
      return "float32";
    case field_type::int8:
      return "int8";
    case field_type::int16:
      return "int16";
    case field_type::uint8:
      return "uint8";
    case field_type::uint16:
      return "uint16";
    case field_type::uint64:
      return "uint64";
    case field_type::array:
      return "array";
  }
  return "unknown";
}

}  // namespace relstore

template class std::vector<relstore::value>;
