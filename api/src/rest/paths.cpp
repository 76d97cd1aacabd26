#include "relstore/rest/paths.hpp"

#include <cctype>

namespace relstore::rest {

namespace {
bool is_vowel(char c) { return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u'; }
}  // namespace

std::string path_of(std::string_view model_name) {
  std::string out;
  out.reserve(model_name.size() + 4);
  for (std::size_t i = 0; i < model_name.size(); ++i) {
    const auto c = static_cast<unsigned char>(model_name[i]);
    if (std::isupper(c) != 0 && i > 0) {
      const auto before = static_cast<unsigned char>(model_name[i - 1]);
      if (std::islower(before) != 0 || std::isdigit(before) != 0) out += '-';
    }
    out += static_cast<char>(std::tolower(c));
  }
  const auto ends = [&](std::string_view tail) { return out.ends_with(tail); };
  if (ends("s") || ends("x") || ends("z") || ends("ch") || ends("sh")) {
    out += "es";
  } else if (out.size() >= 2 && out.back() == 'y' && !is_vowel(out[out.size() - 2])) {
    out.pop_back();
    out += "ies";
  } else {
    out += 's';
  }
  return out;
}

}  // namespace relstore::rest
