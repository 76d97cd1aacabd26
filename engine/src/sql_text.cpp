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
  // A blob cast to TEXT keeps every byte: a NUL, and a CR (the sqlite3 shell
  // drops a CR before a line's end as it reads a script).
  if (s.find_first_of(std::string_view("\0\r", 2)) != std::string_view::npos) {
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

}  // namespace relstore::detail
