// Small helpers shared by the test suites.
#pragma once

#include <string>
#include <vector>

#include <relstore/row.hpp>

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
