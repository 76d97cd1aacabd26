// dataset: the contents of a store without its C++ types: every model's rows,
// column by column, with the schema as a registry. It is what a snapshot
// holds, and what tools work on when they do not have the application's
// types. The same engine checks it: its schema passed the registry's rules,
// and verify_dataset runs the integrity check a typed store's load runs.
//
// Not synchronised. Cell views (string values) are invalidated by any write.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "relstore/detail/column_store.hpp"
#include "relstore/error.hpp"
#include "relstore/model_info.hpp"
#include "relstore/registry.hpp"
#include "relstore/value.hpp"

namespace relstore {

// One field's values for every row of a model (see detail::column). Its
// number cells are cell_vectors: std::vectors whose allocator puts 2 MiB or
// more in huge pages.
using column = detail::column;
template <class T>
using cell_vector = detail::cell_vector<T>;

namespace detail {
struct dataset_access;
}  // namespace detail

class dataset {
 public:
  // No models.
  dataset() = default;
  // No rows, with `schema`'s models and relations.
  explicit dataset(const registry& schema) : data_(detail::column_store::like(schema)) {}
  dataset(dataset&&) noexcept = default;
  dataset& operator=(dataset&&) noexcept = default;

  const registry& schema() const noexcept { return data_.schema(); }
  std::size_t model_count() const noexcept { return data_.model_count(); }
  std::optional<std::size_t> find_model(std::string_view name) const noexcept { return schema().find_model(name); }
  // REQUIRES for all below: model < model_count(), row < rows(model), field
  // < the model's field count.
  const model_info& model(std::size_t model) const { return schema().model(model); }
  std::size_t rows(std::size_t model) const { return data_.table(model).rows(); }
  std::size_t total_rows() const noexcept { return data_.total_rows(); }

  value_view get(std::size_t model, std::size_t row, std::size_t field) const {
    return data_.table(model).get(row, field);
  }
  // Sets one cell; false with a reason on a type or range mismatch.
  bool set(std::size_t model, std::size_t row, std::size_t field, const value& v, std::string* why) {
    return data_.table(model).set(row, field, v, why);
  }
  // Appends a row of default values (null where nullable); returns its index.
  std::size_t add_row(std::size_t model) { return data_.table(model).add_row(); }

  // Direct access to a column, e.g. to build or damage data in bulk. After
  // changing the number of values, call resize(model, rows). The reference
  // is invalidated, for writing, by any read of the dataset (a find, dump,
  // verify, ...), which indexes the column as it is then. REQUIRES: to
  // change the column after a read, take the reference again with cells().
  column& cells(std::size_t model, std::size_t field) { return data_.table(model).at(field); }
  const column& cells(std::size_t model, std::size_t field) const { return data_.table(model).at(field); }
  // REQUIRES: every column of `model` holds `rows` values.
  void resize(std::size_t model, std::size_t rows) { data_.table(model).set_rows(rows); }

 private:
  friend struct detail::dataset_access;
  explicit dataset(detail::column_store data) : data_(std::move(data)) {}

  detail::column_store data_;
};

namespace detail {
// The engine's view of a dataset, for snapshots and tools.
struct dataset_access {
  static column_store& of(dataset& d) noexcept { return d.data_; }
  static const column_store& of(const dataset& d) noexcept { return d.data_; }
  static dataset make(column_store data) { return dataset(std::move(data)); }
};
}  // namespace detail

}  // namespace relstore
