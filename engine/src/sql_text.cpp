// Names and values as the SQL exports write them.
#include "relstore/detail/sql_text.hpp"

#include <cstdint>

#include "relstore/detail/value_text.hpp"

namespace relstore::detail {

std::string quote_sql_ident(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string fold_ascii_case(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

namespace {

void sqlite_string(std::string_view s, std::string& out) {
  if (s.find('\0') != std::string_view::npos) {  // a blob cast to TEXT keeps every byte
    static const char hex[] = "0123456789ABCDEF";
    out += "CAST(X'";
    for (char ch : s) {
      const auto c = static_cast<unsigned char>(ch);
      out += hex[c >> 4];
      out += hex[c & 15];
    }
    out += "' AS TEXT)";
    return;
  }
  out += '\'';
  for (char c : s) {
    if (c == '\'') out += '\'';
    out += c;
  }
  out += '\'';
}

void copy_string(std::string_view s, std::string& out) {
  for (char c : s) {
    if (!append_backslash_escape(c, out)) out += c;
  }
}

// NaN as NULL: export_sql refuses NaN for SQLite up front. A real keeps
// ".0", or SQLite would store 1 for 1.0.
constexpr value_spelling sqlite_spelling{"NULL", "1", "0", "NULL", "9e999", "-9e999", true, sqlite_string, "", ""};
// An array as TEXT holding its JSON ('[1,2.5,3]'); JSON has no NaN or infinity: null.
constexpr value_spelling sqlite_array_spelling{"null", "1",   "0",           "null", "null",
                                               "null", false, sqlite_string, "'[",   "]'"};
// float8 has one NaN: its sign and payload are not kept.
// An array as PostgreSQL's array literal: {1,2.5,3}.
constexpr value_spelling copy_spelling{"\\N", "t", "f", "NaN", "Infinity", "-Infinity", false, copy_string, "{", "}"};

}  // namespace

void append_sqlite_literal(const value_view& v, std::string& out, const field_info* field) {
  append_value(v, std::holds_alternative<array_view>(v) ? sqlite_array_spelling : sqlite_spelling, out, field);
}

void append_copy_field(const value_view& v, std::string& out, const field_info* field) {
  append_value(v, copy_spelling, out, field);
}

std::size_t invalid_utf8_at(std::string_view s) noexcept {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
      ++i;
      continue;
    }
    std::size_t len = 0;
    std::uint32_t cp = 0, min = 0;
    if ((b & 0xE0) == 0xC0) {
      len = 2, cp = b & 0x1Fu, min = 0x80;
    } else if ((b & 0xF0) == 0xE0) {
      len = 3, cp = b & 0x0Fu, min = 0x800;
    } else if ((b & 0xF8) == 0xF0) {
      len = 4, cp = b & 0x07u, min = 0x10000;
    } else {
      return i;
    }
    if (s.size() - i < len) return i;
    for (std::size_t k = 1; k < len; ++k) {
      const auto c = static_cast<unsigned char>(s[i + k]);
      if ((c & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (c & 0x3Fu);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return i;
    i += len;
  }
  return std::string_view::npos;
}

}  // namespace relstore::detail
