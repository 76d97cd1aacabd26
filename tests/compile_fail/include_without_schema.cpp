// (k) include<"...">() where no RELSTORE_SCHEMA names the model's schema.
#include "common.hpp"

namespace cf {
auto use() { return relstore::filter<Customer>{}.include<"orders">(); }
}  // namespace cf
