#include "relstore/detail/regexp.hpp"

#include <boost/regex.hpp>
#include <exception>

namespace relstore::detail {

struct regexp {
  boost::regex re;
};

std::shared_ptr<const regexp> compile_regexp(std::string_view operand, std::string* why) {
  if (operand.size() > max_regexp_bytes) {
    *why =
        "the pattern has " + std::to_string(operand.size()) + " bytes, more than " + std::to_string(max_regexp_bytes);
    return nullptr;
  }
  std::string_view body = operand;
  bool icase = false, multiline = false;
  if (const std::size_t close = operand.rfind('/'); operand.size() >= 2 && operand[0] == '/' && close > 0) {
    body = operand.substr(1, close - 1);
    for (char f : operand.substr(close + 1)) {
      if (f == 'i') {
        icase = true;
      } else if (f == 'm') {
        multiline = true;
      } else if (f != 'g') {
        *why = std::string("invalid regexp flag '") + f + "' (allowed: i, g, m)";
        return nullptr;
      }
    }
  }
  // JavaScript's defaults: ^ and $ only at the ends (unless m), . not a line break.
  boost::regex::flag_type flags = boost::regex::ECMAScript | boost::regex::no_mod_s;
  if (!multiline) flags |= boost::regex::no_mod_m;
  if (icase) flags |= boost::regex::icase;
  try {
    auto out = std::make_shared<regexp>();
    out->re.assign(body.data(), body.data() + body.size(), flags);
    return out;
  } catch (const boost::regex_error& e) {
    *why = std::string("invalid pattern: ") + e.what();
  } catch (const std::exception& e) {
    *why = std::string("cannot compile the pattern: ") + e.what();
  }
  return nullptr;
}

std::optional<bool> regexp_search(const regexp& r, std::string_view text) noexcept {
  try {
    return boost::regex_search(text.data(), text.data() + text.size(), r.re, boost::match_default);
  } catch (const std::exception&) {  // error_complexity, error_stack, bad_alloc
    return std::nullopt;
  }
}

}  // namespace relstore::detail
