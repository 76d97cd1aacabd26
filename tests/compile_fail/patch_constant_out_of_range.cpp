// A typed patch setting a std::uint8_t field to the constant 300.
#include "common.hpp"

namespace cf {
std::size_t use() {
  auto p = relstore::patch<Gauge>{}.set(&Gauge::level, 300);
  return p.size();
}
}  // namespace cf
