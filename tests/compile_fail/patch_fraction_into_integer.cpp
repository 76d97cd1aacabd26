// A typed patch setting an integer field to 2.7.
#include "common.hpp"

namespace cf {
struct Gauge {
  std::int64_t id = 0;
  std::int16_t height = 0;
};
RELSTORE_MODEL(Gauge, id, height)

std::size_t use() {
  auto p = relstore::patch<Gauge>{}.set(&Gauge::height, 2.7);
  return p.size();
}
}  // namespace cf
