#include "relstore/detail/regexp.hpp"

#include <algorithm>
#include <boost/regex.hpp>
#include <cstddef>
#include <exception>
#include <iterator>
#include <limits>

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

namespace {

constexpr std::size_t state_cap = BOOST_REGEX_MAX_STATE_COUNT;  // 1e8: Boost's cap on its N*N term

// A text's bytes seen as a bidirectional range. Boost.Regex cannot measure
// such a range, so it bounds a match by BOOST_REGEX_MAX_STATE_COUNT alone
// (perl_matcher::estimate_max_state_count): the cap regexp_state_bound
// puts on a bound that would exceed it.
class capped_iterator {
 public:
  using iterator_category = std::bidirectional_iterator_tag;
  using value_type = char;
  using difference_type = std::ptrdiff_t;
  using pointer = const char*;
  using reference = const char&;
  capped_iterator() = default;
  explicit capped_iterator(const char* p) noexcept : p_(p) {}
  reference operator*() const noexcept { return *p_; }
  capped_iterator& operator++() noexcept {
    ++p_;
    return *this;
  }
  capped_iterator operator++(int) noexcept { return capped_iterator(p_++); }
  capped_iterator& operator--() noexcept {
    --p_;
    return *this;
  }
  capped_iterator operator--(int) noexcept { return capped_iterator(p_--); }
  friend bool operator==(capped_iterator a, capped_iterator b) noexcept { return a.p_ == b.p_; }

 private:
  const char* p_ = nullptr;
};

// Boost.Regex's bound for a pattern of size s on a text of n bytes, before
// its N*S*S term is capped (saturating: only its size against state_cap matters).
std::size_t boost_state_bound(std::size_t s, std::size_t n) noexcept {
  constexpr std::size_t k = 100'000;
  static constexpr std::size_t big = std::numeric_limits<std::size_t>::max() / 4;
  s = std::max<std::size_t>(s, 1);
  n = std::max<std::size_t>(n, 1);
  const auto times = [](std::size_t a, std::size_t b) { return a > big / b ? big : a * b; };
  const std::size_t nss = times(times(s, s), n) + k;
  const std::size_t nn = std::min(times(n, n) + k, state_cap);
  return std::max(nss, nn);
}

}  // namespace

std::size_t regexp_state_bound(std::size_t pattern_bytes, std::size_t text_bytes) noexcept {
  return std::min(boost_state_bound(pattern_bytes, text_bytes), state_cap);
}

std::optional<bool> regexp_search(const regexp& r, std::string_view text) noexcept {
  try {
    const char* const b = text.data();
    const char* const e = b + text.size();
    if (boost_state_bound(r.re.size(), text.size()) <= state_cap) {
      return boost::regex_search(b, e, r.re, boost::match_default);
    }
    return boost::regex_search(capped_iterator(b), capped_iterator(e), r.re, boost::match_default);
  } catch (const std::exception&) {  // error_complexity, error_stack, bad_alloc
    return std::nullopt;
  }
}

}  // namespace relstore::detail
