// JSON documents as every JSON input of relstore reads them (filters,
// payloads, import): one parser with one set of limits, one mapping of JSON
// scalars to values. Internal; only compiled code includes it.
#pragma once

#include <boost/json/storage_ptr.hpp>
#include <boost/json/value.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "relstore/detail/function_ref.hpp"
#include "relstore/error.hpp"
#include "relstore/value.hpp"

namespace relstore::detail {

// The deepest nesting a JSON input may have.
inline constexpr std::size_t max_json_depth = 64;

// How every reader (JSON, CSV, the REST query string) words a number too
// large for a double (1e400), after the value it quotes.
inline constexpr std::string_view beyond_double_range = "is a number beyond the range of a double";

// Parses `text` into memory from `sp` (the default resource if null): the
// document must not outlive it. Errors: `code`, "<what()> is not valid
// JSON: <reason>"; what() is called only for an error.
result<boost::json::value> parse_json(std::string_view text, errc code, function_ref<std::string()> what,
                                      boost::json::storage_ptr sp = {});

// Whether `text` is one JSON object by parse_json's syntax and depth limit
// (a repeated key, which parse_json refuses, does not matter here): the
// REST router's test of a malformed body (400) against a refused one (422).
bool is_json_object(std::string_view text);

// A JSON scalar as a value; nullopt, with the reason in *why (when not
// null), for arrays, objects, integers beyond int64 and numbers beyond a
// double's range (1e400).
std::optional<value> json_scalar(const boost::json::value& v, std::string* why = nullptr);

// `v` as compact JSON text, for messages.
std::string json_text(const boost::json::value& v);

}  // namespace relstore::detail
