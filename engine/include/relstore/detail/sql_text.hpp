// sql_text: names and values spelled as the SQL exports (export_sql) write
// them, for SQLite literals and PostgreSQL's COPY text format. Internal.
#pragma once

#include <string>
#include <string_view>

#include "relstore/model_info.hpp"
#include "relstore/value.hpp"

namespace relstore::detail {

// `s` as a double-quoted SQL identifier (a quote doubled).
std::string quote_sql_ident(std::string_view s);

// `s` with ASCII letters lowered: how SQL compares unquoted names.
std::string fold_ascii_case(std::string_view s);

// Appends `v` as an SQLite literal: NULL, 1/0, integers, reals (infinities
// as 9e999; NaN, which SQLite cannot store, as NULL), strings quoted, and
// strings holding NUL as a cast blob.
void append_sqlite_literal(const value_view& v, std::string& out, const field_info* field = nullptr);

// Appends `v` as one field of PostgreSQL's COPY text format: \N for null,
// t/f, integers, doubles exactly (NaN, Infinity, -Infinity by name), strings
// with backslash, tab, newline and carriage return escaped.
// `field`: the field `v` is a value of, when given (see append_value).
// REQUIRES: a string holds no NUL (PostgreSQL's text cannot).
void append_copy_field(const value_view& v, std::string& out, const field_info* field = nullptr);

}  // namespace relstore::detail
