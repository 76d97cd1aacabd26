// dataset: the self-described contents of a store, column by column, with
// its schema. It is what a snapshot holds, and what tools work on when they
// do not have the application's C++ types.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "relstore/error.hpp"
#include "relstore/registry.hpp"
#include "relstore/value.hpp"

namespace relstore {

// One field's values for every row of a model. Integers and booleans are
// held in `ints`, doubles in `doubles`, strings in `strings`; exactly one of
// them has `rows` elements. `nulls` has `rows` elements when the field is
// nullable (1 = null; the value slot then holds a default).
struct column {
  std::vector<std::int64_t> ints;
  std::vector<double> doubles;
  std::vector<std::string> strings;
  std::vector<std::uint8_t> nulls;
};

struct dataset_model {
  model_info info;  // accessors are null: a dataset has no C++ types
  std::size_t rows = 0;
  std::vector<column> columns;  // one per field of info
};

struct dataset {
  std::vector<dataset_model> models;
  // Only has_many relations; parent and child index `models`, keys index fields.
  struct relation {
    std::string name;
    std::string inverse;
    std::size_t parent = 0;
    std::size_t child = 0;
    std::size_t parent_key = 0;
    std::size_t child_key = 0;
    on_delete policy = on_delete::restrict;
  };
  std::vector<relation> relations;

  // REQUIRES: model < models.size(), row < rows, field < fields.
  value get(std::size_t model, std::size_t row, std::size_t field) const;
  // Appends a row of default values to `model` and returns its index.
  std::size_t add_row(std::size_t model);
  // Sets one cell; false with a reason on a type mismatch.
  bool set(std::size_t model, std::size_t row, std::size_t field, const value& v, std::string* why);
  std::optional<std::size_t> find_model(std::string_view name) const noexcept;
  std::size_t total_rows() const noexcept;
};

}  // namespace relstore
