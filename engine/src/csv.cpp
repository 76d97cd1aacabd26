// CSV fields and records.
#include "relstore/detail/csv.hpp"

#include <charconv>
#include <cstdint>

#include "relstore/detail/json_value.hpp"
#include "relstore/detail/value_text.hpp"

namespace relstore::detail {
namespace {

void append_quoted(std::string_view s, std::string& out) {
  out += '"';
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

bool needs_quotes(std::string_view s) {
  return s.empty() || s.find_first_of(",\"\r\n") != std::string_view::npos || s.front() == ' ' || s.back() == ' ';
}

template <class Number>
bool parse_whole(std::string_view s, Number& out) {
  const char* end = s.data() + s.size();
  auto r = std::from_chars(s.data(), end, out);
  return r.ec == std::errc{} && r.ptr == end;
}

// `s` without JSON's blanks (space, tab, line breaks) at either end.
std::string_view trim(std::string_view s) {
  constexpr std::string_view blanks = " \t\r\n";
  while (!s.empty() && blanks.find(s.front()) != std::string_view::npos) s.remove_prefix(1);
  while (!s.empty() && blanks.find(s.back()) != std::string_view::npos) s.remove_suffix(1);
  return s;
}

enum class number_read { ok, not_a_number, too_large };

// Whether the decimal number `s` (as std::from_chars read it whole, not NaN
// or Infinity) is below 1 in magnitude: the power of ten of its first
// significant digit, from the digits and the exponent, is negative.
bool below_one(std::string_view s) {
  std::size_t i = s.starts_with('-') ? 1 : 0;
  long long before_point = 0, first = -1, digits = 0;
  bool point = false;
  for (; i < s.size() && s[i] != 'e' && s[i] != 'E'; ++i) {
    if (s[i] == '.') {
      point = true;
      continue;
    }
    if (first < 0 && s[i] != '0') first = digits;
    ++digits;
    if (!point) ++before_point;
  }
  if (first < 0) return true;  // zero
  long long exponent = 0;
  if (i + 1 < s.size()) {
    std::string_view e = s.substr(i + 1);
    const bool negative = e.starts_with('-');
    if (e.starts_with('+') || negative) e.remove_prefix(1);
    constexpr long long bound = 1LL << 60;  // far past any digit count, and no overflow below
    const auto r = std::from_chars(e.data(), e.data() + e.size(), exponent);
    if (r.ec != std::errc{} || exponent > bound) exponent = bound;
    if (negative) exponent = -exponent;
  }
  return before_point - first - 1 + exponent < 0;
}

// A double as a cell spells it (std::from_chars: NaN, Infinity, .5). A
// number too small for a double reads as a zero of its sign, and one too
// large is refused, as in JSON.
number_read read_double(std::string_view s, double& out) {
  const char* end = s.data() + s.size();
  const auto r = std::from_chars(s.data(), end, out);
  if (r.ptr != end || (r.ec != std::errc{} && r.ec != std::errc::result_out_of_range)) return number_read::not_a_number;
  if (r.ec == std::errc{}) return number_read::ok;
  if (!below_one(s)) return number_read::too_large;
  out = s.starts_with('-') ? -0.0 : 0.0;
  return number_read::ok;
}

// One element of an array cell: a whole number (int64, else uint64) or a
// double, read as a scalar cell is (read_double).
// In an array of floats "-0" is -0.0, as in a float cell.
number_read array_element(std::string_view e, field_type element, value_view& out) {
  std::int64_t i = 0;
  if (parse_whole(e, i)) {
    const bool float_zero =
        i == 0 && e.starts_with('-') && (element == field_type::float32 || element == field_type::float64);
    out = float_zero ? value_view(-0.0) : value_view(i);
    return number_read::ok;
  }
  std::uint64_t u = 0;
  if (parse_whole(e, u)) {
    out = u;
    return number_read::ok;
  }
  double d = 0;
  const number_read r = read_double(e, d);
  if (r == number_read::ok) out = d;
  return r;
}

}  // namespace

void append_csv_value(const value_view& v, std::string& out, const field_info* field) {
  static constexpr value_spelling csv{"",    "true",        "false", "NaN", "Infinity", "-Infinity",
                                      false, append_quoted, "",      "",    {},         "-NaN"};
  // An array as its JSON text, quoted: "[1,2.5,3]", with a scalar cell's
  // NaN, Infinity, -Infinity and -NaN, which JSON has not ("[NaN,1]").
  static constexpr value_spelling csv_array{"null", "true",        "false", "NaN", "Infinity", "-Infinity",
                                            false,  append_quoted, "\"[",   "]\"", "-0.0",     "-NaN"};
  append_value(v, std::holds_alternative<array_view>(v) ? csv_array : csv, out, field);
}

void append_csv_name(std::string_view s, std::string& out) {
  if (needs_quotes(s)) {
    append_quoted(s, out);
  } else {
    out += s;
  }
}

bool csv_reader::next(std::vector<csv_field>& fields) {
  fields.clear();
  if (pos_ >= text_.size() || !error_.empty()) return false;
  record_line_ = line_;
  csv_field field;
  bool after_quote = false;  // a quoted field ended; only a separator may follow
  while (true) {
    if (pos_ >= text_.size()) {
      fields.push_back(std::move(field));
      return true;
    }
    const char c = text_[pos_];
    if (c == ',' || c == '\n' || (c == '\r' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '\n')) {
      fields.push_back(std::move(field));
      field = {};
      after_quote = false;
      if (c == ',') {
        ++pos_;
        continue;
      }
      pos_ += c == '\r' ? 2 : 1;
      ++line_;
      return true;
    }
    if (after_quote) {
      error_ = "line " + std::to_string(line_) + ": text after a closing quote (field " +
               std::to_string(fields.size() + 1) + ")";
      return false;
    }
    if (c == '"' && field.text.empty() && !field.quoted) {
      field.quoted = true;
      const std::size_t start_line = line_;
      ++pos_;
      while (true) {
        if (pos_ >= text_.size()) {
          error_ = "line " + std::to_string(start_line) + ": a quoted field is never closed";
          return false;
        }
        const char q = text_[pos_++];
        if (q == '"') {
          if (pos_ < text_.size() && text_[pos_] == '"') {
            field.text += '"';
            ++pos_;
            continue;
          }
          break;
        }
        if (q == '\n') ++line_;
        field.text += q;
      }
      after_quote = true;
      continue;
    }
    if (c == '"') {
      error_ = "line " + std::to_string(line_) + ": a quote inside an unquoted field (field " +
               std::to_string(fields.size() + 1) + "); quote the whole field and double the quote";
      return false;
    }
    field.text += c;
    ++pos_;
  }
}

std::optional<value> csv_cell(const csv_field& f, field_type type, bool nullable, std::string* why,
                              field_type element) {
  auto fail = [&](const char* expected) -> std::optional<value> {
    if (why != nullptr) *why = "is not " + std::string(expected);
    return std::nullopt;
  };
  if (f.text.empty() && !f.quoted) {
    if (nullable) return value{null_t{}};
    if (type == field_type::string) return value{std::string()};
    return fail("a value (an empty field is null, and the field is not optional)");
  }
  switch (type) {
    case field_type::string:
      return value{f.text};
    case field_type::array: {  // [1,2.5,3], each element as a scalar cell's number (NaN, -0.0, Infinity)
      std::string_view t = trim(f.text);
      if (t.size() < 2 || t.front() != '[' || t.back() != ']') return fail("an array of numbers ([1,2,3])");
      t = trim(t.substr(1, t.size() - 2));
      array_value out;
      while (!t.empty()) {
        if (out.items.size() == max_extent) return fail("an array of at most 64 numbers");
        const std::size_t comma = t.find(',');
        const std::string_view e = trim(t.substr(0, comma));
        value_view n;
        if (const number_read r = array_element(e, element, n); r != number_read::ok) {
          return fail(r == number_read::too_large ? "an array of numbers within the range of a double"
                      : e == "null"               ? "an array of numbers (an element may not be null)"
                                                  : "an array of numbers ([1,2,3])");
        }
        out.items.push_back(n);
        if (comma == std::string_view::npos) break;
        t = t.substr(comma + 1);
        if (trim(t).empty()) return fail("an array of numbers ([1,2,3])");  // a trailing comma
      }
      return value(std::move(out));
    }
    case field_type::boolean:
      if (f.text == "true" || f.text == "1") return value{true};
      if (f.text == "false" || f.text == "0") return value{false};
      return fail("a boolean (true, false, 1 or 0)");
    case field_type::float64:
    case field_type::float32: {
      double d = 0;
      const number_read r = read_double(f.text, d);
      if (r == number_read::too_large) {
        if (why != nullptr) *why = beyond_double_range;
        return std::nullopt;
      }
      if (r != number_read::ok) return fail("a number");
      return value{d};
    }
    case field_type::uint64: {
      std::uint64_t u = 0;
      if (!parse_whole(f.text, u)) return fail("a whole number within uint64");
      return integer_value(u);
    }
    default: {  // the field's range is checked when the value is set
      std::int64_t i = 0;
      if (!parse_whole(f.text, i)) return fail("a whole number within int64");
      return value{i};
    }
  }
}

}  // namespace relstore::detail
