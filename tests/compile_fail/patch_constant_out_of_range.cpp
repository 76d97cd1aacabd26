// A typed patch setting a std::uint8_t field to the constant 300.
#include "common.hpp"

namespace cf {
struct Gauge {
  std::int64_t id = 0;
  std::uint8_t level = 0;
};
RELSTORE_MODEL(Gauge, id, level)

std::size_t use() {
  auto p = relstore::patch<Gauge>{}.set(&Gauge::level, 300);
  return p.size();
}
}  // namespace cf
