// std::array fields through the snapshot tool's library functions: dump (JSON
// Lines, CSV, table), import (JSON and CSV, whose cell is the array's JSON
// text), diff, info and export_sql (SQLite TEXT holding the JSON array,
// PostgreSQL arrays of the element's type).
#include <gtest/gtest.h>

#include <array>
#include <limits>
#include <sstream>
#include <string>

#include "relstore/diff.hpp"
#include "relstore/dump.hpp"
#include "relstore/export_sql.hpp"
#include "relstore/import.hpp"
#include "relstore/snapshot.hpp"

#include "common/game_schema.hpp"
#include "common/snapshot_helpers.hpp"
#include "common/test_helpers.hpp"

namespace array_fields_tools_test {

namespace {

using relstore::errc;
using test::has;

relstore::dataset bodies() {
  game::store db;
  game::fill_bodies(db);
  return test::dataset_of(db);
}

std::string dump(const relstore::dataset& ds, relstore::dump_format format) {
  std::ostringstream out;
  auto r = relstore::dump_dataset(ds, {.model = "Body", .format = format}, out);
  EXPECT_TRUE(r) << r.error().message();
  return out.str();
}

relstore::result<relstore::dataset> import_csv(const std::string& schema, const std::string& text) {
  relstore::import_source src;
  src.format = relstore::import_source::kind::csv;
  src.model = "Body";
  src.name = "b.csv";
  src.text = text;
  return relstore::import_data(schema, {src});
}

// `text`, a dump of Body in `format`, imported back under `schema`.
relstore::result<relstore::dataset> import_dump(const std::string& schema, relstore::dump_format format,
                                                const std::string& text) {
  if (format == relstore::dump_format::csv) return import_csv(schema, text);
  relstore::import_source src;
  src.text = text;
  return relstore::import_data(schema, {src});
}

TEST(ArrayTools, DumpsWriteJsonArrays) {
  const auto ds = bodies();
  const std::string jsonl = dump(ds, relstore::dump_format::jsonl);
  EXPECT_TRUE(has(jsonl, R"({"model":"Body","row":{"id":1,"position":[0.1,-2.5,3],"tilt":[-128,127],)"
                         R"("tags":[0,18446744073709551615],"velocity":[0.5,-1e+300],"color":null}})"))
      << jsonl;
  const std::string csv = dump(ds, relstore::dump_format::csv);
  EXPECT_TRUE(has(csv,
                  "id,position,tilt,tags,velocity,color\n"
                  "1,\"[0.1,-2.5,3]\",\"[-128,127]\",\"[0,18446744073709551615]\",\"[0.5,-1e+300]\",\n"))
      << csv;
  EXPECT_TRUE(has(csv, "\n3,\"[1,2,3]\",\"[1,2]\",\"[3,4]\",\"[1,2]\",\"[1,2,3,4]\"\n")) << csv;
  const std::string table = dump(ds, relstore::dump_format::table);
  EXPECT_TRUE(has(table, " [0.1,-2.5,3] ")) << table;
  EXPECT_TRUE(has(table, " [-32768,32767,0,7]")) << table;
}

TEST(ArrayTools, CsvAndJsonLinesImportBackExactly) {
  const auto ds = bodies();
  const std::string schema = relstore::schema_json(ds);
  EXPECT_TRUE(has(schema, R"({"name":"position","type":"array","element":"float32","length":3})")) << schema;
  EXPECT_TRUE(has(schema, R"({"name":"color","type":"array","optional":true,"element":"int16","length":4})")) << schema;
  for (auto format : {relstore::dump_format::csv, relstore::dump_format::jsonl}) {
    const std::string text = dump(ds, format);
    auto back = import_dump(schema, format, text);
    ASSERT_TRUE(back) << back.error().message();
    EXPECT_EQ(dump(*back, format), text);
    // And into the typed store, equal to what was dumped.
    std::stringstream buf;
    ASSERT_TRUE(relstore::write_snapshot(*back, buf));
    game::store db;
    auto loaded = relstore::load(db, buf);
    ASSERT_TRUE(loaded) << loaded.error().message();
    for (const auto& b : game::extreme_bodies()) EXPECT_EQ(db.repo<game::Body>().find_by_id(b.id).value(), b);
  }
}

// Regression: an array's -0.0 was written "-0", which JSON reads as the
// integer 0: dump then import gave +0.0 and diff saw a change.
TEST(ArrayTools, NegativeZeroInAnArrayComesBackNegative) {
  game::store db;
  ASSERT_TRUE(db.repo<game::Body>().create({.id = 1, .position = {-0.0f, 1, 2}, .velocity = {-0.0, 0.5}}));
  const auto ds = test::dataset_of(db);
  const std::string schema = relstore::schema_json(ds);
  for (auto format : {relstore::dump_format::csv, relstore::dump_format::jsonl}) {
    const std::string text = dump(ds, format);
    EXPECT_TRUE(has(text, "[-0.0,1,2]")) << text;
    EXPECT_TRUE(has(text, "[-0.0,0.5]")) << text;
    auto back = import_dump(schema, format, text);
    ASSERT_TRUE(back) << back.error().message();
    EXPECT_EQ(dump(*back, format), text);
    const auto diff = relstore::diff_datasets(ds, *back);
    ASSERT_TRUE(diff) << diff.error().message();
    for (const auto& m : *diff) EXPECT_EQ(m.changed, 0u) << m.model;
  }
}

// Regression: an array's NaN or infinity was dumped to CSV as null, which
// import refused, and JSON Lines wrote null too. CSV now spells them as a
// scalar cell does and reads them back bit for bit; JSON Lines refuses them
// before writing anything.
TEST(ArrayTools, NanAndInfinityInAnArrayComeBackThroughCsvAndJsonLinesRefusesThem) {
  using lim = std::numeric_limits<double>;
  game::store db;
  ASSERT_TRUE(db.repo<game::Body>().create({.id = 1,
                                            .position = {std::numeric_limits<float>::infinity(), -0.0f, 2},
                                            .velocity = {lim::quiet_NaN(), -lim::infinity()}}));
  ASSERT_TRUE(db.repo<game::Body>().create({.id = 2, .velocity = {-lim::quiet_NaN(), lim::denorm_min()}}));
  const auto ds = test::dataset_of(db);
  const std::string csv = dump(ds, relstore::dump_format::csv);
  EXPECT_TRUE(has(csv, "1,\"[Infinity,-0.0,2]\",")) << csv;
  EXPECT_TRUE(has(csv, "\"[NaN,-Infinity]\"")) << csv;
  EXPECT_TRUE(has(csv, "\"[-NaN,5e-324]\"")) << csv;
  auto back = import_csv(relstore::schema_json(ds), csv);
  ASSERT_TRUE(back) << back.error().message();
  EXPECT_EQ(dump(*back, relstore::dump_format::csv), csv);
  // JSON's blanks, line breaks included, may surround elements (REGRESSION: "[1\n,2]" was refused).
  std::string spaced = csv;
  spaced.replace(spaced.find("[Infinity,"), 10, "[ Infinity\r\n,");
  auto blanks = import_csv(relstore::schema_json(ds), spaced);
  ASSERT_TRUE(blanks) << blanks.error().message();
  EXPECT_EQ(dump(*blanks, relstore::dump_format::csv), csv);
  const auto diff = relstore::diff_datasets(ds, *back);
  ASSERT_TRUE(diff) << diff.error().message();
  for (const auto& m : *diff) EXPECT_EQ(m.changed, 0u) << m.model;

  // An element reads as a scalar cell does: .5 as well as -.5.
  auto halves = import_csv(relstore::schema_json(ds),
                           "id,position,tilt,tags,velocity\n9,\"[.5,-.5,1]\",\"[1,2]\",\"[1,2]\",\"[.5,-.5]\"\n");
  ASSERT_TRUE(halves) << halves.error().message();
  EXPECT_TRUE(has(dump(*halves, relstore::dump_format::csv), "9,\"[0.5,-0.5,1]\",\"[1,2]\",\"[1,2]\",\"[0.5,-0.5]\""));
  // "-0" is -0.0 in an array of floats, as in a float cell, and 0 in one of
  // integers (REGRESSION: a float array read it as the integer 0: the sign was lost).
  auto zeros = import_csv(relstore::schema_json(ds),
                          "id,position,tilt,tags,velocity\n8,\"[-0,1,2]\",\"[-0,2]\",\"[1,2]\",\"[1,-0]\"\n");
  ASSERT_TRUE(zeros) << zeros.error().message();
  EXPECT_TRUE(has(dump(*zeros, relstore::dump_format::csv), "8,\"[-0.0,1,2]\",\"[0,2]\",\"[1,2]\",\"[1,-0.0]\""))
      << dump(*zeros, relstore::dump_format::csv);

  std::ostringstream out;
  auto refused = relstore::dump_dataset(ds, {.model = "Body"}, out);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, errc::invalid_argument);
  EXPECT_TRUE(has(refused.error().message(), "Body.position of Body 1 is [Infinity,-0,2], which JSON cannot hold"))
      << refused.error().message();
  EXPECT_EQ(out.str(), "");
}

TEST(ArrayTools, ImportRejectsAnArrayThatDoesNotFitNamingModelFieldAndValue) {
  const std::string schema = relstore::schema_json(bodies());
  auto expect_error = [&](const std::string& row, const std::string& says) {
    auto ds = import_csv(schema, "id,position,tilt,tags,velocity\n" + row + "\n");
    ASSERT_FALSE(ds) << row;
    EXPECT_EQ(ds.error().code, errc::invalid_argument);
    EXPECT_TRUE(has(ds.error().message(), says)) << ds.error().message();
  };
  expect_error("1,\"[1,2]\",\"[1,2]\",\"[1,2]\",\"[1,2]\"",
               "b.csv:2: Body.position: expects float32[3], got 2 elements [1,2]");
  expect_error("1,\"[1,2,3]\",\"[1,200]\",\"[1,2]\",\"[1,2]\"", "Body.tilt: element 1 of [1,200]: 200 is out of range");
  expect_error("1,\"[1,2,3]\",\"[1,2]\",\"[-1,2]\",\"[1,2]\"", "Body.tags");
  expect_error("1,1,\"[1,2]\",\"[1,2]\",\"[1,2]\"", "Body.position");
  expect_error("1,\"[1,2,x]\",\"[1,2]\",\"[1,2]\",\"[1,2]\"", "Body.position");
  auto json = relstore::import_json(R"({"Body":[{"id":1,"tilt":[1,2,3]}]})", schema);
  ASSERT_FALSE(json);
  EXPECT_TRUE(has(json.error().message(), "Body[0].tilt: expects int8[2], got 3 elements [1,2,3]"))
      << json.error().message();
  auto bad_schema =
      relstore::import_json(R"({"Body":[]})", R"({"models":[{"name":"Body","fields":[{"name":"id","type":"int64"},)"
                                              R"({"name":"p","type":"array","element":"string","length":3}]}]})");
  ASSERT_FALSE(bad_schema);
  EXPECT_TRUE(has(bad_schema.error().message(), "needs an \"element\" number type and a \"length\" from 1 to 64"))
      << bad_schema.error().message();
}

TEST(ArrayTools, DiffComparesArraysElementByElement) {
  game::store a;
  game::fill_bodies(a);
  game::store b = a;
  ASSERT_TRUE(b.repo<game::Body>().update_by_id(
      2, relstore::patch<game::Body>{}.set(&game::Body::position, std::array<float, 3>{1, 2, 3})));
  std::vector<std::string> changed;
  relstore::diff_options o;
  o.on_row = [&](const relstore::row_change& c) {
    for (const auto& f : c.fields) {
      changed.push_back(std::string(f.name) + " " + relstore::describe(f.before) + " -> " +
                        relstore::describe(f.after));
    }
  };
  const auto d = relstore::diff_datasets(test::dataset_of(a), test::dataset_of(b), o).value();
  for (const auto& m : d) EXPECT_EQ(m.changed, m.model == "Body" ? 1u : 0u) << m.model;
  ASSERT_EQ(changed.size(), 1u);
  EXPECT_TRUE(has(changed[0], "position [3.4028234663852886e+38,-3.4028234663852886e+38,0] -> [1,2,3]")) << changed[0];
}

TEST(ArrayTools, InfoShowsElementTypeAndLength) {
  game::store db;
  game::fill_bodies(db);
  const std::string info = test::info_of(db, "bodies.snap");
  EXPECT_TRUE(has(info, "\n    position float32[3]\n")) << info;
  EXPECT_TRUE(has(info, "\n    color int16[4] (optional)\n")) << info;
}

TEST(ArrayTools, ExportSqlTypesPerDialect) {
  const auto ds = bodies();
  std::ostringstream sqlite, pg;
  ASSERT_TRUE(relstore::export_sql(ds, sqlite));
  EXPECT_TRUE(has(sqlite.str(),
                  "  \"position\" TEXT NOT NULL CHECK (json_array_length(\"position\") = 3),\n"
                  "  \"tilt\" TEXT NOT NULL CHECK (json_array_length(\"tilt\") = 2),\n"))
      << sqlite.str();
  EXPECT_TRUE(has(sqlite.str(), "  \"color\" TEXT CHECK (json_array_length(\"color\") = 4),\n")) << sqlite.str();
  EXPECT_TRUE(has(sqlite.str(),
                  "VALUES (1, '[0.1,-2.5,3]', '[-128,127]', '[0,18446744073709551615]', "
                  "'[0.5,-1e+300]', NULL);"))
      << sqlite.str();
  ASSERT_TRUE(relstore::export_sql(ds, pg, {.dialect = relstore::sql_dialect::postgresql}));
  EXPECT_TRUE(has(pg.str(),
                  "  \"position\" REAL[] NOT NULL CHECK (cardinality(\"position\") = 3),\n"
                  "  \"tilt\" SMALLINT[] NOT NULL CHECK (cardinality(\"tilt\") = 2),\n"
                  "  \"tags\" NUMERIC(20)[] NOT NULL CHECK (cardinality(\"tags\") = 2),\n"
                  "  \"velocity\" DOUBLE PRECISION[] NOT NULL CHECK (cardinality(\"velocity\") = 2),\n"
                  "  \"color\" SMALLINT[] CHECK (cardinality(\"color\") = 4),\n"))
      << pg.str();
  EXPECT_TRUE(has(pg.str(), "\n1\t{0.1,-2.5,3}\t{-128,127}\t{0,18446744073709551615}\t{0.5,-1e+300}\t\\N\n"))
      << pg.str();

  // JSON has no NaN: SQLite's JSON text refuses one, PostgreSQL keeps it.
  game::store odd;
  ASSERT_TRUE(odd.repo<game::Body>().create({.id = 7, .velocity = {std::numeric_limits<double>::quiet_NaN(), 1.0}}));
  std::ostringstream refused, kept;
  auto r = relstore::export_sql(test::dataset_of(odd), refused);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::invalid_argument);
  EXPECT_TRUE(has(r.error().message(), "Body.velocity is [NaN,1]")) << r.error().message();
  EXPECT_EQ(refused.str(), "");
  ASSERT_TRUE(relstore::export_sql(test::dataset_of(odd), kept, {.dialect = relstore::sql_dialect::postgresql}));
  EXPECT_TRUE(has(kept.str(), "\t{NaN,1}\t")) << kept.str();
}

}  // namespace

}  // namespace array_fields_tools_test
