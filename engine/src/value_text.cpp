// Field values as text, in a format's spelling.
#include "relstore/detail/value_text.hpp"

#include <charconv>
#include <cmath>
#include <cstdint>

#include "relstore/detail/value_ops.hpp"

namespace relstore::detail {

namespace {
void append_scalar(const value_view& v, const value_spelling& spelling, std::string& out, bool as_float);
}  // namespace

void append_value(const value_view& v, const value_spelling& spelling, std::string& out, const field_info* field) {
  if (field != nullptr && field->enumeration) {
    if (const auto* e = enumerator_of(*field->enumeration, v)) {
      spelling.string(e->name, out);
      return;
    }
  }
  // A float32 field's value, or an element of a float32 array field's.
  const bool floats = field != nullptr && cell_type(*field) == field_type::float32;
  if (const auto* a = std::get_if<array_view>(&v)) {
    out += spelling.open;
    for (std::size_t i = 0; i < a->size(); ++i) {
      if (i != 0) out += ',';
      append_scalar((*a)[i], spelling, out, floats);
    }
    out += spelling.close;
    return;
  }
  append_scalar(v, spelling, out, floats);
}

namespace {
void append_scalar(const value_view& v, const value_spelling& spelling, std::string& out, bool as_float) {
  char buf[32];
  switch (v.index()) {
    case 0:
      out += spelling.null;
      return;
    case 1:
      out += std::get<bool>(v) ? spelling.yes : spelling.no;
      return;
    case 2: {
      auto r = std::to_chars(buf, buf + sizeof buf, std::get<std::int64_t>(v));
      out.append(buf, r.ptr);
      return;
    }
    case 5: {
      auto r = std::to_chars(buf, buf + sizeof buf, std::get<std::uint64_t>(v));
      out.append(buf, r.ptr);
      return;
    }
    case 3: {
      const double d = std::get<double>(v);
      if (std::isnan(d)) {
        out += std::signbit(d) && !spelling.negative_nan.empty() ? spelling.negative_nan : spelling.nan;
      } else if (d == 0 && std::signbit(d) && !spelling.negative_zero.empty()) {
        out += spelling.negative_zero;
      } else if (std::isinf(d)) {
        out += d > 0 ? spelling.infinity : spelling.negative_infinity;
      } else {
        // A float32 field's double is a float: converting it back is exact.
        const char* end = as_float ? std::to_chars(buf, buf + sizeof buf, static_cast<float>(d)).ptr
                                   : std::to_chars(buf, buf + sizeof buf, d).ptr;
        const std::string_view text(buf, static_cast<std::size_t>(end - buf));
        out += text;
        if (spelling.mark_reals && text.find_first_of(".e") == std::string_view::npos) out += ".0";
      }
      return;
    }
    case 4:
      spelling.string(std::get<std::string_view>(v), out);
      return;
    default:  // an array inside an array: never a field's value
      out += spelling.null;
  }
}
}  // namespace

bool append_backslash_escape(char c, std::string& out) {
  switch (c) {
    case '\\':
      out += "\\\\";
      return true;
    case '\n':
      out += "\\n";
      return true;
    case '\r':
      out += "\\r";
      return true;
    case '\t':
      out += "\\t";
      return true;
    default:
      return false;
  }
}

}  // namespace relstore::detail
