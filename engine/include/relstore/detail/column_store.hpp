// column_store: the rows of every model of a schema, without C++ types,
// with that schema as a registry: what a snapshot holds, what the tools work
// on, what a dataset is. Internal.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "relstore/detail/column_table.hpp"
#include "relstore/detail/table_base.hpp"
#include "relstore/error.hpp"
#include "relstore/registry.hpp"

namespace relstore::detail {

class column_store {
 public:
  column_store() = default;
  column_store(column_store&&) noexcept = default;
  column_store& operator=(column_store&&) noexcept = default;

  // An empty store with `schema`'s models and relations.
  static column_store like(const registry& schema);

  // Adds a model with no rows; its accessors become column accessors.
  // Errors: the registry's (schema_error).
  result<std::size_t> add_model(model_info model);
  // Declares a has_many or has_one (registry::add_relation), and indexes
  // its keys. Errors: the registry's.
  result<std::size_t> add_relation(relation_kind kind, std::string_view name, std::string_view parent,
                                   std::string_view child, const has_many_options& options);
  // Declares a has_many_through (its keys are indexed by the relations it
  // needs). Errors: the registry's.
  result<std::size_t> add_has_many_through(std::string_view name, std::string_view parent, std::string_view target,
                                           std::string_view through, const has_many_through_options& options) {
    return schema_.add_has_many_through(name, parent, target, through, options);
  }

  const registry& schema() const noexcept { return schema_; }
  std::size_t model_count() const noexcept { return tables_.size(); }
  column_table& table(std::size_t model) { return tables_[model]; }
  const column_table& table(std::size_t model) const { return tables_[model]; }
  // tables[i] is model i's; invalidated by add_model.
  std::vector<const table_base*> bases() const;
  std::size_t total_rows() const noexcept;

 private:
  registry schema_;
  std::vector<column_table> tables_;
};

}  // namespace relstore::detail
