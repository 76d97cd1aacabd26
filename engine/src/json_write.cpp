// Entities as JSON objects (row::to_json, dump).
//
// Boost.JSON writes every string (names and values, with its escaping) and
// every integer, through one serializer per call: no DOM, no allocation.
// Doubles are the exception: Boost.JSON 1.81 always writes them in
// exponent form (30 as 3E1, 12.5 as 1.25E1) and NaN and infinity as the
// non-JSON tokens NaN and Infinity; std::to_chars gives the same shortest
// round-trip digits in the plain form dumps and tests have always had, and
// non-finite values are null. Measured against the hand-written writer this
// replaces and against a json::object per row: bench/json_write_bench.cpp,
// figures in docs/benchmarks.md.
#include "relstore/detail/json_write.hpp"

#include <boost/json/serializer.hpp>
#include <boost/json/string_view.hpp>
#include <boost/json/value.hpp>
#include <cmath>
#include <string>

#include "relstore/detail/text_escape.hpp"
#include "relstore/detail/value_ops.hpp"
#include "relstore/detail/value_text.hpp"

namespace relstore::detail {
namespace {

namespace json = boost::json;

// Appends what `sr` was reset to.
void drain(json::serializer& sr, std::string& out) {
  char buf[512];
  while (!sr.done()) {
    const json::string_view s = sr.read(buf);
    out.append(s.data(), s.size());
  }
}

// Doubles as value_text writes them; JSON has no NaN or infinity: null.
constexpr value_spelling json_numbers{"null", "true",  "false", "null", "null", "null",
                                      false,  nullptr, "[",     "]",    "-0.0"};

void write_value(json::serializer& sr, const value_view& v, std::string& out, const field_info* field) {
  if (field != nullptr && field->enumeration) {
    if (const auto* e = enumerator_of(*field->enumeration, v)) {
      sr.reset(json::string_view(e->name));
      drain(sr, out);
      return;
    }
  }
  switch (v.index()) {
    case 0:
      out += "null";
      break;
    case 1:
      out += std::get<bool>(v) ? "true" : "false";
      break;
    case 2: {
      const json::value n(std::get<std::int64_t>(v));
      sr.reset(&n);
      drain(sr, out);
      break;
    }
    case 5: {
      const json::value n(std::get<std::uint64_t>(v));
      sr.reset(&n);
      drain(sr, out);
      break;
    }
    case 3:
      append_value(v, json_numbers, out, field);
      break;
    case 6:  // an array of numbers: [1,2.5,3]
      append_value(v, json_numbers, out, field);
      break;
    default: {
      // JSON text is UTF-8: an ill-formed byte (C++ strings are bytes) is
      // written as U+FFFD, never passed on.
      std::string_view s = std::get<std::string_view>(v);
      std::string fixed;
      if (invalid_utf8_at(s) != std::string_view::npos) s = fixed = with_replacement_characters(s);
      sr.reset(json::string_view(s));
      drain(sr, out);
    }
  }
}

}  // namespace

void write_json(const model_info& model, const void* entity, std::uint64_t mask, std::string& out) {
  json::serializer sr;
  out += '{';
  bool first = true;
  for (std::size_t i = 0; i < model.fields.size(); ++i) {
    if (!(mask & (std::uint64_t{1} << i))) continue;
    if (!first) out += ',';
    first = false;
    sr.reset(json::string_view(model.fields[i].name));
    drain(sr, out);
    out += ':';
    write_value(sr, model.fields[i].get(entity), out, &model.fields[i]);
  }
  out += '}';
}

void write_json_value(const value_view& v, std::string& out, const field_info* field) {
  json::serializer sr;
  write_value(sr, v, out, field);
}

}  // namespace relstore::detail
