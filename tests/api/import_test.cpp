// import_json: a dataset from JSON, with the checks a snapshot read applies.
#include "relstore/import.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "relstore/verify.hpp"

namespace import_test {

namespace {

using relstore::errc;

constexpr const char* schema = R"({"models":[
  {"name":"Customer","fields":[{"name":"id","type":"int64"},{"name":"name","type":"string"}]},
  {"name":"Order","fields":[{"name":"id","type":"int64"},{"name":"customerId","type":"int64"},
                            {"name":"total","type":"float64"}]}],
  "relations":[{"name":"orders","source":"Customer","target":"Order","onDelete":"cascade"}]})";

TEST(Import, BuildsADatasetAssigningMissingKeysPastTheGivenOnes) {
  auto ds = relstore::import_json(
      R"({"Customer":[{"id":5,"name":"Ada"},{"name":"Bob"}],"Order":[{"customerId":5,"total":2.5}]})", schema);
  ASSERT_TRUE(ds) << ds.error().message();
  const auto c = *ds->find_model("Customer");
  EXPECT_EQ(ds->rows(c), 2u);
  EXPECT_EQ(ds->get(c, 1, 0), relstore::value_view(std::int64_t{6}));
  EXPECT_TRUE(relstore::verify_dataset(*ds).empty());
  const auto& r = ds->schema().relations()[0];
  EXPECT_EQ(r.policy, relstore::on_delete::cascade);
  EXPECT_EQ(ds->schema().declaration(0).key_to, "customerId") << "LoopBack's inference";
}

TEST(Import, RefusesADanglingKeyWithTheVerifyCode) {
  auto ds = relstore::import_json(R"({"Order":[{"id":1,"customerId":9,"total":1}]})", schema);
  ASSERT_FALSE(ds);
  EXPECT_EQ(ds.error().code, errc::foreign_key_violation);
  EXPECT_NE(ds.error().message().find("Order.customerId = 9: no Customer with id 9"), std::string::npos)
      << ds.error().message();
  auto dup = relstore::import_json(R"({"Customer":[{"id":1,"name":"a"},{"id":1,"name":"b"}]})", schema);
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, errc::already_exists);
}

TEST(Import, RefusesWhatTheRegistryRefuses) {
  auto twice = relstore::import_json("{}", R"({"models":[{"name":"M","fields":[{"name":"id","type":"int64"},
                                                                               {"name":"id","type":"string"}]}]})");
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().code, errc::schema_error);
  EXPECT_NE(twice.error().message().find("field id appears twice"), std::string::npos) << twice.error().message();
  auto key = relstore::import_json("{}", R"({"models":[{"name":"P","fields":[{"name":"id","type":"int64"}]},
                          {"name":"C","fields":[{"name":"id","type":"int64"},{"name":"pId","type":"float64"}]}],
                "relations":[{"name":"cs","source":"P","target":"C"}]})");
  ASSERT_FALSE(key);
  EXPECT_NE(key.error().message().find("foreign key C.pId is float64 but P.id is int64"), std::string::npos)
      << key.error().message();
}

TEST(Import, SchemaJsonRoundTrips) {
  auto ds = relstore::import_json(R"({"Customer":[{"id":1,"name":"Ada"}]})", schema);
  ASSERT_TRUE(ds);
  const std::string text = relstore::schema_json(*ds);
  auto again = relstore::import_json("{}", text);
  ASSERT_TRUE(again) << again.error().message();
  EXPECT_EQ(relstore::schema_json(*again), text);
}

// The checks a snapshot read applies, applied before anything is written.
TEST(Import, AppliesTheReadersChecksBeforeWriting) {
  auto exhausted =
      relstore::import_json(R"({"Customer":[{"id":9223372036854775807,"name":"edge"},{"name":"next"}]})", schema);
  ASSERT_FALSE(exhausted);
  EXPECT_EQ(exhausted.error().code, errc::key_space_exhausted);
  auto twice = relstore::import_json(R"({"Customer":[{"id":1,"name":"a"}],"Customer":[{"id":2,"name":"b"}]})", schema);
  ASSERT_FALSE(twice);
  EXPECT_NE(twice.error().message().find("names the key \"Customer\" twice"), std::string::npos)
      << twice.error().message();
  auto inf = relstore::import_json(R"({"Order":[]})", schema);
  ASSERT_TRUE(inf);
  auto huge =
      relstore::import_json(R"({"Customer":[{"id":1,"name":"a"}],"Order":[{"customerId":1,"total":1e400}]})", schema);
  ASSERT_FALSE(huge);
  EXPECT_NE(huge.error().message().find("beyond the range of a double"), std::string::npos) << huge.error().message();
  std::string models = R"({"models":[)";
  for (int i = 0; i < 4097; ++i) {
    models.append(i ? "," : "")
        .append(R"({"name":"M)")
        .append(std::to_string(i))
        .append(R"(","fields":[{"name":"id","type":"int64"}]})");
  }
  models += "]}";
  auto too_many = relstore::import_json("{}", models);
  ASSERT_FALSE(too_many);
  EXPECT_NE(too_many.error().message().find("4097 models (at most 4096)"), std::string::npos)
      << too_many.error().message();
  auto bad_name =
      relstore::import_json("{}", R"({"models":[{"name":"A\u001b[2J","fields":[{"name":"id","type":"int64"}]}]})");
  ASSERT_FALSE(bad_name);
  EXPECT_EQ(bad_name.error().code, errc::schema_error);
  EXPECT_EQ(bad_name.error().message().find('\x1b'), std::string::npos) << "escaped in the message";
}

relstore::import_source source(std::string_view text, std::string name = {}, std::string csv_model = {}) {
  relstore::import_source s;
  s.text = text;
  s.name = std::move(name);
  if (!csv_model.empty()) {
    s.format = relstore::import_source::kind::csv;
    s.model = std::move(csv_model);
  }
  return s;
}

// dump's JSON Lines read back, blank lines skipped, with sources combined.
TEST(Import, ReadsJsonLinesAsDumpWritesThemTogetherWithOtherInputs) {
  const std::string lines =
      "{\"model\":\"Customer\",\"row\":{\"id\":1,\"name\":\"Ada\"}}\n\n"
      "{\"model\":\"Order\",\"row\":{\"id\":1,\"customerId\":2,\"total\":-0.0}}\n";
  const std::string csv = "id,name\n2,\"Bob, Jr.\"\n";
  auto ds = relstore::import_data(schema, {source(lines, "a.jsonl"), source(csv, "Customer.csv", "Customer")});
  ASSERT_TRUE(ds) << ds.error().message();
  const auto c = *ds->find_model("Customer");
  ASSERT_EQ(ds->rows(c), 2u);
  EXPECT_EQ(ds->get(c, 1, 1), relstore::value_view(std::string_view("Bob, Jr.")));
  const auto o = *ds->find_model("Order");
  EXPECT_TRUE(std::signbit(std::get<double>(ds->get(o, 0, 2))));
}

TEST(Import, NamesTheInputLineModelFieldAndValueOfABadRow) {
  auto expect_error = [](const relstore::import_source& s, const std::string& what) {
    auto ds = relstore::import_data(schema, {s});
    ASSERT_FALSE(ds) << what;
    EXPECT_EQ(ds.error().code, errc::invalid_argument);
    EXPECT_NE(ds.error().message().find(what), std::string::npos) << ds.error().message();
  };
  expect_error(source("id,name\n1,Ada\n2.5,Bob\n", "c.csv", "Customer"),
               "c.csv:3: Customer.id: \"2.5\" is not a whole");
  expect_error(source("id,name\n1\n", "c.csv", "Customer"), "c.csv:2: 1 fields, the header has 2");
  expect_error(source("id,nom\n", "c.csv", "Customer"), "c.csv: header: Customer has no field \"nom\"");
  expect_error(source("id,orders\n", "c.csv", "Customer"), "Navigational properties are not allowed");
  expect_error(source("id,name\n1,\"Ada\n", "c.csv", "Customer"), "c.csv: line 2: a quoted field is never closed");
  expect_error(source("id,name\n1,A\"da\n", "c.csv", "Customer"), "c.csv: line 2: a quote inside an unquoted field");
  expect_error(source("", "c.csv", "Customer"), "needs a header");
  expect_error(source("id\n1\n", "g.csv", "Ghost"), "g.csv: the schema has no model \"Ghost\"");
  // Regressions: a repeated column was "last one wins"; names and values
  // from the file reached the message raw (a BOM, a terminal escape).
  // Regression: a document's syntax error said where in no way.
  expect_error(source("{\"Customer\": [\n  {\"id\": 1},\n  {\"id\": 2,,}\n]}\n", "d.json"),
               "d.json is not valid JSON: syntax error at line 3, column 12");
  expect_error(source("id,name,name\n1,a,b\n", "c.csv", "Customer"), "c.csv: header: Customer.name appears twice");
  expect_error(source("id,name,id\n1,a,2\n", "c.csv", "Customer"), "c.csv: header: Customer.id appears twice");
  expect_error(source("id,name\n\x1b[31m,a\n", "c.csv", "Customer"), "c.csv:2: Customer.id: \"\\x1b[31m\" is not");
  expect_error(
      source("{\"model\":\"Customer\",\"row\":{\"id\":1,\"name\":\"A\"}}\n{\"model\":\"Customer\"}\n", "d.jsonl"),
      "d.jsonl:2: expected {\"model\":...,\"row\":{...}}");
  expect_error(
      source("{\"model\":\"Customer\",\"row\":{\"id\":1,\"name\":\"A\"}}\n{\"model\":\"Customer\",\"row\":{\"id\":"
             "\"x\",\"name\":\"B\"}}\n",
             "d.jsonl"),
      "d.jsonl:2: Customer.id");
}

// Regression: a spreadsheet's CSV starts with a UTF-8 byte order mark, which
// made its first column "no field". It is skipped, in JSON too.
TEST(Import, AByteOrderMarkIsSkipped) {
  auto csv = relstore::import_data(schema, {source("\xef\xbb\xbfid,name\n1,Ada\n", "c.csv", "Customer")});
  ASSERT_TRUE(csv) << csv.error().message();
  EXPECT_EQ(csv->rows(*csv->find_model("Customer")), 1u);
  auto json =
      relstore::import_data(schema, {source("\xef\xbb\xbf{\"Customer\":[{\"id\":1,\"name\":\"Ada\"}]}", "c.json")});
  ASSERT_TRUE(json) << json.error().message();
  EXPECT_EQ(json->rows(*json->find_model("Customer")), 1u);
  // Only a leading one: a second is text (and many are no deep recursion).
  std::string boms;
  for (int i = 0; i < 200000; ++i) boms += "\xef\xbb\xbf";
  auto many = relstore::import_data(schema, {source(boms + "id,name\n", "c.csv", "Customer")});
  ASSERT_FALSE(many);
  EXPECT_NE(many.error().message().find("c.csv: header: Customer has no field"), std::string::npos)
      << many.error().message().substr(0, 200);
}

// A CSV cell's empty forms: unquoted is null (or "" for a required string),
// quoted is the empty string.
TEST(Import, CsvEmptyFieldsAreNullOrEmptyStrings) {
  const char* opt = R"({"models":[{"name":"M","fields":[{"name":"id","type":"int64"},{"name":"s","type":"string"},
                        {"name":"t","type":"string","optional":true},{"name":"n","type":"int64","optional":true}]}]})";
  auto ds = relstore::import_data(opt, {source("id,s,t,n\n1,,,\n2,\"\",\"\",\n", "m.csv", "M")});
  ASSERT_TRUE(ds) << ds.error().message();
  EXPECT_EQ(ds->get(0, 0, 1), relstore::value_view(std::string_view()));
  EXPECT_EQ(ds->get(0, 0, 2).index(), 0u) << "null";
  EXPECT_EQ(ds->get(0, 1, 2), relstore::value_view(std::string_view()));
  EXPECT_EQ(ds->get(0, 1, 3).index(), 0u);
  auto required = relstore::import_data(schema, {source("id,name\n,Ada\n", "c.csv", "Customer")});
  ASSERT_FALSE(required);
  EXPECT_NE(required.error().message().find("the field is not optional"), std::string::npos)
      << required.error().message();
}

// Regression: a row that did not give an enum field stored 0, which no
// enumerator had; the file then failed to load, and its own dump failed to
// import (helper-56).
TEST(Import, AnEnumFieldNotGivenIsRefusedUnlessZeroIsAnEnumerator) {
  const char* enums = R"({"models":[{"name":"M","fields":[{"name":"id","type":"int64"},
      {"name":"k","type":"int32","enum":{"name":"kind","values":{"a":1,"b":2}}},
      {"name":"z","type":"int32","enum":{"name":"zone","values":{"none":0,"far":1}}},
      {"name":"o","type":"int32","optional":true,"enum":{"name":"kind","values":{"a":1,"b":2}}},
      {"name":"note","type":"string"}]}]})";
  auto csv = relstore::import_data(enums, {source("id,note\n1,x\n", "m.csv", "M")});
  ASSERT_FALSE(csv);
  EXPECT_EQ(csv.error().code, errc::invalid_argument);
  EXPECT_NE(csv.error().message().find("m.csv:2: M.k is not given, and its default 0 is the value of no kind (a, b)"),
            std::string::npos)
      << csv.error().message();
  auto json = relstore::import_data(enums, {source(R"({"M":[{"id":1,"note":"x"}]})", "m.json")});
  ASSERT_FALSE(json);
  EXPECT_NE(json.error().message().find("M[0]: M.k is not given"), std::string::npos) << json.error().message();
  // Given, or optional (null), or with 0 among its enumerators: accepted.
  auto given = relstore::import_data(enums, {source("id,k\n1,b\n", "m.csv", "M")});
  ASSERT_TRUE(given) << given.error().message();
  EXPECT_EQ(given->get(0, 0, 1), relstore::value_view(std::int64_t{2}));
  EXPECT_EQ(given->get(0, 0, 2), relstore::value_view(std::int64_t{0}));
  EXPECT_EQ(given->get(0, 0, 3).index(), 0u) << "null";
  // A header alone has no row to refuse.
  EXPECT_TRUE(relstore::import_data(enums, {source("id,note\n", "m.csv", "M")}));
}

// Regression: a blank line in a one-column CSV was a row (helper-56).
TEST(Import, ABlankLineIsNoRowWhateverTheColumnCount) {
  const char* one = R"({"models":[{"name":"M","fields":[{"name":"id","type":"int64"},{"name":"s","type":"string"}]}]})";
  auto ds = relstore::import_data(one, {source("s\n\"a\"\n\n\"b\"\n\n", "m.csv", "M")});
  ASSERT_TRUE(ds) << ds.error().message();
  EXPECT_EQ(ds->rows(0), 2u);
  // An empty string is quoted, as dump writes it.
  auto empty = relstore::import_data(one, {source("s\n\"\"\n", "m.csv", "M")});
  ASSERT_TRUE(empty) << empty.error().message();
  EXPECT_EQ(empty->rows(0), 1u);
}

// Regression: an empty JSON Lines file (dump's output for no row) was "not
// valid JSON", and one starting with a blank line had "extra data"
// (helper-56).
TEST(Import, AnEmptyJsonInputHasNoRowsAndLeadingBlankLinesAreSkipped) {
  for (const char* blank : {"", "\n", " \r\n\t\n"}) {
    auto ds = relstore::import_data(schema, {source(blank, "e.jsonl")});
    ASSERT_TRUE(ds) << ds.error().message();
    EXPECT_EQ(ds->total_rows(), 0u);
  }
  auto lead = relstore::import_data(schema, {source("\n\n{\"model\":\"Customer\",\"row\":{\"id\":1,\"name\":\"Ada\"}}\n"
                                                    "{\"model\":\"Customer\",\"row\":{\"id\":2,\"name\":\"Bob\"}}\n",
                                                    "l.jsonl")});
  ASSERT_TRUE(lead) << lead.error().message();
  EXPECT_EQ(lead->total_rows(), 2u);
  auto doc = relstore::import_data(schema, {source("\n  {\"Customer\":[{\"id\":1,\"name\":\"Ada\"}]}\n", "d.json")});
  ASSERT_TRUE(doc) << doc.error().message();
  EXPECT_EQ(doc->total_rows(), 1u);
}

// Regression: a refusal quoted a cell whole (a 5 MB cell made a 5 MB line)
// and passed bytes that are not UTF-8 to the terminal as they were
// (helper-56).
TEST(Import, AMessageCutsALongValueShortAndEscapesWhatIsNotText) {
  const std::string digits(100000, '7');
  auto longer = relstore::import_data(schema, {source("id,name\n" + digits + "x,Ada\n", "c.csv", "Customer")});
  ASSERT_FALSE(longer);
  const std::string& m = longer.error().message();
  EXPECT_LT(m.size(), 500u) << m.substr(0, 600);
  EXPECT_NE(m.find("\"... (100001 bytes, crc32c "), std::string::npos) << m.substr(0, 600);
  EXPECT_NE(m.find(") is not a whole number"), std::string::npos) << m.substr(0, 600);
  auto raw = relstore::import_data(schema, {source("id,name\n\x9b\xff\xef\xbb\xbf"
                                                   "1,Ada\n",
                                                   "c.csv", "Customer")});
  ASSERT_FALSE(raw);
  EXPECT_NE(raw.error().message().find(R"("\x9b\xff\ufeff1")"), std::string::npos) << raw.error().message();
  // Text is shown as it is, whatever its script.
  auto text = relstore::import_data(schema, {source("id,name\n\xc3\xa9\xe2\x82\xac,Ada\n", "c.csv", "Customer")});
  ASSERT_FALSE(text);
  EXPECT_NE(text.error().message().find("\"\xc3\xa9\xe2\x82\xac\""), std::string::npos) << text.error().message();
}

TEST(Import, KeepsEveryIntegrityCheckForCsvAndJsonLines) {
  auto dangling = relstore::import_data(schema, {source("id,name\n1,Ada\n", "c.csv", "Customer"),
                                                 source("id,customerId,total\n1,7,2\n", "o.csv", "Order")});
  ASSERT_FALSE(dangling);
  EXPECT_EQ(dangling.error().code, errc::foreign_key_violation);
  EXPECT_NE(dangling.error().message().find("Order.customerId = 7: no Customer with id 7"), std::string::npos);
  auto twice = relstore::import_data(schema, {source("id,name\n1,Ada\n1,Bob\n", "c.csv", "Customer")});
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().code, errc::already_exists);
  auto range = relstore::import_data(R"({"models":[{"name":"M","fields":[{"name":"id","type":"int64"},
                                           {"name":"n","type":"int32"}]}]})",
                                     {source("id,n\n1,2147483648\n", "m.csv", "M")});
  ASSERT_FALSE(range);
  EXPECT_NE(range.error().message().find("m.csv:2: M.n"), std::string::npos) << range.error().message();
}

// Regression: an import refused for a dangling or duplicate key named the
// key but not where its row was. The message now starts with the row's
// place, as the reader's own messages do: a line, or a document's element
// (found by its key, also one the import assigned).
TEST(Import, ARefusedKeyNamesTheLineOrElementOfItsRow) {
  const auto message = [](const auto& r) { return r ? std::string("(accepted)") : r.error().message(); };
  const std::string customers = "id,name\n1,Ada\n2,Bob\n";
  const auto csv = relstore::import_data(schema, {source(customers, "c.csv", "Customer"),
                                                  source("id,customerId,total\n1,1,2\n\n2,7,2\n", "o.csv", "Order")});
  EXPECT_NE(message(csv).find("nothing written: o.csv:4: "), std::string::npos) << message(csv);
  EXPECT_NE(message(csv).find("no Customer with id 7"), std::string::npos) << message(csv);
  const auto twice = relstore::import_data(schema, {source("id,name\n1,Ada\n2,Bob\n1,Cy\n", "c.csv", "Customer")});
  EXPECT_NE(message(twice).find("nothing written: c.csv:2 and c.csv:4: "), std::string::npos) << message(twice);
  const std::string lines =
      "{\"model\":\"Customer\",\"row\":{\"id\":1,\"name\":\"Ada\"}}\n"
      "{\"model\":\"Order\",\"row\":{\"id\":5,\"customerId\":9,\"total\":1}}\n";
  const auto jsonl = relstore::import_data(schema, {source(lines, "a.jsonl")});
  EXPECT_NE(message(jsonl).find("nothing written: a.jsonl:2: "), std::string::npos) << message(jsonl);
  const auto doc = relstore::import_json(
      R"({"Customer":[{"id":1,"name":"Ada"}],"Order":[{"customerId":1,"total":1},{"customerId":8,"total":1}]})",
      schema);
  EXPECT_NE(message(doc).find("nothing written: Order[1]: "), std::string::npos) << message(doc);
  const auto named =
      relstore::import_data(schema, {source(R"({"Order":[{"id":3,"customerId":8,"total":1}]})", "o.json")});
  EXPECT_NE(message(named).find("nothing written: o.json: Order[0]: "), std::string::npos) << message(named);
}

// Regression: a CSV number beyond a double's range said "is not a number",
// and one too small for a double was refused where JSON reads a zero.
// Both now read as JSON reads them, in a cell and in an array cell.
TEST(Import, ACsvNumberOutOfADoublesRangeIsReadAsJsonReadsIt) {
  auto huge = relstore::import_data(schema, {source("id,name\n1,Ada\n", "c.csv", "Customer"),
                                             source("id,customerId,total\n1,1,-1e400\n", "o.csv", "Order")});
  ASSERT_FALSE(huge);
  EXPECT_NE(huge.error().message().find("o.csv:2: Order.total: \"-1e400\" is a number beyond the range of a double"),
            std::string::npos)
      << huge.error().message();
  auto tiny = relstore::import_data(
      schema, {source("id,name\n1,Ada\n", "c.csv", "Customer"),
               source("id,customerId,total\n1,1,-1e-400\n2,1,1e-5000\n3,1,4e-320\n", "o.csv", "Order")});
  ASSERT_TRUE(tiny) << tiny.error().message();
  const std::size_t order = *tiny->find_model("Order");
  const auto total = [&](std::size_t row) { return std::get<double>(tiny->get(order, row, 2)); };
  EXPECT_EQ(total(0), 0.0);
  EXPECT_TRUE(std::signbit(total(0))) << "a zero keeps its sign";
  EXPECT_EQ(total(1), 0.0);
  EXPECT_FALSE(std::signbit(total(1)));
  EXPECT_EQ(total(2), 4e-320) << "a subnormal is in range";
  auto json =
      relstore::import_json(R"({"Customer":[{"id":1,"name":"a"}],"Order":[{"customerId":1,"total":1e-400}]})", schema);
  ASSERT_TRUE(json) << json.error().message();
  EXPECT_EQ(std::get<double>(json->get(*json->find_model("Order"), 0, 2)), total(1)) << "the same as JSON";
  const char* arrays = R"({"models":[{"name":"M","fields":[{"name":"id","type":"int64"},
                          {"name":"v","type":"array","element":"float64","length":2}]}]})";
  auto in_array = relstore::import_data(arrays, {source("id,v\n1,\"[1e400,1]\"\n", "m.csv", "M")});
  ASSERT_FALSE(in_array);
  EXPECT_NE(in_array.error().message().find("m.csv:2: M.v: \"[1e400,1]\" is not an array of numbers within the range"),
            std::string::npos)
      << in_array.error().message();
  auto tiny_in_array = relstore::import_data(arrays, {source("id,v\n1,\"[-1e-400,1]\"\n", "m.csv", "M")});
  ASSERT_TRUE(tiny_in_array) << tiny_in_array.error().message();
  const auto v = std::get<relstore::array_view>(tiny_in_array->get(0, 0, 1));
  EXPECT_EQ(std::get<double>(v[0]), 0.0);
  EXPECT_TRUE(std::signbit(std::get<double>(v[0])));
  // The digits count, not only the exponent's sign: 1 and 6000 zeros, then
  // e-10, is huge; 0. and 6000 zeros, then 1, is tiny.
  const std::string zeros(6000, '0');
  auto long_huge =
      relstore::import_data(schema, {source("id,name\n1,Ada\n", "c.csv", "Customer"),
                                     source("id,customerId,total\n1,1,1" + zeros + "e-10\n", "o.csv", "Order")});
  ASSERT_FALSE(long_huge);
  EXPECT_NE(long_huge.error().message().find("beyond the range of a double"), std::string::npos);
  auto long_tiny =
      relstore::import_data(schema, {source("id,name\n1,Ada\n", "c.csv", "Customer"),
                                     source("id,customerId,total\n1,1,0." + zeros + "1\n", "o.csv", "Order")});
  ASSERT_TRUE(long_tiny) << long_tiny.error().message().substr(0, 300);
  EXPECT_EQ(std::get<double>(long_tiny->get(*long_tiny->find_model("Order"), 0, 2)), 0.0);
}

// Regression: a schema file that starts with a byte order mark (as some
// editors save JSON) was refused; it is skipped, as in the inputs.
TEST(Import, ASchemaThatStartsWithAByteOrderMarkIsRead) {
  auto ds =
      relstore::import_data(std::string("\xef\xbb\xbf") + schema, {source("id,name\n1,Ada\n", "c.csv", "Customer")});
  ASSERT_TRUE(ds) << ds.error().message();
  EXPECT_EQ(ds->rows(*ds->find_model("Customer")), 1u);
  auto two = relstore::import_data(std::string("\xef\xbb\xbf\xef\xbb\xbf") + schema, {});
  ASSERT_FALSE(two) << "a second mark is text";
}

}  // namespace

}  // namespace import_test
