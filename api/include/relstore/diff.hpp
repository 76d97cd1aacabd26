// diff_datasets: what changed between two datasets, model by model.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "relstore/dataset.hpp"
#include "relstore/error.hpp"

namespace relstore {

// Per model, the entities only in `b` (added), only in `a` (removed), and in
// both with different field values (changed), matched by primary key. Fields
// are compared by name where both sides have them. Errors: already_exists
// when a side holds a primary key twice (matching by key is then ambiguous).
struct model_diff {
  std::string model;
  std::size_t added = 0;
  std::size_t removed = 0;
  std::size_t changed = 0;
};
result<std::vector<model_diff>> diff_datasets(const dataset& a, const dataset& b);

}  // namespace relstore
