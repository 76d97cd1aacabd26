// dump_dataset: a snapshot's rows as JSON Lines, through the query pipeline.
#include "relstore/dump.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <sstream>
#include <string>

#include "relstore/import.hpp"

#include "common/shop_schema.hpp"
#include "common/snapshot_helpers.hpp"

namespace dump_test {

namespace {

using namespace shop;
using relstore::errc;

relstore::dataset sample() {
  store db;
  auto ada = db.repo<Customer>().create({.name = "Ada"}).value();
  for (double t : {30.0, 5.0, 12.0}) EXPECT_TRUE(db.repo<Customer>().related<"orders">(ada.id).create({.total = t}));
  return test::dataset_of(db);
}

TEST(Dump, WritesEveryModelInKeyOrderAsJsonLines) {
  std::ostringstream out;
  auto n = relstore::dump_dataset(sample(), "", "", out);
  ASSERT_TRUE(n) << n.error().message();
  EXPECT_EQ(*n, 4u);
  EXPECT_EQ(out.str(),
            "{\"model\":\"Customer\",\"row\":{\"id\":1,\"name\":\"Ada\",\"email\":null}}\n"
            "{\"model\":\"Order\",\"row\":{\"id\":1,\"customerId\":1,\"total\":30,\"note\":\"\",\"couponId\":null}}\n"
            "{\"model\":\"Order\",\"row\":{\"id\":2,\"customerId\":1,\"total\":5,\"note\":\"\",\"couponId\":null}}\n"
            "{\"model\":\"Order\",\"row\":{\"id\":3,\"customerId\":1,\"total\":12,\"note\":\"\",\"couponId\":null}}\n");
}

TEST(Dump, AppliesWhereOrderLimitAndFields) {
  std::ostringstream out;
  auto n = relstore::dump_dataset(sample(), "Order",
                                  R"({"where":{"total":{"gt":6}},"order":["total ASC"],"fields":["id","total"]})", out);
  ASSERT_TRUE(n) << n.error().message();
  EXPECT_EQ(out.str(),
            "{\"model\":\"Order\",\"row\":{\"id\":3,\"total\":12}}\n"
            "{\"model\":\"Order\",\"row\":{\"id\":1,\"total\":30}}\n");
}

TEST(Dump, RefusesAnUnknownModelABadFilterAndAFilterWithoutAModel) {
  std::ostringstream out;
  EXPECT_EQ(relstore::dump_dataset(sample(), "Ghost", "", out).error().code, errc::invalid_argument);
  EXPECT_EQ(relstore::dump_dataset(sample(), "", R"({"limit":1})", out).error().code, errc::invalid_argument);
  auto bad = relstore::dump_dataset(sample(), "Order", R"({"where":{"nope":1}})", out);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, errc::invalid_filter);
  EXPECT_NE(bad.error().message().find("nope"), std::string::npos);
  EXPECT_TRUE(out.str().empty());
}

// A damaged file may hold one key twice: an inq or an or on that key
// lists each row once, as a scan does.
TEST(Dump, AKeyHeldByTwoRowsListsEachRowOnce) {
  auto ds = sample();
  ASSERT_TRUE(ds.find_model("Order"));
  const std::size_t orders = *ds.find_model("Order");
  const auto first = ds.get(orders, 0, 0);
  ASSERT_TRUE(ds.set(orders, 1, 0, std::get<std::int64_t>(first), nullptr));
  const std::string key = relstore::describe(first);
  for (const std::string& where : {std::string("{}"), R"({"where":{"id":{"inq":[)" + key + "]}}}",
                                   R"({"where":{"id":{"inq":[)" + key + "," + key + "]}}}",
                                   R"({"where":{"or":[{"id":)" + key + "},{\"id\":" + key + "}]}}"}) {
    std::ostringstream out;
    auto n = relstore::dump_dataset(ds, "Order", where, out);
    ASSERT_TRUE(n) << where << ": " << n.error().message();
    EXPECT_EQ(*n, where == "{}" ? 3u : 2u) << where << "\n" << out.str();
  }
}

// A model holding every awkward value a CSV cell must carry.
constexpr const char* edge_schema = R"({"models":[{"name":"Edge","fields":[
  {"name":"id","type":"int64"},{"name":"d","type":"float64"},{"name":"s","type":"string"},
  {"name":"b","type":"bool"},{"name":"o","type":"int64","optional":true},{"name":"t","type":"string","optional":true},
  {"name":"n","type":"int32"},{"name":"u","type":"uint32"}]}]})";

relstore::dataset edge_rows() {
  using lim = std::numeric_limits<double>;
  auto ds = relstore::import_json("{}", edge_schema).value();
  // -NaN: x86's default NaN (0.0 / 0.0) has its sign bit set.
  const double doubles[] = {-0.0, lim::quiet_NaN(), lim::infinity(),  -lim::infinity(), lim::denorm_min(),
                            0.1,  lim::max(),       -lim::quiet_NaN()};
  const char* strings[] = {"",         "a,b",       "say \"hi\"",          "two\nlines\r\n",
                           " padded ", "tab\there", "caf\u00e9 \\ \u2603", "x"};
  for (std::size_t i = 0; i < std::size(doubles); ++i) {
    const std::size_t r = ds.add_row(0);
    const std::int64_t id = i == 0 ? std::numeric_limits<std::int64_t>::min()
                                   : (i == 1 ? std::numeric_limits<std::int64_t>::max() : std::int64_t(i));
    EXPECT_TRUE(ds.set(0, r, 0, id, nullptr));
    EXPECT_TRUE(ds.set(0, r, 1, doubles[i], nullptr));
    EXPECT_TRUE(ds.set(0, r, 2, std::string(strings[i]), nullptr));
    EXPECT_TRUE(ds.set(0, r, 3, i % 2 == 0, nullptr));
    EXPECT_TRUE(ds.set(0, r, 4, i % 3 == 0 ? relstore::value{} : relstore::value{-std::int64_t(i)}, nullptr));
    EXPECT_TRUE(ds.set(0, r, 5, i % 2 == 0 ? relstore::value{} : relstore::value{std::string()}, nullptr));
    EXPECT_TRUE(ds.set(0, r, 6, std::int64_t{i == 0 ? -2147483648LL : 2147483647LL}, nullptr));
    EXPECT_TRUE(ds.set(0, r, 7, std::int64_t{4294967295LL}, nullptr));
  }
  return ds;
}

// Equal row by row (matched by key) and cell by cell, doubles bit for bit (so -0.0 is not 0.0, NaN is NaN).
void expect_same_cells(const relstore::dataset& a, const relstore::dataset& b) {
  ASSERT_EQ(a.rows(0), b.rows(0));
  for (std::size_t r = 0; r < a.rows(0); ++r) {
    std::size_t s = 0;  // b's row with the same key
    while (s < b.rows(0) && b.get(0, s, 0) != a.get(0, r, 0)) ++s;
    ASSERT_LT(s, b.rows(0)) << "key " << relstore::describe(a.get(0, r, 0));
    for (std::size_t f = 0; f < a.model(0).fields.size(); ++f) {
      const auto x = a.get(0, r, f);
      const auto y = b.get(0, s, f);
      ASSERT_EQ(x.index(), y.index()) << "row " << r << " field " << f;
      if (x.index() == 3) {
        EXPECT_EQ(std::bit_cast<std::uint64_t>(std::get<double>(x)), std::bit_cast<std::uint64_t>(std::get<double>(y)))
            << "row " << r << " field " << f;
      } else {
        EXPECT_EQ(x, y) << "row " << r << " field " << f << ": " << relstore::describe(x) << " vs "
                        << relstore::describe(y);
      }
    }
  }
}

TEST(Dump, CsvCarriesEveryValueExactlyBackThroughImport) {
  const auto ds = edge_rows();
  std::ostringstream out;
  ASSERT_TRUE(relstore::dump_dataset(ds, {.model = "Edge", .format = relstore::dump_format::csv}, out));
  const std::string csv = out.str();
  EXPECT_EQ(csv.substr(0, csv.find('\n')), "id,d,s,b,o,t,n,u");
  EXPECT_NE(csv.find("-9223372036854775808,-0,\"\",true,,,-2147483648,4294967295\n"), std::string::npos) << csv;
  EXPECT_NE(csv.find(",NaN,\"a,b\",false,-1,\"\","), std::string::npos) << csv;
  EXPECT_NE(csv.find("\"say \"\"hi\"\"\""), std::string::npos) << csv;
  relstore::import_source src;
  src.format = relstore::import_source::kind::csv;
  src.model = "Edge";
  src.text = csv;
  auto back = relstore::import_data(relstore::schema_json(ds), {src});
  ASSERT_TRUE(back) << back.error().message();
  expect_same_cells(ds, *back);
}

// Regression: a string that is not UTF-8 went into JSON Lines as it was
// (not JSON), then as U+FFFD (import read back something else). It is
// refused before anything is written; CSV carries its bytes.
TEST(Dump, JsonLinesRefuseAStringThatIsNotUtf8AndCsvKeepsIt) {
  store db;
  ASSERT_TRUE(db.repo<Customer>().create({.name = "Ada"}));
  ASSERT_TRUE(db.repo<Customer>().create({.name = std::string("bad\xff")}));
  const auto ds = test::dataset_of(db);
  std::ostringstream out;
  auto r = relstore::dump_dataset(ds, "", "", out);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::invalid_argument);
  EXPECT_NE(r.error().message().find("Customer.name of Customer 2 is not UTF-8 (at byte 3)"), std::string::npos)
      << r.error().message();
  EXPECT_EQ(out.str(), "");
  std::ostringstream fields_only;
  EXPECT_TRUE(relstore::dump_dataset(ds, {.model = "Customer", .filter_json = R"({"fields":["id"]})"}, fields_only));
  std::ostringstream csv;
  ASSERT_TRUE(relstore::dump_dataset(ds, {.model = "Customer", .format = relstore::dump_format::csv}, csv));
  relstore::import_source src;
  src.format = relstore::import_source::kind::csv;
  src.model = "Customer";
  const std::string text = csv.str();
  src.text = text;
  auto back = relstore::import_data(relstore::schema_json(ds), {src});
  ASSERT_TRUE(back) << back.error().message();
  expect_same_cells(ds, *back);
}

// Regression: JSON Lines wrote a NaN as null, which import refused for a
// required field and read as null for an optional one.
TEST(Dump, JsonLinesRefuseANanAndCsvKeepsIt) {
  store db;
  const auto c = db.repo<Customer>().create({.name = "Ada"}).value();
  ASSERT_TRUE(db.repo<Customer>().related<"orders">(c.id).create({.total = 1}));
  const auto nan = db.repo<Customer>().related<"orders">(c.id).create({.total = std::nan("")}).value();
  const auto ds = test::dataset_of(db);
  std::ostringstream out;
  auto r = relstore::dump_dataset(ds, {.model = "Order"}, out);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::invalid_argument);
  EXPECT_NE(r.error().message().find("Order.total of Order " + std::to_string(nan.id) + " is NaN"), std::string::npos)
      << r.error().message();
  EXPECT_EQ(out.str(), "");
  std::ostringstream others;  // a selection without the field is dumped
  EXPECT_TRUE(relstore::dump_dataset(ds, {.model = "Order", .filter_json = R"({"fields":["id"]})"}, others));
  std::ostringstream csv;
  ASSERT_TRUE(relstore::dump_dataset(ds, {.model = "Order", .format = relstore::dump_format::csv}, csv));
  EXPECT_NE(csv.str().find(",NaN,"), std::string::npos) << csv.str();
}

TEST(Dump, CsvNeedsOneModel) {
  std::ostringstream out;
  auto r = relstore::dump_dataset(sample(), {.format = relstore::dump_format::csv}, out);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::invalid_argument);
  EXPECT_NE(r.error().message().find("csv needs --model"), std::string::npos);
}

TEST(Dump, TableAlignsColumnsShowsNullAndEscapesAndCutsLongText) {
  auto ds = edge_rows();
  ASSERT_TRUE(ds.set(0, 0, 2, std::string(60, 'x'), nullptr));
  std::ostringstream out;
  ASSERT_TRUE(relstore::dump_dataset(
      ds, {.model = "Edge", .filter_json = R"({"fields":["id","s","o"]})", .format = relstore::dump_format::table},
      out));
  std::istringstream lines(out.str());
  std::string title, header, rule, first;
  std::getline(lines, title);
  std::getline(lines, header);
  std::getline(lines, rule);
  std::getline(lines, first);
  EXPECT_EQ(title, "Edge (8 rows)");
  // Every line as wide as the widest cell: numbers right-aligned, strings left.
  EXPECT_EQ(header.size(), rule.size()) << out.str();
  EXPECT_EQ(first.size(), rule.size()) << out.str();
  EXPECT_EQ(header.substr(0, header.find('s')), std::string(18, ' ') + "id  ") << header;
  EXPECT_EQ(first.substr(0, 22), "-9223372036854775808  ") << first;
  EXPECT_NE(first.find(std::string(40, 'x') + "..."), std::string::npos) << first;
  EXPECT_EQ(first.find(std::string(41, 'x')), std::string::npos) << first;
  EXPECT_EQ(first.substr(first.size() - 4), "null") << "o right-aligned: " << first;
  EXPECT_NE(out.str().find("two\\nlines\\r\\n"), std::string::npos) << out.str();
}

TEST(Dump, ReportsProgressUpToTheRowsItCovers) {
  std::size_t last = 0, total = 0;
  std::ostringstream out;
  relstore::dump_options o;
  o.progress = [&](std::size_t done, std::size_t all) {
    EXPECT_GE(done, last);
    last = done;
    total = all;
  };
  ASSERT_TRUE(relstore::dump_dataset(sample(), o, out));
  EXPECT_EQ(total, 4u);
  EXPECT_EQ(last, 4u);
}

}  // namespace

}  // namespace dump_test
