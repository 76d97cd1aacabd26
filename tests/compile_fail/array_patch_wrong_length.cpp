// (r) A typed patch setting a float[3] array field from a float[2] array: the
// value's type is known, so a length that does not fit is a compile error.
#include <array>

#include "common.hpp"

namespace cf {
struct Spot {
  std::int64_t id = 0;
  std::array<float, 3> position{};
};
RELSTORE_MODEL(Spot, id, position)
std::size_t use() {
  auto p = relstore::patch<Spot>{}.set(&Spot::position, std::array<float, 2>{1, 2});
  return p.size();
}
}  // namespace cf
