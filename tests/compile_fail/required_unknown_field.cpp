// (n) A required field the model does not have.
#include "common.hpp"

namespace cf {
struct Hero {
  std::int64_t id = 0;
  std::string name;
};
RELSTORE_MODEL(Hero, id, name)
RELSTORE_MODEL_SETTINGS(Hero, .required = {"nmae"})
using schema = relstore::schema<relstore::models<Hero>>;
std::size_t use() {
  relstore::store<schema> db;
  return db.size<Hero>();
}
}  // namespace cf
