// Small helpers shared by the test suites.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include <relstore/row.hpp>

// Defined when the tests are built with AddressSanitizer (GCC or clang).
#if defined(__SANITIZE_ADDRESS__)
#define RELSTORE_TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RELSTORE_TEST_ASAN 1
#endif
#endif

namespace test {

// Whether `text` (an error message) contains `part`.
inline bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// The entities of find() rows, in order.
template <class M>
std::vector<M> values_of(const relstore::rows<M>& rows) {
  std::vector<M> out;
  out.reserve(rows.size());
  for (const auto& r : rows) out.push_back(r.value);
  return out;
}

// The ids of what repo.find(f) returns (f a filter or JSON), in order;
// a failed find is a test failure and gives none.
template <class Repo, class F>
std::vector<std::int64_t> found_ids(const Repo& repo, const F& f) {
  auto r = repo.find(f);
  EXPECT_TRUE(r) << r.error().message();
  std::vector<std::int64_t> out;
  if (r) {
    for (const auto& e : *r) out.push_back(e->id);
  }
  return out;
}

}  // namespace test
