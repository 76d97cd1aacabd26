// Small helpers shared by the test suites.
#pragma once

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

}  // namespace test
