// (w) An array field as the primary key: a key is std::int64_t or std::string.
#include <array>

#include "common.hpp"

namespace cf {
struct Cell {
  std::array<std::int32_t, 2> id{};
};
RELSTORE_MODEL(Cell, id)
using schema = relstore::schema<relstore::models<Cell>>;
std::size_t use() {
  relstore::store<schema> db;
  return db.size<Cell>();
}
}  // namespace cf
