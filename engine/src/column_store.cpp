// A schema's rows without C++ types.
#include "relstore/detail/column_store.hpp"

#include "relstore/assert.hpp"

namespace relstore::detail {

column_store column_store::like(const registry& schema) {
  column_store out;
  for (std::size_t m = 0; m < schema.model_count(); ++m) {
    auto r = out.add_model(schema.model(m));
    RELSTORE_ASSERT(r.has_value(), "column_store::like: a registered model was refused");
  }
  for (std::size_t i = 0; i < schema.relations().size(); ++i) {
    const relation_info& rel = schema.relations()[i];
    if (!is_parent_side(rel.kind)) continue;
    auto r = out.add_relation(rel.kind, rel.name, schema.model(rel.parent).name, schema.model(rel.child).name,
                              schema.declaration(i));
    RELSTORE_ASSERT(r.has_value(), "column_store::like: a registered relation was refused");
  }
  for (std::size_t i = 0; i < schema.relations().size(); ++i) {
    const relation_info& rel = schema.relations()[i];
    if (rel.kind != relation_kind::has_many_through) continue;
    auto r = out.add_has_many_through(rel.name, schema.model(rel.parent).name, schema.model(rel.child).name,
                                      schema.model(rel.through).name, schema.through_declaration(i));
    RELSTORE_ASSERT(r.has_value(), "column_store::like: a registered relation was refused");
  }
  return out;
}

result<std::size_t> column_store::add_model(model_info model) {
  auto added = schema_.add_model(column_table::with_column_accessors(std::move(model)));
  if (!added) return added;
  tables_.emplace_back(schema_.model(*added));
  return added;
}

result<std::size_t> column_store::add_relation(relation_kind kind, std::string_view name, std::string_view parent,
                                               std::string_view child, const has_many_options& options) {
  auto added = schema_.add_relation(kind, name, parent, child, options);
  if (!added) return added;
  const relation_info& r = schema_.relations()[*added];
  if (r.parent_key != schema_.model(r.parent).primary_key) tables_[r.parent].add_index(r.parent_key, true);
  tables_[r.child].add_index(r.child_key, false);
  return added;
}

std::vector<const table_base*> column_store::bases() const {
  std::vector<const table_base*> out;
  out.reserve(tables_.size());
  for (const auto& t : tables_) out.push_back(&t);
  return out;
}

std::size_t column_store::total_rows() const noexcept {
  std::size_t n = 0;
  for (const auto& t : tables_) n += t.rows();
  return n;
}

}  // namespace relstore::detail
