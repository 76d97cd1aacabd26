// like / ilike against SQLite's LIKE on random texts and patterns: SQLite's
// default LIKE folds ASCII case only (ilike); with case_sensitive_like it
// is like.
#include "relstore/detail/where.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <random>
#include <string>

namespace like_test {

namespace {

class sqlite_like {
 public:
  sqlite_like() {
    EXPECT_EQ(sqlite3_open(":memory:", &db_), SQLITE_OK);
    EXPECT_EQ(sqlite3_prepare_v2(db_, "SELECT ?1 LIKE ?2", -1, &like_, nullptr), SQLITE_OK);
  }
  ~sqlite_like() {
    sqlite3_finalize(like_);
    sqlite3_close(db_);
  }
  void case_sensitive(bool on) {
    sqlite3_finalize(like_);
    EXPECT_EQ(sqlite3_exec(db_, on ? "PRAGMA case_sensitive_like=ON" : "PRAGMA case_sensitive_like=OFF", nullptr,
                           nullptr, nullptr),
              SQLITE_OK);
    EXPECT_EQ(sqlite3_prepare_v2(db_, "SELECT ?1 LIKE ?2", -1, &like_, nullptr), SQLITE_OK);
  }
  bool match(const std::string& text, const std::string& pattern) {
    sqlite3_reset(like_);
    sqlite3_bind_text(like_, 1, text.data(), static_cast<int>(text.size()), SQLITE_STATIC);
    sqlite3_bind_text(like_, 2, pattern.data(), static_cast<int>(pattern.size()), SQLITE_STATIC);
    EXPECT_EQ(sqlite3_step(like_), SQLITE_ROW);
    return sqlite3_column_int(like_, 0) != 0;
  }

 private:
  sqlite3* db_ = nullptr;
  sqlite3_stmt* like_ = nullptr;
};

// Texts over letters of both cases, digits, the wildcards themselves and
// a two-byte UTF-8 letter in both cases (not folded by either).
std::string random_text(std::mt19937_64& rng, bool pattern) {
  static const std::string plain[] = {"a", "A", "b", "B", "z", "Z", "0", "_", "%", "\xc3\xa9", "\xc3\x89"};
  static const std::string wild[] = {"%", "_"};
  std::string out;
  const auto n = rng() % 7;
  for (std::size_t i = 0; i < n; ++i) {
    // In a pattern a byte-level _ cannot match half of a UTF-8 letter in
    // SQLite (which matches characters), so patterns use ASCII only.
    const std::size_t choices = pattern ? 9 : 11;
    out += pattern && rng() % 3 == 0 ? wild[rng() % 2] : plain[rng() % choices];
  }
  return out;
}

TEST(Like, AgreesWithSqliteOnRandomTextsAndPatterns) {
  sqlite_like sq;
  std::mt19937_64 rng(11);
  int hits = 0;
  for (bool fold : {true, false}) {
    sq.case_sensitive(!fold);
    for (int i = 0; i < 20000; ++i) {
      const std::string text = random_text(rng, false), pattern = random_text(rng, true);
      // _ is one byte in relstore, one character in SQLite: they differ
      // only on a non-ASCII text, where relstore needs one _ per byte.
      const bool ascii = std::all_of(text.begin(), text.end(), [](char c) { return (c & 0x80) == 0; });
      if (!ascii && pattern.find('_') != std::string::npos) continue;
      const bool want = sq.match(text, pattern);
      ASSERT_EQ(relstore::detail::like_match(text, pattern, fold), want)
          << (fold ? "ilike" : "like") << " text \"" << text << "\" pattern \"" << pattern << "\"";
      hits += want;
    }
  }
  EXPECT_GT(hits, 2000) << "the generator must produce matches, not only misses";
}

}  // namespace

}  // namespace like_test
