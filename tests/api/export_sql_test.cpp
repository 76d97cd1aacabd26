// export_sql's dialects as text: what PostgreSQL's form holds and refuses.
// (export_sql_postgres_test.cpp loads it into a real PostgreSQL.)
#include "relstore/export_sql.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "common/edge_schema.hpp"
#include "common/shop_schema.hpp"
#include "common/snapshot_helpers.hpp"
#include "common/supplier_schema.hpp"
#include "common/test_helpers.hpp"

namespace export_sql_test {

namespace {

using relstore::errc;
using relstore::field_type;
using relstore::sql_dialect;
using test::has;

const relstore::export_sql_options postgresql{.dialect = sql_dialect::postgresql};

std::string pg_text(const relstore::dataset& data) {
  std::ostringstream out;
  auto r = relstore::export_sql(data, out, postgresql);
  EXPECT_TRUE(r) << r.error().message();
  return out.str();
}

// The lines of the COPY block of `table` (without the COPY line and \.).
std::string copy_block(const std::string& sql, const std::string& table) {
  const auto start = sql.find("COPY \"" + table + "\"");
  if (start == std::string::npos) return "<no COPY>";
  const auto rows = sql.find('\n', start) + 1;
  return sql.substr(rows, sql.find("\n\\.\n", rows - 1) + 1 - rows);
}

TEST(ExportSqlDialect, ParsesTheNamesACommandLineTakes) {
  EXPECT_EQ(relstore::parse_sql_dialect("sqlite"), sql_dialect::sqlite);
  EXPECT_EQ(relstore::parse_sql_dialect("postgresql"), sql_dialect::postgresql);
  EXPECT_EQ(relstore::parse_sql_dialect("postgres"), sql_dialect::postgresql);
  EXPECT_EQ(relstore::parse_sql_dialect(""), std::nullopt);
  EXPECT_EQ(relstore::parse_sql_dialect("mysql"), std::nullopt);
  EXPECT_EQ(relstore::parse_sql_dialect("PostgreSQL"), std::nullopt);
  for (auto d : {sql_dialect::sqlite, sql_dialect::postgresql}) {
    EXPECT_EQ(relstore::parse_sql_dialect(relstore::to_string(d)), d);
  }
}

TEST(ExportSqlDialect, SqliteStaysTheDefaultAndProgressReachesTheEnd) {
  shop::store db;
  ASSERT_TRUE(db.repo<shop::Customer>().create({.name = "Ada"}));
  const auto data = test::dataset_of(db);
  std::ostringstream a, b, c;
  std::size_t reported = 0;
  ASSERT_TRUE(relstore::export_sql(data, a));
  ASSERT_TRUE(relstore::export_sql(data, b, {}, [&](std::size_t done, std::size_t) { reported = done; }));
  ASSERT_TRUE(relstore::export_sql(data, c, {.dialect = sql_dialect::sqlite}));
  EXPECT_EQ(a.str(), b.str());
  EXPECT_EQ(a.str(), c.str());
  EXPECT_EQ(reported, 1u);
  EXPECT_TRUE(has(a.str(), "PRAGMA foreign_keys=ON;")) << a.str();
  EXPECT_TRUE(has(a.str(), "INSERT INTO \"Customer\"")) << a.str();
}

TEST(ExportSqlPostgres, ColumnTypesHoldEveryValueOfTheirField) {
  relstore::registry reg;
  ASSERT_TRUE(reg.add_model({"T",
                             {{"id", field_type::int64, false},
                              {"b", field_type::boolean, false},
                              {"i", field_type::int32, true},
                              {"u", field_type::uint32, false},
                              {"d", field_type::float64, false},
                              {"s", field_type::string, true}},
                             0}));
  const std::string sql = pg_text(relstore::dataset(reg));
  EXPECT_TRUE(has(sql,
                  "CREATE TABLE \"T\" (\n"
                  "  \"id\" BIGINT NOT NULL,\n"
                  "  \"b\" BOOLEAN NOT NULL,\n"
                  "  \"i\" INTEGER,\n"
                  "  \"u\" BIGINT NOT NULL,\n"  // INTEGER stops at 2^31 - 1
                  "  \"d\" DOUBLE PRECISION NOT NULL,\n"
                  "  \"s\" TEXT,\n"
                  "  PRIMARY KEY (\"id\")\n"
                  ");\n"))
      << sql;
  EXPECT_FALSE(has(sql, "PRAGMA")) << sql;
  EXPECT_TRUE(has(sql, "BEGIN;\n")) << sql;
  EXPECT_EQ(sql.substr(sql.size() - 8), "COMMIT;\n");
  EXPECT_TRUE(has(sql, "COPY \"T\" (\"id\", \"b\", \"i\", \"u\", \"d\", \"s\") FROM STDIN;\n\\.\n")) << sql;
}

TEST(ExportSqlPostgres, RowsAreCopyTextWithEscapesAndNulls) {
  shop::store db;
  ASSERT_TRUE(db.repo<shop::Customer>().create({.name = "tab\there\nnew\r\\back 'q' \"d\" ü"}));
  ASSERT_TRUE(db.repo<shop::Customer>().create({.name = "\\N", .email = "\\."}));
  ASSERT_TRUE(db.repo<shop::Account>().create({.code = "A"}));
  ASSERT_TRUE(db.repo<shop::Session>().create({.token = "t", .accountCode = "A", .active = false}));
  const std::string sql = pg_text(test::dataset_of(db));
  EXPECT_EQ(copy_block(sql, "Customer"),
            "1\ttab\\there\\nnew\\r\\\\back 'q' \"d\" ü\t\\N\n"
            "2\t\\\\N\t\\\\.\n");
  EXPECT_EQ(copy_block(sql, "Session"), "t\tA\tf\n");
}

TEST(ExportSqlPostgres, DoublesAndIntegersAreWrittenExactlyNaNIncluded) {
  edges::store db;
  const double values[] = {
      -0.0,         0.1,  5e-324, std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity(),
      std::nan(""), 1e300};
  std::int64_t id = std::numeric_limits<std::int64_t>::min();
  for (double d : values) {
    ASSERT_TRUE(db.repo<edges::Value>().create({.id = id, .count = 4294967295u, .real = d}));
    id = id == std::numeric_limits<std::int64_t>::min() ? std::numeric_limits<std::int64_t>::max() : id - 1;
  }
  std::vector<std::string> lines;
  std::istringstream block(copy_block(pg_text(test::dataset_of(db)), "Value"));
  for (std::string line; std::getline(block, line);) lines.push_back(line);
  std::sort(lines.begin(), lines.end());
  const std::string rest = "\t\\N\t\t\\N";  // the optional double, the strings
  EXPECT_EQ(lines, (std::vector<std::string>{
                       "-9223372036854775808\tf\t0\t4294967295\t-0" + rest,
                       "9223372036854775802\tf\t0\t4294967295\t1e+300" + rest,
                       "9223372036854775803\tf\t0\t4294967295\tNaN" + rest,
                       "9223372036854775804\tf\t0\t4294967295\t-Infinity" + rest,
                       "9223372036854775805\tf\t0\t4294967295\tInfinity" + rest,
                       "9223372036854775806\tf\t0\t4294967295\t5e-324" + rest,
                       "9223372036854775807\tf\t0\t4294967295\t0.1" + rest,
                   }));
}

TEST(ExportSqlPostgres, ForeignKeysComeAfterEveryRowWithTheirPolicies) {
  shop::store db;
  auto boss = db.repo<shop::Employee>().create({.name = "boss"}).value();
  auto deputy = db.repo<shop::Employee>().create({.name = "deputy", .managerId = boss.id}).value();
  ASSERT_TRUE(db.repo<shop::Employee>().update_by_id(
      boss.id, relstore::patch<shop::Employee>{}.set(&shop::Employee::managerId, deputy.id)));  // a cycle of rows
  const std::string sql = pg_text(test::dataset_of(db));
  const auto last_row = sql.rfind("\\.\n");
  for (const char* key : {"ALTER TABLE \"Order\" ADD FOREIGN KEY (\"customerId\") REFERENCES \"Customer\" (\"id\") "
                          "ON DELETE RESTRICT;",
                          "ALTER TABLE \"Order\" ADD FOREIGN KEY (\"couponId\") REFERENCES \"Coupon\" (\"id\") "
                          "ON DELETE SET NULL;",
                          "ALTER TABLE \"OrderLine\" ADD FOREIGN KEY (\"orderId\") REFERENCES \"Order\" (\"id\") "
                          "ON DELETE CASCADE;",
                          "ALTER TABLE \"Employee\" ADD FOREIGN KEY (\"managerId\") REFERENCES \"Employee\" (\"id\") "
                          "ON DELETE CASCADE;",
                          "ALTER TABLE \"Session\" ADD FOREIGN KEY (\"accountCode\") REFERENCES \"Account\" "
                          "(\"code\") ON DELETE CASCADE;",
                          "CREATE INDEX ON \"Order\" (\"customerId\");"}) {
    const auto at = sql.find(key);
    ASSERT_NE(at, std::string::npos) << key << "\n" << sql;
    EXPECT_GT(at, last_row) << key;
  }
  EXPECT_GT(sql.find("FOREIGN KEY"), last_row) << "no foreign key inside CREATE TABLE\n" << sql;
  EXPECT_TRUE(has(sql, "  PRIMARY KEY (\"id\"),\n  UNIQUE (\"code\")\n);")) << "a key_from key is unique\n" << sql;
  // Rows in snapshot order: grouped by the first foreign key (the manager).
  EXPECT_TRUE(has(copy_block(sql, "Employee"), "2\tdeputy\t1\n1\tboss\t2\n")) << sql;

  suppliers::store s;
  auto sup = s.repo<suppliers::Supplier>().create({.name = "s"}).value();
  ASSERT_TRUE(s.repo<suppliers::Account>().create({.supplierId = sup.id}));
  const std::string one = pg_text(test::dataset_of(s));
  EXPECT_TRUE(has(one, "  PRIMARY KEY (\"id\"),\n  UNIQUE (\"supplierId\")\n);")) << "has_one\n" << one;
}

TEST(ExportSqlPostgres, StringsWithNulAreRefusedBeforeAByteIsWritten) {
  shop::store db;
  ASSERT_TRUE(db.repo<shop::Customer>().create({.name = "fine"}));
  ASSERT_TRUE(db.repo<shop::Customer>().create({.name = "x", .email = std::string("a\0b", 3)}));
  const auto data = test::dataset_of(db);
  std::ostringstream out;
  auto r = relstore::export_sql(data, out, postgresql);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::invalid_argument);
  EXPECT_TRUE(has(r.error().message(),
                  "Customer.email holds a NUL byte in the row with id 2, which PostgreSQL TEXT cannot hold"))
      << r.error().message();
  EXPECT_TRUE(out.str().empty());
  std::ostringstream sqlite;
  EXPECT_TRUE(relstore::export_sql(data, sqlite)) << "SQLite holds NUL in a cast blob";
}

TEST(ExportSqlPostgres, StringsThatAreNotUtf8AreRefused) {
  for (const char* bad : {"\xff", "\xc3", "\xc3(", "\xe2\x82", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80"}) {
    shop::store db;
    ASSERT_TRUE(db.repo<shop::Customer>().create({.id = 9, .name = std::string("ok ") + bad}));
    std::ostringstream out;
    auto r = relstore::export_sql(test::dataset_of(db), out, postgresql);
    ASSERT_FALSE(r) << bad;
    EXPECT_TRUE(has(r.error().message(),
                    "Customer.name is not UTF-8 (at byte 3) in the row with id 9, which PostgreSQL TEXT cannot hold"))
        << r.error().message();
  }
  shop::store db;  // the longest forms are fine
  ASSERT_TRUE(db.repo<shop::Customer>().create({.name = "\xc2\x80 \xef\xbf\xbf \xf4\x8f\xbf\xbf"}));
  std::ostringstream out;
  EXPECT_TRUE(relstore::export_sql(test::dataset_of(db), out, postgresql));
}

TEST(ExportSqlPostgres, NaNIsKeptWhereSqliteRefusesIt) {
  shop::store db;
  auto c = db.repo<shop::Customer>().create({.name = "a"}).value();
  ASSERT_TRUE(db.repo<shop::Customer>().related<"orders">(c.id).create({.total = std::nan("")}));
  const auto data = test::dataset_of(db);
  std::ostringstream sqlite;
  EXPECT_FALSE(relstore::export_sql(data, sqlite));
  EXPECT_EQ(copy_block(pg_text(data), "Order"), "1\t1\tNaN\t\t\\N\n");
}

TEST(ExportSqlPostgres, NamesPostgresWouldCutOrShadowAreRefused) {
  auto refused = [](const std::string& model, const std::string& field) {
    relstore::registry reg;
    EXPECT_TRUE(reg.add_model({model, {{field, field_type::int64, false}}, 0}));
    std::ostringstream out;
    auto r = relstore::export_sql(relstore::dataset(reg), out, postgresql);
    EXPECT_TRUE(out.str().empty() || r);
    return r ? std::string() : r.error().message();
  };
  EXPECT_TRUE(has(refused("pg_class", "id"), "model pg_class: names beginning with pg_ are reserved by PostgreSQL"));
  const std::string long_name(64, 'n');
  EXPECT_TRUE(has(refused(long_name, "id"), "PostgreSQL cuts names longer than 63 bytes"));
  EXPECT_TRUE(has(refused("T", long_name), "field T." + long_name + ": PostgreSQL cuts names"));
  EXPECT_EQ(refused(std::string(63, 'n'), std::string(63, 'f')), "");
  EXPECT_EQ(refused("sqlite_master", "id"), "") << "only SQLite reserves sqlite_";

  relstore::registry cased;  // quoted names keep their case in PostgreSQL
  ASSERT_TRUE(cased.add_model({"Order", {{"id", field_type::int64, false}}, 0}));
  ASSERT_TRUE(cased.add_model({"order", {{"id", field_type::int64, false}, {"ID", field_type::int64, false}}, 0}));
  EXPECT_TRUE(has(pg_text(relstore::dataset(cased)), "CREATE TABLE \"order\"")) << pg_text(relstore::dataset(cased));
}

}  // namespace

}  // namespace export_sql_test
