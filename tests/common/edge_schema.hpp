// A model with a field of every type, and values at the edges of each, for
// exports that must keep every value exactly (export_sql's dialects).
#pragma once

#include <relstore/relstore.hpp>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace edges {

struct Value {
  std::int64_t id = 0;
  bool flag = false;
  std::int32_t small = 0;
  std::uint32_t count = 0;
  double real = 0;
  std::optional<double> maybe;
  std::string text;
  std::optional<std::string> note;
  friend bool operator==(const Value&, const Value&) = default;
};
RELSTORE_MODEL(Value, id, flag, small, count, real, maybe, text, note)

using schema = relstore::schema<relstore::models<Value>>;
using store = relstore::store<schema>;

// Doubles a text form could get wrong: signed zeros, denormals, the largest
// and smallest, fractions with no short binary form, infinities and NaN.
inline std::vector<double> edge_doubles() {
  using lim = std::numeric_limits<double>;
  return {0.0,
          -0.0,
          0.1,
          -1.5,
          1.0 / 3.0,
          1e300,
          -1e-300,
          lim::denorm_min(),
          2.2250738585072009e-308,
          lim::min(),
          lim::max(),
          -lim::max(),
          123456789012345678.0,
          9007199254740993.0,
          lim::infinity(),
          -lim::infinity(),
          lim::quiet_NaN()};
}

// Strings that need escaping or care: quotes, line breaks, tabs, backslashes
// (also ones that spell COPY's \N and \.), multi-byte UTF-8, SQL words.
inline std::vector<std::string> edge_strings() {
  return {"",
          "it's \"quoted\"",
          "line1\nline2\r\nline3",
          "tab\there\t",
          "back\\slash\\",
          "\\N",
          "\\.",
          "NULL",
          " padded ",
          "ünïcødé ✓ 𝄞 日本",
          "a,b;c|d",
          "--comment",
          "\x01\x1f\x7f controls"};
}

// One row per edge double and per edge string, with the integer extremes
// spread over them and every other row's optionals null.
inline std::vector<Value> edge_rows() {
  const std::vector<std::int64_t> ids = {std::numeric_limits<std::int64_t>::min(),
                                         std::numeric_limits<std::int64_t>::max(), -1, 1};
  const std::vector<std::int32_t> smalls = {std::numeric_limits<std::int32_t>::min(),
                                            std::numeric_limits<std::int32_t>::max(), 0, -7};
  const std::vector<std::uint32_t> counts = {0, std::numeric_limits<std::uint32_t>::max(), 1, 4000000000u};
  const auto doubles = edge_doubles();
  const auto strings = edge_strings();
  std::vector<Value> out;
  const std::size_t n = std::max(doubles.size(), strings.size());
  for (std::size_t i = 0; i < n; ++i) {
    Value v;
    v.id = i < ids.size() ? ids[i] : static_cast<std::int64_t>(i) * 1000;
    v.flag = i % 2 == 0;
    v.small = smalls[i % smalls.size()];
    v.count = counts[i % counts.size()];
    v.real = doubles[i % doubles.size()];
    if (i % 2 == 1) v.maybe = doubles[(i + 3) % doubles.size()];
    v.text = strings[i % strings.size()];
    if (i % 2 == 0) v.note = strings[(i + 5) % strings.size()];
    out.push_back(v);
  }
  return out;
}

}  // namespace edges

// Compiled once, in edge_schema.cpp, instead of in each test file.
RELSTORE_EXTERN_TABLES(edges::schema, edges::Value)
RELSTORE_EXTERN_MODELS(edges::Value)
