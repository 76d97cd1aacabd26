// Entities as JSON objects (row::to_json, tools).
#include "relstore/detail/json_write.hpp"

#include <cstdio>
#include <string>

#include "relstore/detail/value_text.hpp"

namespace relstore::detail {
namespace {

void write_string(std::string_view s, std::string& out) {
  out += '"';
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (append_backslash_escape(ch, out)) continue;
    if (c == '"') {
      out += "\\\"";
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += ch;
    }
  }
  out += '"';
}

// JSON has no NaN or infinity: null.
constexpr value_spelling json_spelling{"null", "true", "false", "null", "null", "null", false, write_string};

}  // namespace

void write_json(const model_info& model, const void* entity, std::uint64_t mask, std::string& out) {
  out += '{';
  bool first = true;
  for (std::size_t i = 0; i < model.fields.size(); ++i) {
    if (!(mask & (std::uint64_t{1} << i))) continue;
    if (!first) out += ',';
    first = false;
    write_string(model.fields[i].name, out);
    out += ':';
    append_value(model.fields[i].get(entity), json_spelling, out);
  }
  out += '}';
}

}  // namespace relstore::detail
