#include "common.hpp"
int use() {
  auto p = relstore::patch<Order>{}.set(&Order::note, 42.5);
  return static_cast<int>(p.changes().size());
}
