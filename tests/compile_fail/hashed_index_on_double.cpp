// (q) A hashed or unique index cannot be on a floating-point field (an
// ordered one can: control_ok).
#include "common.hpp"

namespace cf {
struct Score {
  std::int64_t id = 0;
  double value = 0;
};
RELSTORE_MODEL(Score, id, value)
using schema = relstore::schema<relstore::models<Score>, relstore::index<&Score::value, relstore::hashed>>;
std::size_t use(const relstore::store<schema>& db) { return db.size<Score>(); }
}  // namespace cf
