// A typed patch setting an integer field to 2.7.
#include "common.hpp"

namespace cf {
std::size_t use() {
  auto p = relstore::patch<Gauge>{}.set(&Gauge::height, 2.7);
  return p.size();
}
}  // namespace cf
