// text_escape: how text and XML snapshots write byte strings, exactly.
#include "relstore/detail/text_escape.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace text_escape_test {

namespace {

using relstore::detail::escape_text;
using relstore::detail::unescape_text;

TEST(TextEscape, PrintableUtf8IsKeptAndTheRestEscaped) {
  EXPECT_EQ(escape_text("gift"), "gift");
  EXPECT_EQ(escape_text("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 <&\"'"),
            "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 <&\"'");
  EXPECT_EQ(escape_text("a\\b\nc\td\re"), "a\\\\b\\nc\\td\\re");
  EXPECT_EQ(escape_text(std::string("\0\x01\x1f\x7f", 4)), "\\x00\\x01\\x1f\\x7f");
  EXPECT_EQ(escape_text("\xff\xfe"), "\\xff\\xfe");
  EXPECT_EQ(escape_text("\xc3"), "\\xc3") << "cut short";
  EXPECT_EQ(escape_text("\xc3x"), "\\xc3x") << "no continuation byte";
  EXPECT_EQ(escape_text("\xc0\xaf"), "\\xc0\\xaf") << "overlong";
  EXPECT_EQ(escape_text("\xe0\x80\xaf"), "\\xe0\\x80\\xaf") << "overlong";
  EXPECT_EQ(escape_text("\xed\xa0\x80"), "\\xed\\xa0\\x80") << "surrogate";
  EXPECT_EQ(escape_text("\xf4\x90\x80\x80"), "\\xf4\\x90\\x80\\x80") << "past U+10FFFF";
  EXPECT_EQ(escape_text("\xf4\x8f\xbf\xbf"), "\xf4\x8f\xbf\xbf") << "U+10FFFF itself";
}

TEST(TextEscape, UnescapeRefusesUnknownAndCutShortEscapes) {
  for (const char* bad : {"\\", "a\\", "\\q", "\\x", "\\x4", "\\xg0", "\\x0g", "\\u0041"}) {
    EXPECT_FALSE(unescape_text(bad).has_value()) << bad;
  }
  EXPECT_EQ(unescape_text("\\x41\\X").value_or("?"), "?");
  EXPECT_EQ(unescape_text("\\x4A\\x4a raw \xff").value(), "JJ raw \xff") << "either case; raw bytes as they are";
}

// Every one- and two-byte string, and random ones, come back exactly, and
// what escape_text writes needs no escaping of its own but its backslashes.
TEST(TextEscape, EveryByteStringRoundTrips) {
  const auto check = [](const std::string& s) {
    const std::string text = escape_text(s);
    ASSERT_EQ(unescape_text(text).value_or("<refused>"), s);
    std::string again = escape_text(text);
    std::string unescaped_backslashes;
    for (std::size_t i = 0; i < again.size(); ++i) {
      unescaped_backslashes += again[i];
      if (again[i] == '\\') ++i;
    }
    ASSERT_EQ(unescaped_backslashes, text) << "escape_text's output is printable UTF-8";
  };
  for (int a = 0; a < 256; ++a) {
    check(std::string(1, static_cast<char>(a)));
    for (int b = 0; b < 256; ++b) check(std::string{static_cast<char>(a), static_cast<char>(b)});
  }
  std::mt19937 rng(13);
  for (int i = 0; i < 2000; ++i) {
    std::string s(rng() % 12, '\0');
    for (auto& c : s) c = static_cast<char>(rng() % 4 == 0 ? 0x80 + rng() % 0x80 : rng() % 256);
    check(s);
  }
}

}  // namespace

}  // namespace text_escape_test
