// (y) A secondary index on an array field (of any kind).
#include <array>

#include "common.hpp"

namespace cf {
struct Spot {
  std::int64_t id = 0;
  std::array<float, 3> position{};
};
RELSTORE_MODEL(Spot, id, position)
using schema = relstore::schema<relstore::models<Spot>, relstore::index<&Spot::position, relstore::ordered>>;
std::size_t use(const relstore::store<schema>& db) { return db.size<Spot>(); }
}  // namespace cf
