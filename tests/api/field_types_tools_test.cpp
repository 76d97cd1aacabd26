// float, int8/int16, uint8/uint16/uint64 and enum fields through the
// snapshot tool's library functions: dump (JSON Lines, CSV, table), import,
// export_sql and info.
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "relstore/dump.hpp"
#include "relstore/export_sql.hpp"
#include "relstore/import.hpp"
#include "relstore/snapshot.hpp"
#include "relstore/snapshot_tool.hpp"

#include "common/game_schema.hpp"
#include "common/snapshot_helpers.hpp"
#include "common/temp_dir.hpp"
#include "common/test_helpers.hpp"

namespace field_types_tools_test {

// game::Unit with speed widened to a double and the other fields gone.
namespace widened {
struct Unit {
  std::int64_t id = 0;
  double speed = 0;
};
RELSTORE_MODEL(Unit, id, speed)
using store = relstore::store<relstore::schema<relstore::models<Unit>>>;
}  // namespace widened

namespace {

using relstore::errc;
using test::has;

// What `relstore-snapshot diff` prints, as JSON Lines and as a table, for
// `a` and `b` saved to files that differ (exit status 1).
struct diff_output {
  std::string jsonl, table;
};
template <class A, class B>
diff_output diff_of(const A& a, const B& b) {
  test::temp_dir dir;
  const std::string x = (dir.path() / "a.snap").string(), y = (dir.path() / "b.snap").string();
  EXPECT_TRUE(relstore::save(a, x));
  EXPECT_TRUE(relstore::save(b, y));
  auto diff = [&](const char* format) {
    const std::vector<const char*> argv{"relstore-snapshot", "diff", "--format", format, x.c_str(), y.c_str()};
    std::ostringstream out, err;
    EXPECT_EQ(relstore::run_snapshot_tool(static_cast<int>(argv.size()), argv.data(), out, err), 1) << err.str();
    return out.str();
  };
  return {diff("jsonl"), diff("table")};
}

relstore::dataset units() {
  game::store db;
  game::fill(db);
  return test::dataset_of(db);
}

relstore::dataset items() {
  game::store db;
  game::fill_items(db);
  return test::dataset_of(db);
}

std::string dump(const relstore::dataset& ds, relstore::dump_format format, const char* model = "Unit") {
  std::ostringstream out;
  auto r = relstore::dump_dataset(ds, {.model = model, .format = format}, out);
  EXPECT_TRUE(r) << r.error().message();
  return out.str();
}

// `text`, a dump of `model` in `format`, imported back under `schema`.
relstore::result<relstore::dataset> import_back(const std::string& schema, relstore::dump_format format,
                                                const std::string& text, const char* model) {
  relstore::import_source src;
  src.text = text;
  if (format == relstore::dump_format::csv) {
    src.format = relstore::import_source::kind::csv;
    src.model = model;
  }
  return relstore::import_data(schema, {src});
}

TEST(FieldTypeTools, DumpWritesFloatsShortAndUint64InFull) {
  const auto ds = units();
  const std::string jsonl = dump(ds, relstore::dump_format::jsonl);
  EXPECT_TRUE(has(jsonl,
                  R"({"model":"Unit","row":{"id":2,"speed":-3.5,"tilt":127,"height":32767,"level":255,"ammo":65535,)"
                  R"("serial":18446744073709551615,"boost":1.5,"token":18446744073709551615}})"))
      << jsonl;
  const std::string csv = dump(ds, relstore::dump_format::csv);
  EXPECT_TRUE(has(csv, "id,speed,tilt,height,level,ammo,serial,boost,token\n1,0.1,-128,-32768,0,0,0,,\n")) << csv;
  EXPECT_TRUE(has(csv, "\n3,3.4028235e+38,0,0,1,1,9223372036854775807,1e-45,9223372036854775808\n")) << csv;
  const std::string table = dump(ds, relstore::dump_format::table);
  EXPECT_TRUE(has(table, "18446744073709551615")) << table;
  EXPECT_TRUE(has(table, " 0.1 ")) << table;
}

TEST(FieldTypeTools, DumpFiltersUint64AboveInt64Max) {
  std::ostringstream out;
  auto r = relstore::dump_dataset(
      units(), {.model = "Unit", .filter_json = R"({"where":{"serial":{"gt":9223372036854775807}},"fields":["id"]})"},
      out);
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(out.str(), "{\"model\":\"Unit\",\"row\":{\"id\":2}}\n{\"model\":\"Unit\",\"row\":{\"id\":4}}\n");
}

TEST(FieldTypeTools, CsvAndJsonLinesImportBackExactly) {
  const auto ds = units();
  const std::string schema = relstore::schema_json(ds);
  EXPECT_TRUE(has(schema, R"({"name":"level","type":"uint8"})")) << schema;
  EXPECT_TRUE(has(schema, R"({"name":"boost","type":"float32","optional":true})")) << schema;
  for (auto format : {relstore::dump_format::csv, relstore::dump_format::jsonl}) {
    const std::string text = dump(ds, format);
    auto back = import_back(schema, format, text, "Unit");
    ASSERT_TRUE(back) << back.error().message();
    EXPECT_EQ(dump(*back, format), text);
  }
}

TEST(FieldTypeTools, ImportRejectsAValueThatDoesNotFitNamingModelFieldAndValue) {
  const std::string schema = R"({"models":[{"name":"Unit","fields":[{"name":"id","type":"int64"},)"
                             R"({"name":"level","type":"uint8"},{"name":"speed","type":"float32"},)"
                             R"({"name":"serial","type":"uint64"}]}]})";
  auto expect_error = [&](const std::string& csv, const std::string& says) {
    relstore::import_source src;
    src.format = relstore::import_source::kind::csv;
    src.model = "Unit";
    src.name = "u.csv";
    src.text = csv;
    auto ds = relstore::import_data(schema, {src});
    ASSERT_FALSE(ds) << csv;
    EXPECT_EQ(ds.error().code, errc::invalid_argument);
    EXPECT_TRUE(has(ds.error().message(), says)) << ds.error().message();
  };
  expect_error("id,level,speed,serial\n1,300,0,0\n", "u.csv:2: Unit.level: 300 is out of range for uint8");
  expect_error("id,level,speed,serial\n1,2.7,0,0\n", "Unit.level");
  expect_error("id,level,speed,serial\n1,1,1e39,0\n", "Unit.speed: 1e+39 is out of range for float32");
  expect_error("id,level,speed,serial\n1,1,0,18446744073709551616\n", "Unit.serial");
  expect_error("id,level,speed,serial\n1,1,0,-1\n", "Unit.serial");
  auto json = relstore::import_json(R"({"Unit":[{"id":1,"level":256,"speed":0,"serial":0}]})", schema);
  ASSERT_FALSE(json);
  EXPECT_TRUE(has(json.error().message(), "Unit[0].level: 256 is out of range for uint8")) << json.error().message();
}

TEST(FieldTypeTools, ExportSqlTypesPerDialect) {
  const auto ds = units();
  std::ostringstream sqlite, pg;
  ASSERT_TRUE(relstore::export_sql(ds, pg, {.dialect = relstore::sql_dialect::postgresql}));
  EXPECT_TRUE(has(pg.str(),
                  "CREATE TABLE \"Unit\" (\n  \"id\" BIGINT NOT NULL,\n  \"speed\" REAL NOT NULL,\n"
                  "  \"tilt\" SMALLINT NOT NULL,\n  \"height\" SMALLINT NOT NULL,\n  \"level\" SMALLINT NOT NULL,\n"
                  "  \"ammo\" INTEGER NOT NULL,\n  \"serial\" NUMERIC(20) NOT NULL,\n  \"boost\" REAL,\n"
                  "  \"token\" NUMERIC(20),\n"))
      << pg.str();
  EXPECT_TRUE(has(pg.str(), "\n2\t-3.5\t127\t32767\t255\t65535\t18446744073709551615\t1.5\t18446744073709551615\n"))
      << pg.str();
  EXPECT_TRUE(has(pg.str(), "\n1\t0.1\t-128\t-32768\t0\t0\t0\t\\N\t\\N\n")) << pg.str();

  // SQLite's INTEGER is an int64: a uint64 above INT64_MAX is refused, not rounded.
  auto r = relstore::export_sql(ds, sqlite);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::invalid_argument);
  EXPECT_TRUE(has(r.error().message(), "Unit.serial is 18446744073709551615")) << r.error().message();
  EXPECT_EQ(sqlite.str(), "");

  game::store small;
  ASSERT_TRUE(small.repo<game::Unit>().create({.id = 1, .speed = 0.1f, .tilt = -128, .serial = game::int64_max}));
  std::ostringstream ok;
  ASSERT_TRUE(relstore::export_sql(test::dataset_of(small), ok));
  EXPECT_TRUE(has(ok.str(), "  \"speed\" REAL NOT NULL,\n  \"tilt\" INTEGER NOT NULL,\n")) << ok.str();
  EXPECT_TRUE(has(ok.str(), "VALUES (1, 0.1, -128, 0, 0, 0, 9223372036854775807, NULL, NULL);")) << ok.str();
}

TEST(EnumTools, DumpsShowNamesAndImportReadsThemBack) {
  const auto ds = items();
  const std::string jsonl = dump(ds, relstore::dump_format::jsonl, "Item");
  EXPECT_TRUE(has(jsonl, R"({"model":"Item","row":{"id":2,"kind":"potion","spare":"shield"}})")) << jsonl;
  const std::string csv = dump(ds, relstore::dump_format::csv, "Item");
  EXPECT_EQ(csv, "id,kind,spare\n1,\"sword\",\n2,\"potion\",\"shield\"\n3,\"sword\",\n");
  EXPECT_TRUE(has(dump(ds, relstore::dump_format::table, "Item"), " potion "))
      << dump(ds, relstore::dump_format::table, "Item");
  const std::string schema = relstore::schema_json(ds);
  EXPECT_TRUE(has(
      schema, R"({"name":"kind","type":"uint8","enum":{"name":"kind","values":{"sword":0,"shield":1,"potion":7}}})"))
      << schema;
  for (auto format : {relstore::dump_format::csv, relstore::dump_format::jsonl}) {
    const std::string text = format == relstore::dump_format::csv ? csv : jsonl;
    auto back = import_back(schema, format, text, "Item");
    ASSERT_TRUE(back) << back.error().message();
    EXPECT_EQ(dump(*back, format, "Item"), text);
  }
  std::ostringstream filtered;
  ASSERT_TRUE(relstore::dump_dataset(ds, {.model = "Item", .filter_json = R"({"where":{"kind":"potion"}})"}, filtered));
  EXPECT_EQ(filtered.str(), "{\"model\":\"Item\",\"row\":{\"id\":2,\"kind\":\"potion\",\"spare\":\"shield\"}}\n");
}

// `text` as the CSV input i.csv of model Item.
relstore::import_source item_csv(std::string_view text) {
  relstore::import_source src;
  src.format = relstore::import_source::kind::csv;
  src.model = "Item";
  src.name = "i.csv";
  src.text = text;
  return src;
}

// Regression: CSV refused an enumerator's value ("1" is not a kind), where
// JSON and the docs take a name or a value.
TEST(EnumTools, CsvImportTakesANameOrAValue) {
  const std::string schema = relstore::schema_json(items());
  relstore::import_source src = item_csv("id,kind\n1,1\n2,potion\n3,7\n");
  auto ds = relstore::import_data(schema, {src});
  ASSERT_TRUE(ds) << ds.error().message();
  std::ostringstream out;
  ASSERT_TRUE(relstore::dump_dataset(
      *ds, {.model = "Item", .filter_json = R"({"fields":["id","kind"]})", .format = relstore::dump_format::csv}, out));
  EXPECT_EQ(out.str(), "id,kind\n1,\"shield\"\n2,\"potion\"\n3,\"potion\"\n");
  // A quoted cell is a name, as dump writes names: an enumerator may be "10".
  const char* digits = R"({"models":[{"name":"Item","fields":[{"name":"id","type":"int64"},)"
                       R"({"name":"kind","type":"uint8","enum":{"name":"kind","values":{"10":1,"x":10}}}]}]})";
  src.text = "id,kind\n1,\"10\"\n2,10\n";
  auto named = relstore::import_data(digits, {src});
  ASSERT_TRUE(named) << named.error().message();
  std::ostringstream kinds;
  ASSERT_TRUE(relstore::dump_dataset(*named, {.model = "Item", .format = relstore::dump_format::csv}, kinds));
  EXPECT_EQ(kinds.str(), "id,kind\n1,\"10\"\n2,\"x\"\n");
  src.text = "id,kind\n1,3\n";
  auto bad = relstore::import_data(schema, {src});
  ASSERT_FALSE(bad);
  EXPECT_TRUE(has(bad.error().message(), "i.csv:2: Item.kind: 3 is the value of no kind")) << bad.error().message();
}

TEST(EnumTools, ImportRejectsAnUnknownName) {
  const std::string schema = relstore::schema_json(items());
  const relstore::import_source src = item_csv("id,kind\n1,axe\n");
  auto ds = relstore::import_data(schema, {src});
  ASSERT_FALSE(ds);
  EXPECT_EQ(ds.error().code, errc::invalid_argument);
  EXPECT_TRUE(has(ds.error().message(), "i.csv:2: Item.kind: \"axe\" is not a kind (sword, shield, potion)"))
      << ds.error().message();
}

TEST(EnumTools, ExportSqlWritesNamesInACheckedTextColumn) {
  const auto ds = items();
  std::ostringstream sqlite, pg;
  ASSERT_TRUE(relstore::export_sql(ds, sqlite));
  EXPECT_TRUE(has(sqlite.str(),
                  "  \"kind\" TEXT NOT NULL CHECK (\"kind\" IN ('sword', 'shield', 'potion')),\n"
                  "  \"spare\" TEXT CHECK (\"spare\" IN ('sword', 'shield', 'potion')),\n"))
      << sqlite.str();
  EXPECT_TRUE(has(sqlite.str(), "VALUES (2, 'potion', 'shield');")) << sqlite.str();
  ASSERT_TRUE(relstore::export_sql(ds, pg, {.dialect = relstore::sql_dialect::postgresql}));
  EXPECT_TRUE(has(pg.str(), "\n2\tpotion\tshield\n")) << pg.str();

  game::store odd;
  ASSERT_TRUE(odd.repo<game::Item>().create({.id = 1, .kind = static_cast<game::kind>(42)}));
  std::ostringstream refused;
  auto r = relstore::export_sql(test::dataset_of(odd), refused);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::invalid_argument);
  EXPECT_TRUE(has(r.error().message(), "Item.kind is 42")) << r.error().message();
}

TEST(EnumTools, InfoListsTheEnumerators) {
  game::store db;
  game::fill_items(db);
  const std::string info = test::info_of(db, "items.snap");
  EXPECT_TRUE(has(info, "\n    kind uint8 enum kind { sword = 0, shield = 1, potion = 7 }\n")) << info;
  EXPECT_TRUE(has(info, "\n    spare uint8 (optional) enum kind { sword = 0,")) << info;
}

// relstore-snapshot diff spells a changed value as dump does: a float32 as
// the shortest float text, an enum by name, in both formats.
TEST(FieldTypeTools, DiffShowsFloatsShortAndEnumsByName) {
  game::store a;
  game::fill(a);
  game::fill_items(a);
  game::store b = a;
  ASSERT_TRUE(b.repo<game::Unit>().update_by_id(1, relstore::patch<game::Unit>{}.set(&game::Unit::speed, 0.2f)));
  ASSERT_TRUE(
      b.repo<game::Item>().update_by_id(1, relstore::patch<game::Item>{}.set(&game::Item::kind, game::kind::potion)));
  const auto [jsonl, table] = diff_of(a, b);
  EXPECT_TRUE(has(jsonl, R"("speed":{"before":0.1,"after":0.2})")) << jsonl;
  EXPECT_TRUE(has(jsonl, R"("kind":{"before":"sword","after":"potion"})")) << jsonl;
  EXPECT_TRUE(has(table, "Unit 1: changed speed 0.1 -> 0.2")) << table;
  EXPECT_TRUE(has(table, "Item 1: changed kind \"sword\" -> \"potion\"")) << table;
}

// Regression: a float32 0.1 diffed against a float64 0.1 printed
// "0.1 -> 0.1"; values whose spellings agree are shown in full.
TEST(FieldTypeTools, DiffShowsAChangeOfTypeInFullDigits) {
  game::store a;
  game::fill(a);  // Unit 1 has speed 0.1f
  widened::store b;
  ASSERT_TRUE(b.repo<widened::Unit>().create({.id = 1, .speed = 0.1}));
  const auto [jsonl, table] = diff_of(a, b);
  EXPECT_TRUE(has(table, "Unit 1: changed speed 0.10000000149011612 -> 0.1")) << table;
  EXPECT_TRUE(has(jsonl, R"("speed":{"before":0.10000000149011612,"after":0.1})")) << jsonl;
}

}  // namespace

}  // namespace field_types_tools_test
