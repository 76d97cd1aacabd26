// (z) A field with both an ordered and an ordered_desc index: one would be
// dropped, so the schema refuses it.
#include "common.hpp"

namespace cf {
struct Racer {
  std::int64_t id = 0;
  double lap = 0;
};
RELSTORE_MODEL(Racer, id, lap)
using schema = relstore::schema<relstore::models<Racer>, relstore::index<&Racer::lap, relstore::ordered>,
                                relstore::index<&Racer::lap, relstore::ordered_desc>>;
std::size_t use(const relstore::store<schema>& db) { return db.size<Racer>(); }
}  // namespace cf
