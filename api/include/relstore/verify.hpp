// verify_dataset: the integrity check of a dataset, the same one a typed
// store's load runs (detail/verify.hpp).
#pragma once

#include <cstddef>
#include <functional>
#include <vector>

#include "relstore/dataset.hpp"
#include "relstore/violation.hpp"

namespace relstore {

// Called now and then with the work done and the work in all; may be empty.
using progress_fn = std::function<void(std::size_t done, std::size_t total)>;

// Checks unique primary keys, unique parent keys (key_from), and that every
// foreign key names an existing parent or is null. Returns every violation,
// duplicates first (model by model), then dangling keys (relation by
// relation), rows in stored order.
std::vector<violation> verify_dataset(const dataset& data, const progress_fn& progress = {});

}  // namespace relstore
