// Text and XML snapshots (format version 3) write strings as text a person
// can read: verbatim when printable, escaped otherwise, exact for any bytes,
// and a declared length is bounded by the file like every other count.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include <relstore/snapshot.hpp>

#include "common/hostile_writer.hpp"
#include "common/shop_schema.hpp"
#include "common/test_helpers.hpp"

namespace text_strings_test {

namespace {

using namespace shop;
using relstore::archive_format;
using relstore::errc;
using test::has;

// Strings that markup, whitespace handling or a text parser could damage.
std::vector<std::string> awkward_strings() {
  std::vector<std::string> out = {"",
                                  " ",
                                  "  leading and trailing  ",
                                  "two\nlines\r\nand\ttab",
                                  "quotes \" ' and \\ backslash",
                                  "\\x41 \\n looks like an escape",
                                  "<tag attr=\"v\">&amp; &lt;</tag> ]]>",
                                  "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
                                  std::string("nul\0inside", 10),
                                  std::string(3, '\0'),
                                  "\x01\x02\x1b[31mred\x7f",
                                  "\xff\xfe invalid",
                                  "\xc3 cut short",
                                  "\xc0\xaf overlong",
                                  "\xed\xa0\x80 surrogate",
                                  "\xf4\x90\x80\x80 past U+10FFFF",
                                  "\xc2\x85 C1 control"};
  std::string every_byte;
  for (int c = 0; c < 256; ++c) every_byte += static_cast<char>(c);
  out.push_back(every_byte);
  for (int c = 0; c < 256; ++c) out.push_back(std::string(1, static_cast<char>(c)));
  return out;
}

store store_with_notes(const std::vector<std::string>& notes) {
  store db;
  const auto ada = db.repo<Customer>().create({.name = "Ada", .email = "ada@example.com"}).value();
  for (const auto& n : notes) EXPECT_TRUE(db.repo<Order>().create({.customerId = ada.id, .note = n}));
  return db;
}

std::string saved(const store& db, archive_format f) {
  std::stringstream out;
  EXPECT_TRUE(relstore::save(db, out, {.format = f}));
  return out.str();
}

relstore::result<relstore::dataset> read(const std::string& bytes, relstore::snapshot_header* header = nullptr) {
  std::istringstream in(bytes);
  return relstore::read_snapshot(in, header);
}

TEST(TextStrings, TextAndXmlHoldStringsVerbatimAndAreVersionThree) {
  const store db = store_with_notes({"gift", "caf\xc3\xa9", "a<b & c"});
  for (auto f : {archive_format::text, archive_format::xml}) {
    const std::string bytes = saved(db, f);
    for (const char* part : {"gift", "caf\xc3\xa9", "Customer", "customerId", "ada@example.com", "orders"}) {
      EXPECT_TRUE(has(bytes, part)) << relstore::to_string(f) << " lacks " << part;
    }
    relstore::snapshot_header header;
    ASSERT_TRUE(read(bytes, &header));
    EXPECT_EQ(header.format_version, 3u);
  }
  EXPECT_TRUE(has(saved(db, archive_format::text), " 4 gift "));
  const std::string xml = saved(db, archive_format::xml);
  EXPECT_TRUE(has(xml, "<string>gift</string>"));
  EXPECT_TRUE(has(xml, "<string>a&lt;b &amp; c</string>"));
  EXPECT_FALSE(has(xml, "<bytes>") || has(xml, "<blob>")) << "no string is written as decimal bytes any more";
}

TEST(TextStrings, BinaryFilesStayVersionTwo) {
  relstore::snapshot_header header;
  ASSERT_TRUE(read(saved(store_with_notes({"gift"}), archive_format::binary), &header));
  EXPECT_EQ(header.format_version, 2u);
}

TEST(TextStrings, BytesThatAreNotPrintableUtf8AreEscapedSoTheFileIsText) {
  const store db = store_with_notes({std::string("nul\0", 4), "\x1b[2J\x7f", "\xff", "back\\slash", "line\nbreak"});
  for (auto f : {archive_format::text, archive_format::xml}) {
    const std::string bytes = saved(db, f);
    for (const char* part : {"nul\\x00", "\\x1b[2J\\x7f", "\\xff", "back\\\\slash", "line\\nbreak"}) {
      EXPECT_TRUE(has(bytes, part)) << relstore::to_string(f) << " lacks " << part;
    }
    // Past the envelope only the archive's own newlines and tabs remain.
    for (std::size_t i = relstore::snapshot_header_size; i < bytes.size(); ++i) {
      const auto c = static_cast<unsigned char>(bytes[i]);
      EXPECT_TRUE(c >= 0x20 || c == '\n' || c == '\t') << relstore::to_string(f) << ": byte " << int(c) << " at " << i;
      EXPECT_NE(c, 0x7f);
      EXPECT_NE(c, 0xff);
    }
  }
}

class TextStringsRoundTrip : public ::testing::TestWithParam<archive_format> {};

TEST_P(TextStringsRoundTrip, EveryByteStringComesBackExactly) {
  const auto notes = awkward_strings();
  const store db = store_with_notes(notes);
  std::stringstream bytes(saved(db, GetParam()));
  store loaded;
  auto r = relstore::load(loaded, bytes);
  ASSERT_TRUE(r) << r.error().message();
  const auto orders = loaded.repo<Order>().find().value();
  ASSERT_EQ(orders.size(), notes.size());
  for (std::size_t i = 0; i < notes.size(); ++i) EXPECT_EQ(orders[i]->note, notes[i]) << "string " << i;
  EXPECT_TRUE(loaded == db);
}

INSTANTIATE_TEST_SUITE_P(Formats, TextStringsRoundTrip,
                         ::testing::Values(archive_format::binary, archive_format::text, archive_format::xml),
                         [](const auto& param_info) { return std::string(relstore::to_string(param_info.param)); });

// A text file of version 3 with one Customer row (id 1) whose name is
// written by `name`.
template <class Name>
std::string customer_text_file(Name name) {
  test::text_writer w(true);
  w.customer_schema().put<std::uint32_t>(0).put<std::uint64_t>(1);  // no through relations, one row
  const std::int64_t id = 1;
  w.put(boost::serialization::make_array(&id, 1));
  name(w);
  return w.sealed(3);
}

TEST(TextStrings, TheTestWritersTextFileLoads) {
  auto ds = read(customer_text_file([](test::text_writer& w) { w.text("caf\xc3\xa9\n"); }));
  ASSERT_TRUE(ds) << ds.error().message();
  EXPECT_EQ(ds->cells(0, 1).strings.at(0), "caf\xc3\xa9\n");
}

TEST(TextStrings, AHugeStringLengthInATextFileIsRejectedBeforeAllocating) {
  const auto start = std::chrono::steady_clock::now();
  for (std::uint64_t n : {std::uint64_t{1} << 62, std::uint64_t{1} << 40, ~std::uint64_t{0}}) {
    auto ds = read(customer_text_file([&](test::text_writer& w) { w.put(n); }));
    ASSERT_FALSE(ds);
    EXPECT_EQ(ds.error().code, errc::snapshot_corrupt);
    EXPECT_TRUE(has(ds.error().message(), "exceeds")) << ds.error().message();
    // The first string of the file: the model's name.
    test::text_writer names(true);
    names.put<std::uint32_t>(1).put(n).put(std::string("Customer"));
    ds = read(names.sealed(3));
    ASSERT_FALSE(ds);
    EXPECT_EQ(ds.error().code, errc::snapshot_corrupt);
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
}

TEST(TextStrings, AStringLengthOnePastTheEndIsCorrupt) {
  // " 5 gift" at the end: the length counts one byte the file lacks.
  test::text_writer w(true);
  w.customer_schema().put<std::uint32_t>(0).put<std::uint64_t>(1);
  const std::int64_t id = 1;
  w.put(boost::serialization::make_array(&id, 1)).put<std::uint64_t>(5);
  std::string bytes = w.sealed(3);
  auto payload = bytes.substr(relstore::snapshot_header_size) + " gift";
  auto ds = read(relstore::detail::seal_snapshot(payload, archive_format::text, 3));
  ASSERT_FALSE(ds);
  EXPECT_EQ(ds.error().code, errc::snapshot_corrupt);
}

TEST(TextStrings, AMalformedEscapeIsCorrupt) {
  for (const char* bad : {"a\\q", "a\\", "a\\x4", "a\\xg0"}) {
    auto ds = read(customer_text_file([&](test::text_writer& w) { w.put(std::string(bad)); }));
    ASSERT_FALSE(ds) << bad;
    EXPECT_EQ(ds.error().code, errc::snapshot_corrupt);
    EXPECT_TRUE(has(ds.error().message(), "malformed escape")) << ds.error().message();
  }
  std::string xml = saved(store_with_notes({"gift"}), archive_format::xml).substr(relstore::snapshot_header_size);
  xml.replace(xml.find("gift"), 4, "g\\ift");
  auto ds = read(relstore::detail::seal_snapshot(xml, archive_format::xml));
  ASSERT_FALSE(ds);
  EXPECT_EQ(ds.error().code, errc::snapshot_corrupt);
}

// Versions 1 and 2 wrote a text archive's strings as a length and decimal
// bytes, a string column as its lengths and one blob.
TEST(TextStrings, VersionTwoTextFilesStillLoad) {
  test::text_writer w;
  w.customer_schema().put<std::uint32_t>(0).put<std::uint64_t>(1);
  const std::int64_t id = 1;
  const std::uint64_t length = 4;
  w.put(boost::serialization::make_array(&id, 1)).put(boost::serialization::make_array(&length, 1));
  w.put<std::uint64_t>(4).put(boost::serialization::make_array("gift", 4));
  const std::string bytes = w.sealed(2);
  EXPECT_TRUE(has(bytes, "103 105 102 116"));
  relstore::snapshot_header header;
  auto ds = read(bytes, &header);
  ASSERT_TRUE(ds) << ds.error().message();
  EXPECT_EQ(header.format_version, 2u);
  EXPECT_EQ(ds->model(0).name, "Customer");
  EXPECT_EQ(ds->cells(0, 1).strings.at(0), "gift");
}

}  // namespace

}  // namespace text_strings_test
