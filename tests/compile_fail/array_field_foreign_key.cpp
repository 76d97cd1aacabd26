// (x) An array field as a relation's foreign key.
#include <array>

#include "common.hpp"

namespace cf {
struct Marker {
  std::int64_t id = 0;
  std::array<std::int64_t, 1> customerId{};
};
RELSTORE_MODEL(Marker, id, customerId)
using bad = relstore::has_many<"markers", Customer, Marker>;
std::size_t use() { return bad::child_key; }
}  // namespace cf
