// limits: bounds on the work one query or one input may ask for, so that no
// filter, payload or file makes relstore spend time or memory out of
// proportion to its size. The defaults are far above what a sane query
// reaches; a store's can be changed (store::set_limits). Exceeding one is
// errc::limit_exceeded, naming the limit.
//
// Vocabulary header: includes only other vocabulary headers.
#pragma once

#include <cstddef>

namespace relstore {

struct limits {
  // Nested include levels in one filter (an include of an include is 2).
  std::size_t max_include_depth = 8;
  // Rows all the includes of one find may bring, at every level together.
  std::size_t max_included_rows = 1'000'000;
  // Terms of one filter, or of a where alone (count, patch, delete): where
  // nodes and operands, order keys, fields and include entries, at every
  // level together.
  std::size_t max_filter_terms = 100'000;
};

}  // namespace relstore
