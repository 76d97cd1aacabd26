// (g) A field of a type relstore does not store.
#include "common.hpp"

namespace cf {
struct Odd {
  std::int64_t id = 0;
  char tag = 0;
};
RELSTORE_MODEL(Odd, id, tag)
using schema = relstore::schema<relstore::models<Odd>>;
std::size_t use() {
  relstore::store<schema> db;
  return db.size<Odd>();
}
}  // namespace cf
