// (f) A model without RELSTORE_MODEL: the library says so before Boost.Describe
// or Boost.Mp11 say anything.
#include "common.hpp"

namespace cf {
struct Loose {
  std::int64_t id = 0;
};
using schema = relstore::schema<relstore::models<Customer, Loose>>;
std::size_t use() {
  relstore::store<schema> db;
  return db.size<Loose>();
}
}  // namespace cf
