// CSV as relstore writes and reads it (RFC 4180): the dump's --format csv and
// import's CSV input. Internal.
//
// Cells: strings are always quoted, so an empty quoted field is an empty
// string and an empty unquoted field is null; numbers are written as their
// shortest exact text, doubles that are not finite as NaN, Infinity and
// -Infinity (PostgreSQL's spelling); booleans as true and false.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "relstore/model_info.hpp"
#include "relstore/value.hpp"

namespace relstore::detail {

// Appends `v`, a value of `field` when given (see append_value), as one CSV field.
void append_csv_value(const value_view& v, std::string& out, const field_info* field = nullptr);
// Appends `s` as one CSV field, quoted only when it must be (a header name).
void append_csv_name(std::string_view s, std::string& out);

struct csv_field {
  std::string text;
  bool quoted = false;
};

// Reads records from `text`, which must outlive the reader. Accepts LF and
// CRLF line ends and a missing final line end.
class csv_reader {
 public:
  explicit csv_reader(std::string_view text) : text_(text) {}

  // Reads the next record into `fields`. Returns false at the end of the
  // text, or on malformed input (then error() says what and where).
  bool next(std::vector<csv_field>& fields);
  // The 1-based line on which the last record read started.
  std::size_t line() const noexcept { return record_line_; }
  // Empty unless next() stopped on malformed input.
  const std::string& error() const noexcept { return error_; }
  // How far the reader is, in bytes, for progress.
  std::size_t offset() const noexcept { return pos_; }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
  std::size_t line_ = 1;
  std::size_t record_line_ = 0;
  std::string error_;
};

// The value a CSV field holds for a field of type `type`: the inverse of
// append_csv_value. An empty unquoted field is null when `nullable`, and
// otherwise an empty string for a string field. Integers must be whole
// decimal numbers (the range of the field's type is checked when the value is
// stored); booleans are true, false, 1 or 0. nullopt, with the reason in
// *why, when the text is not a value of that type. `element` is an array
// field's element type.
std::optional<value> csv_cell(const csv_field& f, field_type type, bool nullable, std::string* why,
                              field_type element = field_type::int64);

}  // namespace relstore::detail
