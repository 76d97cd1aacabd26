// (z) A typed filter with an ordering operator on an array field: arrays
// take ==, !=, inq and nin only.
#include <array>

#include "common.hpp"

namespace cf {
struct Spot {
  std::int64_t id = 0;
  std::array<float, 3> position{};
};
RELSTORE_MODEL(Spot, id, position)
relstore::where<Spot> use() { return relstore::field(&Spot::position) < std::array<float, 3>{1, 2, 3}; }
}  // namespace cf
