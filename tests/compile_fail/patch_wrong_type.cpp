// (d) A patch setting a std::string field from a double.
#include "common.hpp"

namespace cf {
std::size_t use() {
  auto p = relstore::patch<Order>{}.set(&Order::note, 42.5);
  return p.size();
}
}  // namespace cf
