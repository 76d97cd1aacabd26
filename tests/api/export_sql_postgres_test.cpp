// export_sql's PostgreSQL dialect against a real server: a throw-away cluster
// (pg_virtualenv, a temporary directory even as root) loads exports with
// psql -v ON_ERROR_STOP=1, every foreign key checked as it is added, and
// every value read back (doubles and strings as bytes) matches the dataset.
// Registered only where CMake finds pg_virtualenv (postgresql-common).
#include "relstore/export_sql.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "common/edge_schema.hpp"
#include "common/game_schema.hpp"
#include "common/shop_schema.hpp"
#include "common/snapshot_helpers.hpp"
#include "common/supplier_schema.hpp"
#include "common/temp_dir.hpp"
#include "common/test_helpers.hpp"

namespace {

using relstore::field_type;
namespace fs = std::filesystem;

const relstore::export_sql_options postgresql{.dialect = relstore::sql_dialect::postgresql};

// `prefix` then `n` in decimal.
std::string numbered(std::string_view prefix, std::int64_t n) {
  std::string out(prefix);
  out += std::to_string(n);
  return out;
}

std::string hex(std::string_view bytes) {
  static const char digits[] = "0123456789abcdef";
  std::string out;
  for (char ch : bytes) {
    const auto c = static_cast<unsigned char>(ch);
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}

// A value as the read-back query spells it: N for null, 1/0, decimal
// integers, doubles as float8send's big-endian bytes (NaN as PostgreSQL's one
// NaN), strings as their bytes in hex.
std::string cell(const relstore::value_view& v, bool float_elements = false) {
  switch (v.index()) {
    case 0:
      return "N";
    case 1:
      return std::get<bool>(v) ? "1" : "0";
    case 2:
      return std::to_string(std::get<std::int64_t>(v));
    case 3: {
      const double d = std::get<double>(v);
      const auto bits = std::isnan(d) ? std::uint64_t{0x7ff8000000000000} : std::bit_cast<std::uint64_t>(d);
      char buf[17];
      std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(bits));
      return buf;
    }
    case 6: {  // an array as PostgreSQL's text of it: {1,2.5,NaN}, floats as their shortest digits
      const auto& a = std::get<relstore::array_view>(v);
      std::string out = "{";
      for (std::size_t i = 0; i < a.size(); ++i) {
        if (i) out += ',';
        const relstore::value_view e = a[i];
        if (const auto* d = std::get_if<double>(&e)) {
          char buf[32];
          if (std::isnan(*d)) {
            out += "NaN";
          } else if (std::isinf(*d)) {
            out += *d > 0 ? "Infinity" : "-Infinity";
          } else {
            char* end = float_elements ? std::to_chars(buf, buf + sizeof buf, static_cast<float>(*d)).ptr
                                       : std::to_chars(buf, buf + sizeof buf, *d).ptr;
            out.append(buf, end);
          }
        } else if (const auto* u = std::get_if<std::uint64_t>(&e)) {
          out += std::to_string(*u);
        } else {
          out += std::to_string(std::get<std::int64_t>(e));
        }
      }
      return out + "}";
    }
    default:
      return hex(std::get<std::string_view>(v));
  }
}

std::string sql_cell(const relstore::field_info& f) {
  const std::string col = "\"" + f.name + "\"";
  switch (f.type) {
    case field_type::boolean:
      return "coalesce(" + col + "::int::text, 'N')";
    case field_type::float64:
      return "coalesce(encode(float8send(" + col + "), 'hex'), 'N')";
    case field_type::string:
      return "coalesce(encode(convert_to(" + col + ", 'UTF8'), 'hex'), 'N')";
    default:
      return "coalesce(" + col + "::text, 'N')";
  }
}

// Every row of `data` as "tag|Model|cell|cell...", and the query that reads
// the same lines back from the loaded tables (in `schema`).
struct rows_text {
  std::vector<std::string> expected;
  std::string query;
};
rows_text rows_of(const relstore::dataset& data, const std::string& tag, const std::string& schema) {
  rows_text out;
  out.query = "SET search_path = " + schema + ";\n";
  for (std::size_t m = 0; m < data.model_count(); ++m) {
    const auto& info = data.model(m);
    const std::string head = tag + "|" + info.name;
    out.query += "SELECT concat_ws('|', '" + head + "'";
    for (const auto& f : info.fields) out.query += ", " + sql_cell(f);
    out.query += ") FROM \"" + info.name + "\";\n";
    for (std::size_t r = 0; r < data.rows(m); ++r) {
      std::string line = head;
      for (std::size_t f = 0; f < info.fields.size(); ++f) {
        line += '|';
        line += cell(data.get(m, r, f), info.fields[f].element == field_type::float32);
      }
      out.expected.push_back(std::move(line));
    }
  }
  return out;
}

// The foreign keys PostgreSQL holds for `data`'s relations, validated:
// "fk|table|on delete code|1". (belongs_to is a has_many seen from the
// child; a through model's keys are two has_many.)
std::vector<std::string> foreign_keys_of(const relstore::dataset& data) {
  std::vector<std::string> out;
  for (const auto& r : data.schema().relations()) {
    if (r.kind != relstore::relation_kind::has_many && r.kind != relstore::relation_kind::has_one) continue;
    const char code = r.policy == relstore::on_delete::cascade    ? 'c'
                      : r.policy == relstore::on_delete::set_null ? 'n'
                                                                  : 'r';
    out.push_back("fk|" + data.model(r.child).name + "|" + code + "|1");
  }
  return out;
}

// 100,000 entities over seven models and five relations: restrict, cascade,
// set_null (optional keys, some null), a key_from string key, and a
// self-relation whose rows form a cycle (only keys added after the rows
// load it).
shop::store big_shop() {
  using namespace shop;
  store db;
  const auto text = edges::edge_strings();
  for (int i = 0; i < 10'000; ++i) {
    EXPECT_TRUE(db.repo<Customer>().create(
        {.name = text[static_cast<std::size_t>(i) % text.size()] + std::to_string(i),
         .email = i % 3 ? std::optional<std::string>(numbered("c", i) + "@example.org") : std::nullopt}));
  }
  for (int i = 0; i < 100; ++i) EXPECT_TRUE(db.repo<Coupon>().create({.label = numbered("coupon\t", i)}));
  const auto reals = edges::edge_doubles();
  for (std::int64_t i = 0; i < 40'000; ++i) {
    EXPECT_TRUE(db.repo<Order>().create(
        {.customerId = 1 + i % 10'000,
         .total = i % 10 == 0 ? reals[static_cast<std::size_t>(i / 10) % reals.size()] : static_cast<double>(i) * 0.37,
         .note = i % 7 ? std::string() : numbered("rush\\", i),
         .couponId = i % 5 ? std::nullopt : std::optional<std::int64_t>(1 + i % 100)}));
  }
  for (std::int64_t i = 0; i < 40'000; ++i) {
    EXPECT_TRUE(db.repo<OrderLine>().create(
        {.orderId = 1 + i, .sku = numbered("SKU-", i % 500), .qty = static_cast<std::int32_t>(i % 9) - 4}));
  }
  for (std::int64_t i = 0; i < 5'000; ++i) {
    EXPECT_TRUE(db.repo<Employee>().create(
        {.name = numbered("e", i), .managerId = i ? std::optional<std::int64_t>(i) : std::nullopt}));
  }
  EXPECT_TRUE(db.repo<Employee>().update_by_id(1, relstore::patch<Employee>{}.set(&Employee::managerId, 5'000)));
  for (int i = 0; i < 1'000; ++i) EXPECT_TRUE(db.repo<Account>().create({.code = numbered("A", i)}));
  for (int i = 0; i < 3'900; ++i) {
    EXPECT_TRUE(db.repo<Session>().create(
        {.token = numbered("t", i), .accountCode = numbered("A", i % 1'000), .active = i % 2 == 0}));
  }
  return db;
}

// has_one (UNIQUE foreign keys, cascade and set_null) into its own schema.
suppliers::store suppliers_sample() {
  using namespace suppliers;
  store db;
  for (std::int64_t i = 1; i <= 300; ++i) {
    EXPECT_TRUE(db.repo<Supplier>().create({.name = numbered("s", i)}));
    EXPECT_TRUE(db.repo<Account>().create({.supplierId = i, .balance = static_cast<double>(i) / 7}));
    EXPECT_TRUE(
        db.repo<Badge>().create({.supplierId = i % 3 ? std::optional<std::int64_t>(i) : std::nullopt, .label = "b"}));
    EXPECT_TRUE(db.repo<Ledger>().create({.accountId = i, .note = "n"}));
  }
  return db;
}

// A child whose key names no parent: what the foreign keys must refuse.
relstore::dataset dangling() {
  relstore::registry reg;
  EXPECT_TRUE(reg.add_model({"P", {{"id", field_type::int64, false}}, 0}));
  EXPECT_TRUE(reg.add_model({"C", {{"id", field_type::int64, false}, {"pId", field_type::int64, false}}, 0}));
  EXPECT_TRUE(reg.add_has_many("c", "P", "C", {"pId", "", "p", relstore::on_delete::cascade}));
  relstore::dataset data(reg);
  std::string why;
  EXPECT_TRUE(data.set(0, data.add_row(0), 0, relstore::value{std::int64_t{1}}, &why)) << why;
  const std::size_t c = data.add_row(1);
  EXPECT_TRUE(data.set(1, c, 0, relstore::value{std::int64_t{1}}, &why)) << why;
  EXPECT_TRUE(data.set(1, c, 1, relstore::value{std::int64_t{42}}, &why)) << why;
  return data;
}

void export_to(const relstore::dataset& data, const fs::path& file) {
  std::ofstream out(file, std::ios::binary);
  auto r = relstore::export_sql(data, out, postgresql);
  ASSERT_TRUE(r) << r.error().message();
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// The lines only one side has, a few of each, for a failure message.
std::string difference(std::vector<std::string> want, std::vector<std::string> got) {
  std::sort(want.begin(), want.end());
  std::sort(got.begin(), got.end());
  std::vector<std::string> missing, extra;
  std::set_difference(want.begin(), want.end(), got.begin(), got.end(), std::back_inserter(missing));
  std::set_difference(got.begin(), got.end(), want.begin(), want.end(), std::back_inserter(extra));
  std::string out;
  for (std::size_t i = 0; i < std::min<std::size_t>(missing.size(), 5); ++i) out += "missing: " + missing[i] + "\n";
  for (std::size_t i = 0; i < std::min<std::size_t>(extra.size(), 5); ++i) out += "unexpected: " + extra[i] + "\n";
  return out;
}

TEST(ExportSqlPostgresServer, LoadsEveryRowWithItsKeysCheckedAndReadsBackExactly) {
  const test::temp_dir dir;
  const auto shop_data = test::dataset_of(big_shop());
  ASSERT_EQ(shop_data.total_rows(), 100'000u);
  edges::store edge_db;
  for (const auto& v : edges::edge_rows()) ASSERT_TRUE(edge_db.repo<edges::Value>().create(v));
  const auto edge_data = test::dataset_of(edge_db);
  const auto supplier_data = test::dataset_of(suppliers_sample());
  game::store game_db;  // array fields (Body; Unit and Item stay empty)
  game::fill_bodies(game_db);
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  ASSERT_TRUE(game_db.repo<game::Body>().create(
      {.id = 4, .position = {-0.0f, std::numeric_limits<float>::infinity(), 1e-45f}, .velocity = {nan, -1e-300}}));
  const auto game_data = test::dataset_of(game_db);
  export_to(shop_data, dir.path() / "shop.sql");
  export_to(edge_data, dir.path() / "edges.sql");
  export_to(supplier_data, dir.path() / "suppliers.sql");
  export_to(game_data, dir.path() / "game.sql");
  export_to(dangling(), dir.path() / "dangling.sql");

  const auto shop_rows = rows_of(shop_data, "shop", "public");
  const auto edge_rows = rows_of(edge_data, "edges", "public");
  const auto supplier_rows = rows_of(supplier_data, "suppliers", "s");
  const auto game_rows = rows_of(game_data, "game", "g");
  std::ofstream(dir.path() / "read.sql")
      << shop_rows.query << edge_rows.query << supplier_rows.query << game_rows.query
      << "SELECT concat_ws('|', 'fk', c.relname, k.confdeltype, k.convalidated::int) FROM pg_constraint k "
         "JOIN pg_class c ON c.oid = k.conrelid WHERE k.contype = 'f';\n";
  std::ofstream(dir.path() / "run.sh")
      << "set -e\ncd \"$1\"\n"
         "psql -X -q -v ON_ERROR_STOP=1 -f shop.sql\n"
         "psql -X -q -v ON_ERROR_STOP=1 -f edges.sql\n"
         "psql -X -q -v ON_ERROR_STOP=1 -c 'CREATE SCHEMA s'\n"
         "PGOPTIONS='-c search_path=s' psql -X -q -v ON_ERROR_STOP=1 -f suppliers.sql\n"
         "psql -X -q -v ON_ERROR_STOP=1 -c 'CREATE SCHEMA g'\n"
         "PGOPTIONS='-c search_path=g' psql -X -q -v ON_ERROR_STOP=1 -f game.sql\n"
         "psql -X -q -v ON_ERROR_STOP=1 -At -f read.sql > read.out\n"
         "if psql -X -q -v ON_ERROR_STOP=1 -f dangling.sql > dangling.out 2>&1; then echo loaded > dangling.out; fi\n"
         "psql -X -At -c 'SELECT count(*) FROM pg_class WHERE relname = $$C$$' >> dangling.out\n";
  const std::string command = std::string(RELSTORE_PG_VIRTUALENV) + " -t sh '" + (dir.path() / "run.sh").string() +
                              "' '" + dir.path().string() + "' > '" + (dir.path() / "log").string() + "' 2>&1";
  const int status = std::system(command.c_str());
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << command << "\n" << read_file(dir.path() / "log");

  const auto got = lines_of(read_file(dir.path() / "read.out"));
  std::vector<std::string> want = shop_rows.expected;
  want.insert(want.end(), edge_rows.expected.begin(), edge_rows.expected.end());
  want.insert(want.end(), supplier_rows.expected.begin(), supplier_rows.expected.end());
  want.insert(want.end(), game_rows.expected.begin(), game_rows.expected.end());
  for (const auto* data : {&shop_data, &supplier_data}) {
    const auto keys = foreign_keys_of(*data);
    want.insert(want.end(), keys.begin(), keys.end());
  }
  EXPECT_EQ(got.size(), want.size());
  EXPECT_EQ(difference(want, got), "");
  EXPECT_EQ(std::count_if(got.begin(), got.end(), [](const std::string& l) { return l.rfind("fk|", 0) == 0; }), 8);

  // The dangling key stops the load at its foreign key, and nothing of it stays.
  const std::string refused = read_file(dir.path() / "dangling.out");
  EXPECT_TRUE(test::has(refused, "violates foreign key constraint")) << refused;
  EXPECT_TRUE(test::has(refused, "\n0\n")) << refused;
}

}  // namespace
