// (v) An array field longer than 64 elements (or of bool, or of strings).
#include <array>

#include "common.hpp"

namespace cf {
struct Cloud {
  std::int64_t id = 0;
  std::array<float, 65> points{};
};
RELSTORE_MODEL(Cloud, id, points)
using schema = relstore::schema<relstore::models<Cloud>>;
std::size_t use() {
  relstore::store<schema> db;
  return db.size<Cloud>();
}
}  // namespace cf
