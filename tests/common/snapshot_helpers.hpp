// Helpers for snapshot tests: every round trip goes through dataset_of, and
// schema edits through reshape.
#pragma once

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include <relstore/snapshot.hpp>
#include <relstore/snapshot_info.hpp>

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

// The bytes of a snapshot of `db`, saved to a stream.
template <class Store>
std::string saved_bytes(const Store& db) {
  std::stringstream out;
  EXPECT_TRUE(relstore::save(db, out));
  return out.str();
}

// A dataset of one model `name` and one row: an int64 id of 1, then one
// field per `fields` holding the matching `values`.
inline relstore::dataset one_row(const std::string& name, const std::vector<relstore::field_info>& fields,
                                 const std::vector<relstore::value>& values) {
  relstore::model_info m;
  m.name = name;
  m.fields.push_back({.name = "id"});
  m.fields.insert(m.fields.end(), fields.begin(), fields.end());
  relstore::registry reg;
  EXPECT_TRUE(reg.add_model(m));
  relstore::dataset ds(reg);
  const std::size_t row = ds.add_row(0);
  std::string why;
  EXPECT_TRUE(ds.set(0, row, 0, std::int64_t{1}, &why)) << why;
  for (std::size_t i = 0; i < values.size(); ++i) EXPECT_TRUE(ds.set(0, row, i + 1, values[i], &why)) << why;
  return ds;
}

// A snapshot of `ds`, in memory.
inline std::stringstream snapshot_of(const relstore::dataset& ds) {
  std::stringstream buf;
  auto w = relstore::write_snapshot(ds, buf);
  EXPECT_TRUE(w) << w.error().message();
  return buf;
}

// What `relstore-snapshot info` prints for a snapshot of `db` named `file`.
template <class Store>
std::string info_of(const Store& db, const std::string& file) {
  std::stringstream buf;
  EXPECT_TRUE(relstore::save(db, buf));
  relstore::snapshot_header header;
  auto ds = relstore::read_snapshot(buf, &header);
  EXPECT_TRUE(ds);
  if (!ds) return {};
  std::ostringstream out;
  relstore::describe_snapshot(file, header, *ds, out);
  return out.str();
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
    EXPECT_TRUE(added) << (added ? "" : added.error().message());
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
