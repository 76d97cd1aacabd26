// query_plan: how a find was answered, for tests and tuning (repository::explain).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace relstore {

enum class access_kind : std::uint8_t {
  full_scan,    // every entity of the model was examined
  index_equal,  // one equal_range of an index
  index_in,     // one equal_range per `inq` value
  index_range,  // a range (eq, gt, gte, lt, lte, between) of an ordered index
  index_order,  // an ordered index walked in the filter's order until the page was full
};
// Hashed indexes answer eq and inq; ranges need an ordered index (index.hpp).

struct query_plan {
  std::string model;
  std::string index;  // the indexed field used; empty for a full scan
  access_kind access = access_kind::full_scan;
  // Entities the index walk or scan met and judged: the where clause is
  // evaluated on each, unless it is one eq or inq the index answers exactly.
  std::size_t examined = 0;
  std::size_t matched = 0;  // entities it accepted (before skip and limit)
};

}  // namespace relstore
