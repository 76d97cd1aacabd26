// Entities as JSON objects (row::to_json, tools).
#include "relstore/detail/json_write.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <string>

namespace relstore::detail {
namespace {

void write_string(std::string_view s, std::string& out) {
  out += '"';
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += ch;
        }
    }
  }
  out += '"';
}

void write_value(const value_view& v, std::string& out) {
  switch (v.index()) {
    case 0:
      out += "null";
      break;
    case 1:
      out += std::get<bool>(v) ? "true" : "false";
      break;
    case 2:
      out += std::to_string(std::get<std::int64_t>(v));
      break;
    case 3: {
      const double d = std::get<double>(v);
      if (!std::isfinite(d)) {
        out += "null";  // JSON has no NaN or infinity
        break;
      }
      char buf[32];
      auto res = std::to_chars(buf, buf + sizeof buf, d);
      out.append(buf, res.ptr);
      break;
    }
    default:
      write_string(std::get<std::string_view>(v), out);
  }
}

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
    write_value(model.fields[i].get(entity), out);
  }
  out += '}';
}

}  // namespace relstore::detail
