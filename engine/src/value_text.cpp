// Field values as text, in a format's spelling.
#include "relstore/detail/value_text.hpp"

#include <charconv>
#include <cmath>
#include <cstdint>

#include "relstore/detail/value_ops.hpp"

namespace relstore::detail {

void append_value(const value_view& v, const value_spelling& spelling, std::string& out, const field_info* field) {
  char buf[32];
  if (field != nullptr && field->enumeration) {
    if (const auto* e = enumerator_of(*field->enumeration, v)) {
      spelling.string(e->name, out);
      return;
    }
  }
  const bool as_float = field != nullptr && field->type == field_type::float32;
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
        out += spelling.nan;
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
    default:
      spelling.string(std::get<std::string_view>(v), out);
  }
}

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
