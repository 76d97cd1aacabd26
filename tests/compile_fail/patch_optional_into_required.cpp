// A patch setting a required (not std::optional) field from an std::optional.
#include "common.hpp"

#include <optional>
#include <string>

namespace cf {
std::size_t use() {
  auto p = relstore::patch<Order>{}.set(&Order::note, std::optional<std::string>("gift"));
  return p.size();
}
}  // namespace cf
