// Numeric command-line options of relstore's programs.
#pragma once

#include <boost/program_options/errors.hpp>
#include <charconv>
#include <string>
#include <system_error>

namespace tools {

// The value of a numeric option: a whole number in [lo, hi], nothing else
// (no sign on unsigned, no trailing text), or a usage error naming the option.
template <class Int>
Int whole_number(const char* option, const std::string& text, Int lo, Int hi) {
  Int v{};
  const char* const last = text.data() + text.size();
  const auto [end, ec] = std::from_chars(text.data(), last, v);
  if (ec != std::errc{} || end != last || v < lo || v > hi) {
    throw boost::program_options::error(std::string("--") + option + " expects a whole number from " +
                                        std::to_string(lo) + " to " + std::to_string(hi) + ", not '" + text + "'");
  }
  return v;
}

}  // namespace tools
