// JSON documents and scalars.
#include "relstore/detail/json_value.hpp"

#include "relstore/detail/value_ops.hpp"

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/parser.hpp>
#include <boost/json/serialize.hpp>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <deque>
#include <unordered_set>
#include <vector>

namespace relstore::detail {

namespace json = boost::json;

namespace {

// The syntax every JSON input is read with (parse_json, is_json_object).
json::parse_options json_parse_options() {
  json::parse_options opt;
  opt.max_depth = max_json_depth;
  return opt;
}

// The first key that appears twice in one object of `text`, which is valid
// JSON. Boost.JSON keeps the last of them silently; relstore refuses them.
// Keys are views into `text` unless written with an escape (then decoded);
// an object's keys are searched linearly up to 16, hashed beyond: a small
// filter allocates next to nothing here.
std::optional<std::string> repeated_key(std::string_view text) {
  constexpr std::size_t linear = 16;
  struct level {
    bool object;
    bool expect_key;
    std::size_t first;  // index of its first key in `keys`
    std::unordered_set<std::string_view> many;
  };
  std::vector<level> stack;
  std::vector<std::string_view> keys;  // the keys of the open objects, outermost first
  std::deque<std::string> decoded;     // keys written with escapes (stable addresses)
  for (std::size_t i = 0; i < text.size(); ++i) {
    switch (text[i]) {
      case '{':
        stack.push_back({true, true, keys.size(), {}});
        break;
      case '[':
        stack.push_back({false, false, keys.size(), {}});
        break;
      case '}':
      case ']':
        if (!stack.empty()) {
          keys.resize(stack.back().first);
          stack.pop_back();
        }
        break;
      case ',':
        if (!stack.empty() && stack.back().object) stack.back().expect_key = true;
        break;
      case '"': {
        std::size_t j = i + 1;
        bool escaped = false, any_escape = false;
        for (; j < text.size(); ++j) {
          if (escaped) {
            escaped = false;
          } else if (text[j] == '\\') {
            escaped = any_escape = true;
          } else if (text[j] == '"') {
            break;
          }
        }
        if (!stack.empty() && stack.back().object && stack.back().expect_key) {
          level& l = stack.back();
          const std::string_view raw = text.substr(i, j - i + 1);
          std::string_view key = raw.substr(1, raw.size() - 2);
          if (any_escape) key = decoded.emplace_back(json::parse(raw).as_string());
          const std::size_t count = keys.size() - l.first;
          const bool seen = count < linear ? std::find(keys.begin() + static_cast<std::ptrdiff_t>(l.first), keys.end(),
                                                       key) != keys.end()
                                           : l.many.count(key) != 0;
          if (seen) return std::string(key);
          keys.push_back(key);
          if (count + 1 == linear) {
            l.many.insert(keys.begin() + static_cast<std::ptrdiff_t>(l.first), keys.end());
          } else if (count + 1 > linear) {
            l.many.insert(key);
          }
          l.expect_key = false;
        }
        i = j;
        break;
      }
      default:
        break;
    }
  }
  return std::nullopt;
}

// The index of the quote closing the string that opens at text[open] (or
// text.size() if none does).
std::size_t string_end(std::string_view text, std::size_t open) noexcept {
  std::size_t i = open + 1;
  for (; i < text.size() && text[i] != '"'; ++i) {
    if (text[i] == '\\') ++i;
  }
  return std::min(i, text.size());
}

// How many object keys `text` (valid JSON) writes: a string is a key when
// the next character past blanks is ':'. No allocation.
std::size_t keys_written(std::string_view text) {
  std::size_t n = 0;
  const std::size_t size = text.size();
  for (std::size_t i = 0; i < size; ++i) {
    if (text[i] != '"') continue;
    i = string_end(text, i);
    std::size_t k = i + 1;
    while (k < size && (text[k] == ' ' || text[k] == '\t' || text[k] == '\n' || text[k] == '\r')) ++k;
    if (k < size && text[k] == ':') ++n;
  }
  return n;
}

// What one walk of a parsed document finds: how many keys it kept, and
// whether it holds a double.
struct kept {
  std::size_t keys = 0;
  bool doubles = false;
};
void measure(const json::value& v, kept& out) {
  if (const json::object* o = v.if_object()) {
    out.keys += o->size();
    for (const auto& kv : *o) measure(kv.value(), out);
  } else if (const json::array* a = v.if_array()) {
    for (const auto& e : *a) measure(e, out);
  } else if (v.is_double()) {
    out.doubles = true;
  }
}

// The number tokens of a valid JSON text, one at a time in document order:
// what lies outside strings and starts with - or a digit.
class number_tokens {
 public:
  explicit number_tokens(std::string_view text) noexcept : text_(text) {}
  // The next token; empty when there is none.
  std::string_view next() noexcept {
    const std::size_t size = text_.size();
    for (; at_ < size; ++at_) {
      const char c = text_[at_];
      if (c == '"') {
        at_ = string_end(text_, at_);
      } else if (c == '-' || (c >= '0' && c <= '9')) {
        const std::size_t start = at_;
        for (++at_; at_ < size && (std::isdigit(static_cast<unsigned char>(text_[at_])) != 0 || text_[at_] == '.' ||
                                   text_[at_] == 'e' || text_[at_] == 'E' || text_[at_] == '+' || text_[at_] == '-');
             ++at_) {
        }
        return text_.substr(start, at_ - start);
      }
    }
    return {};
  }

 private:
  std::string_view text_;
  std::size_t at_ = 0;
};

// Sets each double of `v` to the double nearest its token, the numbers of v
// meeting the tokens in document order. False once the tokens run out.
bool set_exact_doubles(json::value& v, number_tokens& tokens) {
  if (json::object* o = v.if_object()) {
    for (auto& kv : *o) {
      if (!set_exact_doubles(kv.value(), tokens)) return false;
    }
    return true;
  }
  if (json::array* a = v.if_array()) {
    for (auto& e : *a) {
      if (!set_exact_doubles(e, tokens)) return false;
    }
    return true;
  }
  if (!v.is_number()) return true;
  const std::string_view token = tokens.next();
  if (token.empty()) return false;
  if (v.is_double()) {
    double d = 0;
    const auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), d);
    // A token past a double's range stays as Boost.JSON read it (0 or infinity).
    if (ec == std::errc() && end == token.data() + token.size()) v = d;
  }
  return true;
}

// Boost.JSON 1.81 reads some decimals one unit in the last place off the
// nearest double (474.59380568556355 as 474.5938056855635): every double
// of `v` is read again from its token, exactly, so that a value written in
// shortest form compares equal when read back. REQUIRES: `v` is `text`
// parsed, no key repeated (the numbers kept follow the text's order).
void read_doubles_exactly(std::string_view text, json::value& v) {
  number_tokens tokens(text);
  set_exact_doubles(v, tokens);
}

// " at line L, column C": where a parse of `text` stops, for a message
// about a multi-line document (nothing for one line).
std::string where_parsing_stops(std::string_view text, const json::parse_options& opt) {
  if (text.find('\n') == std::string_view::npos) return {};
  json::parser p(json::storage_ptr(), opt);
  std::error_code ec;
  const std::size_t at = std::min(p.write_some(text.data(), text.size(), ec), text.size());
  const std::string_view before = text.substr(0, at);
  const std::size_t line_start = before.rfind('\n') == std::string_view::npos ? 0 : before.rfind('\n') + 1;
  return " at line " + std::to_string(std::count(before.begin(), before.end(), '\n') + 1) + ", column " +
         std::to_string(at - line_start + 1);
}

}  // namespace

bool is_json_object(std::string_view text) {
  std::error_code ec;
  const json::value v =
      json::parse(json::string_view(text.data(), text.size()), ec, json::storage_ptr(), json_parse_options());
  return !ec && v.is_object();
}

result<json::value> parse_json(std::string_view text, errc code, function_ref<std::string()> what,
                               json::storage_ptr sp) {
  std::error_code ec;
  const json::parse_options opt = json_parse_options();
  json::value v = json::parse(json::string_view(text.data(), text.size()), ec, std::move(sp), opt);
  if (ec) return make_error(code, what() + " is not valid JSON: " + ec.message() + where_parsing_stops(text, opt));
  // Boost.JSON drops all but the last of a repeated key: fewer keys kept
  // than written means one was repeated; only then find which.
  kept found;
  measure(v, found);
  if (found.keys != keys_written(text)) {
    if (auto key = repeated_key(text)) {
      return make_error(code, what() + " names the key " + json_text(json::string(*key)) + " twice in one object");
    }
    return v;  // the numbers kept no longer follow the text's order
  }
  if (found.doubles) read_doubles_exactly(text, v);
  return v;
}

std::optional<value> json_scalar(const json::value& v, std::string* why) {
  auto no = [&](std::string_view reason) -> std::optional<value> {
    if (why != nullptr) *why = reason;
    return std::nullopt;
  };
  switch (v.kind()) {
    case json::kind::null:
      return value(null);
    case json::kind::bool_:
      return value(v.get_bool());
    case json::kind::int64:
      return value(v.get_int64());
    case json::kind::uint64:  // Boost.JSON's kind for an integer above INT64_MAX
      return integer_value(v.get_uint64());
    case json::kind::double_:
      // JSON has no infinity: a number too large for a double (1e400) is refused.
      if (!std::isfinite(v.get_double())) return no(beyond_double_range);
      return value(v.get_double());
    case json::kind::string:
      return value(std::string(v.get_string()));
    case json::kind::array: {  // an array field's value: numbers only
      const json::array& a = v.get_array();
      if (a.size() > max_extent) return no("is an array longer than any array field (64)");
      array_value out;
      out.items.reserve(a.size());
      for (const json::value& e : a) {
        if (!e.is_number()) return no("is an array with an element that is not a number");
        auto n = json_scalar(e, why);
        if (!n) return std::nullopt;
        out.items.push_back(detail::as_view(*n));  // a number: nothing points into *n
      }
      return value(std::move(out));
    }
    default:
      return no("is an object, not a scalar");
  }
}

std::string json_text(const json::value& v) {
  // Boost.JSON writes 2.5 as 2.5E0; a message says 2.5.
  if (v.is_double()) return describe(value(v.get_double()));
  return json::serialize(v);
}

}  // namespace relstore::detail
