// Helpers for snapshot tests: every round trip goes through dataset_of, and
// schema edits through reshape.
#pragma once

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include <relstore/snapshot.hpp>

namespace test {

// The dataset a snapshot of `db` holds.
template <class Store>
relstore::dataset dataset_of(const Store& db) {
  std::stringstream out;
  EXPECT_TRUE(relstore::save(db, out));
  auto ds = relstore::read_snapshot(out);
  EXPECT_TRUE(ds);
  return ds ? std::move(*ds) : relstore::dataset{};
}

// A has_many as reshape() lets a test edit it.
struct relation_decl {
  std::string name, parent, child;
  relstore::has_many_options options;
};

// A copy of `ds` after edit(models, relations) changed its schema. Each
// column is carried over by model and field name when its type is unchanged;
// any other column of a kept model is filled with default values (rows
// keep their count).
template <class Edit>
relstore::dataset reshape(const relstore::dataset& ds, Edit edit) {
  const relstore::registry& old = ds.schema();
  std::vector<relstore::model_info> models;
  for (std::size_t m = 0; m < old.model_count(); ++m) models.push_back(old.model(m));
  std::vector<relation_decl> relations;
  for (std::size_t i = 0; i < old.relations().size(); ++i) {
    const auto& r = old.relations()[i];
    if (r.kind != relstore::relation_kind::has_many) continue;
    relations.push_back({r.name, old.model(r.parent).name, old.model(r.child).name, old.declaration(i)});
  }
  edit(models, relations);
  relstore::registry reg;
  for (auto& m : models) EXPECT_TRUE(reg.add_model(m)) << m.name;
  for (auto& r : relations) {
    auto added = reg.add_has_many(r.name, r.parent, r.child, r.options);
    EXPECT_TRUE(added) << (added ? "" : added.error().message);
  }
  relstore::dataset out(reg);
  for (std::size_t m = 0; m < out.model_count(); ++m) {
    auto from = ds.find_model(out.model(m).name);
    if (!from) continue;
    const std::size_t rows = ds.rows(*from);
    for (std::size_t f = 0; f < out.model(m).fields.size(); ++f) {
      const relstore::field_info& field = out.model(m).fields[f];
      auto g = ds.model(*from).find_field(field.name);
      relstore::column& col = out.cells(m, f);
      if (g && ds.model(*from).fields[*g].type == field.type && ds.model(*from).fields[*g].nullable == field.nullable) {
        col = ds.cells(*from, *g);
        continue;
      }
      if (field.nullable) col.nulls.assign(rows, 1);
      if (field.type == relstore::field_type::string) {
        col.strings.assign(rows, "");
      } else if (field.type == relstore::field_type::float64 || field.type == relstore::field_type::float32) {
        col.doubles.assign(rows, 0.0);
      } else {
        col.ints.assign(rows, 0);
      }
    }
    out.resize(m, rows);
  }
  return out;
}

}  // namespace test
