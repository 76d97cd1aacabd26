// value_text: a field value as text, in the spelling a format gives nulls,
// booleans, non-finite doubles and strings (JSON, SQL literals, COPY text).
// Internal.
#pragma once

#include <string>
#include <string_view>

#include "relstore/model_info.hpp"
#include "relstore/value.hpp"

namespace relstore::detail {

// What a text format writes for the values that have no one spelling.
struct value_spelling {
  std::string_view null, yes, no;  // null, true, false
  std::string_view nan, infinity, negative_infinity;
  // Whether a double that would read as an integer gets ".0" ("1.0").
  bool mark_reals = false;
  // Appends a string (quoted and escaped as the format needs).
  void (*string)(std::string_view s, std::string& out) = nullptr;
  // What encloses an array's elements, which are written separated by commas.
  std::string_view open = "[", close = "]";
  // When not empty: -0.0 (JSON reads "-0" as the integer 0), and a NaN whose
  // sign bit is set (x86's default NaN), so that each reads back bit for bit.
  std::string_view negative_zero = {}, negative_nan = {};
};

// Appends `v` as `spelling` says: integers in decimal, finite doubles as the
// shortest decimal that reads back bit for bit ("-0", "0.1", "5e-324").
// `field`, when given, is the field `v` is a value of: a float32 field's
// value is spelled as the shortest decimal that reads back as the same float
// ("0.1" for the float nearest 0.1, which as a double is
// 0.10000000149011612); an enum field's as its enumerator's name (a string),
// or its integer when no enumerator has it. An array is its elements, each
// spelled as a scalar of the element type, between `open` and `close`.
void append_value(const value_view& v, const value_spelling& spelling, std::string& out,
                  const field_info* field = nullptr);

// For a backslash, newline, carriage return or tab, appends the escape JSON
// and PostgreSQL's COPY text share (\\, \n, \r, \t) and returns true;
// returns false for any other character.
bool append_backslash_escape(char c, std::string& out);

}  // namespace relstore::detail
