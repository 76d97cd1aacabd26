// A typed patch setting a std::uint8_t field from an int variable: the value
// is not known at compile time, so it needs a cast.
#include "common.hpp"

namespace cf {
std::size_t use(int level) {
  auto p = relstore::patch<Gauge>{}.set(&Gauge::level, level);
  return p.size();
}
}  // namespace cf
