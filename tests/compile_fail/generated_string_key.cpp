// (o) generated_key on a model whose key is a string.
#include "common.hpp"

namespace cf {
struct Tag {
  std::string id;
};
RELSTORE_MODEL(Tag, id)
RELSTORE_MODEL_SETTINGS(Tag, .generated_key = true)
using schema = relstore::schema<relstore::models<Tag>>;
std::size_t use() {
  relstore::store<schema> db;
  return db.size<Tag>();
}
}  // namespace cf
