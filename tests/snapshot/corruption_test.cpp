// Damaged and hostile snapshots: every one gives a clean error, never a crash,
// a huge allocation, or a change to the caller's store.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>

#include <boost/archive/binary_oarchive.hpp>
#include <boost/serialization/array_wrapper.hpp>
#include <cstdint>
#include <cstring>
#include <istream>
#include <optional>
#include <sstream>
#include <streambuf>
#include <string>

#include <relstore/snapshot.hpp>
#include <relstore/snapshot_tools.hpp>

#include "common/hostile_writer.hpp"
#include "common/shop_schema.hpp"
#include "common/snapshot_helpers.hpp"
#include "relstore/detail/crc32c.hpp"
#include "relstore/detail/envelope.hpp"

namespace corruption_test {

namespace {

using namespace shop;
using relstore::errc;

store small_store() {
  store db;
  auto ada = db.repo<Customer>().create({.name = "Ada", .email = "a@x"}).value();
  (void)db.repo<Customer>().related<"orders">(ada.id).create({.total = 3.5, .note = "n"}).value();
  auto acct = db.repo<Account>().create({.code = "K"}).value();
  (void)db.repo<Account>().related<"sessions">(acct.code).create({.token = "t"}).value();
  return db;
}

std::string saved_bytes(const store& db, relstore::archive_format format = relstore::archive_format::binary) {
  std::stringstream out;
  EXPECT_TRUE(relstore::save(db, out, {.format = format}));
  return out.str();
}

relstore::result<void> load_bytes(store& db, const std::string& bytes) {
  std::istringstream in(bytes);
  return relstore::load(db, in);
}

bool is_clean_snapshot_error(errc c) {
  return c == errc::snapshot_corrupt || c == errc::snapshot_version || c == errc::snapshot_platform ||
         c == errc::schema_mismatch;
}

TEST(Crc32c, MatchesTheStandardCheckValueOnBothPaths) {
  const char* check = "123456789";
  EXPECT_EQ(relstore::detail::crc32c(check, 9), 0xE3069283u);
  EXPECT_EQ(relstore::detail::crc32c_portable(check, 9), 0xE3069283u);
  std::string big(100003, '\0');
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i * 131 + 7);
  EXPECT_EQ(relstore::detail::crc32c(big.data(), big.size()),
            relstore::detail::crc32c_portable(big.data(), big.size()));
}

// The fast path checksums blocks of three 16 KiB lanes at once and joins
// them: sizes around those blocks, and starts at odd addresses, agree with
// the table.
TEST(Crc32c, LanesJoinedAgreeWithTheTableAroundEveryBlockEdge) {
  constexpr std::size_t block = 3 * 16384;
  std::string big(3 * block + 64, '\0');
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i * 2654435761u >> 13);
  for (const std::size_t size : {block - 1, block, block + 1, block + 9, 2 * block, 3 * block + 63}) {
    for (const std::size_t at : {std::size_t{0}, std::size_t{1}}) {
      EXPECT_EQ(relstore::detail::crc32c_extend(0x12345678u, big.data() + at, size),
                relstore::detail::crc32c_extend_portable(0x12345678u, big.data() + at, size))
          << size << " bytes from " << at;
    }
  }
}

// A save checksums its payload as it streams it, piece by piece.
TEST(Crc32c, ExtendingPieceByPieceGivesTheWholesOnBothPaths) {
  std::string big(100003, '\0');
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i * 131 + 7);
  const std::uint32_t whole = relstore::detail::crc32c(big.data(), big.size());
  for (const std::size_t piece : {std::size_t{1}, std::size_t{7}, std::size_t{4096}, big.size()}) {
    std::uint32_t fast = 0, portable = 0;
    for (std::size_t at = 0; at < big.size(); at += piece) {
      const std::size_t n = std::min(piece, big.size() - at);
      fast = relstore::detail::crc32c_extend(fast, big.data() + at, n);
      portable = relstore::detail::crc32c_extend_portable(portable, big.data() + at, n);
    }
    EXPECT_EQ(fast, whole) << "pieces of " << piece;
    EXPECT_EQ(portable, whole) << "pieces of " << piece;
  }
  EXPECT_EQ(relstore::detail::crc32c_extend(0, big.data(), 0), 0u);
}

TEST(Corruption, EverySingleByteFlipIsACleanErrorAndLeavesTheStoreUntouched) {
  const std::string good = saved_bytes(small_store());
  store target = small_store();
  (void)target.repo<Customer>().create({.name = "Extra"});
  const store before = target;
  for (std::size_t i = 0; i < good.size(); ++i) {
    std::string bad = good;
    bad[i] = static_cast<char>(bad[i] ^ 0x5A);
    auto r = load_bytes(target, bad);
    ASSERT_FALSE(r) << "flipped byte " << i << " loaded";
    EXPECT_TRUE(is_clean_snapshot_error(r.error().code)) << "byte " << i << ": " << r.error().message();
  }
  EXPECT_TRUE(target == before);
}

TEST(Corruption, TruncationAtEveryOffsetIsSnapshotCorrupt) {
  const std::string good = saved_bytes(small_store());
  store target;
  for (std::size_t n = 0; n < good.size(); ++n) {
    auto r = load_bytes(target, good.substr(0, n));
    ASSERT_FALSE(r) << "truncated at " << n << " loaded";
    EXPECT_EQ(r.error().code, errc::snapshot_corrupt) << n << ": " << r.error().message();
  }
  EXPECT_EQ(target.size<Customer>(), 0u);
}

TEST(Corruption, TrailingBytesAreRejected) {
  store target;
  auto r = load_bytes(target, saved_bytes(small_store()) + "x");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::snapshot_corrupt);
  EXPECT_NE(r.error().message().find("trailing"), std::string::npos) << r.error().message();
}

// Hands out `head`, then 'x' for ever, counting the bytes it handed out.
class endless_buf : public std::streambuf {
 public:
  explicit endless_buf(std::string head) : head_(std::move(head)) {}
  std::size_t handed_out = 0;

 protected:
  int_type underflow() override {
    if (at_ < head_.size()) {
      chunk_.assign(head_, at_, 4096);
      at_ += chunk_.size();
    } else {
      chunk_.assign(4096, 'x');
    }
    handed_out += chunk_.size();
    setg(chunk_.data(), chunk_.data(), chunk_.data() + chunk_.size());
    return traits_type::to_int_type(chunk_[0]);
  }

 private:
  std::string head_, chunk_;
  std::size_t at_ = 0;
};

// Regression: a stream was read to its end before its header was looked
// at, so an endless one (a pipe that never closes) was read until memory ran
// out, and std::bad_alloc crossed the API.
TEST(Corruption, AnEndlessStreamIsReadNoFurtherThanItsHeaderDeclares) {
  const std::string good = saved_bytes(small_store());
  endless_buf buf(good);
  std::istream in(&buf);
  store target;
  auto r = relstore::load(target, in);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::snapshot_corrupt);
  EXPECT_NE(r.error().message().find("(trailing bytes)"), std::string::npos) << r.error().message();
  EXPECT_LE(buf.handed_out, good.size() + 2 * 4096);
  EXPECT_EQ(target.size<Customer>(), 0u);
}

TEST(Corruption, AStreamThatIsNoSnapshotIsRefusedAfterItsHeader) {
  std::istringstream in(std::string(100000, '{'));
  auto r = relstore::read_snapshot(in);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::snapshot_corrupt);
  EXPECT_NE(r.error().message().find("bad magic"), std::string::npos) << r.error().message();
  EXPECT_EQ(in.tellg(), std::streampos(relstore::snapshot_header_size));
}

// A caller's exceptions() mask makes no exception cross the API (reading
// the byte past a snapshot hits the end), and comes back as it was.
TEST(Corruption, AStreamThatThrowsOnEofStillLoadsAndKeepsItsMask) {
  std::istringstream in(saved_bytes(small_store()));
  const auto mask = std::ios::failbit | std::ios::eofbit | std::ios::badbit;
  in.exceptions(mask);
  store target;
  std::optional<relstore::result<void>> r;
  ASSERT_NO_THROW(r.emplace(relstore::load(target, in)));
  EXPECT_TRUE(*r) << r->error().message();
  EXPECT_EQ(target.size<Customer>(), 1u);
  EXPECT_EQ(in.exceptions(), mask);
  std::istringstream junk("shorter than a header");  // ends within the first read
  junk.exceptions(mask);
  std::optional<relstore::result<relstore::dataset>> d;
  ASSERT_NO_THROW(d.emplace(relstore::read_snapshot(junk)));
  EXPECT_FALSE(*d);
}

// A header (with its own checksum right) may claim any length: what is read
// is what the stream holds, never what the header claims.
TEST(Hostile, AStreamWhoseHeaderClaimsAnExabyteIsTruncatedNotAllocated) {
  std::string bytes = saved_bytes(small_store());
  const std::uint64_t claimed = std::uint64_t{1} << 60;
  for (std::size_t i = 0; i < 8; ++i) bytes[32 + i] = static_cast<char>(claimed >> (8 * i));
  const std::uint32_t crc = relstore::detail::crc32c(bytes.data(), 44);
  for (std::size_t i = 0; i < 4; ++i) bytes[44 + i] = static_cast<char>(crc >> (8 * i));
  std::istringstream in(bytes);
  auto r = relstore::read_snapshot(in);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::snapshot_corrupt);
  EXPECT_NE(r.error().message().find("(truncated)"), std::string::npos) << r.error().message();
}

// Re-seals a damaged payload with a valid envelope: the parser itself must cope.
TEST(Corruption, PayloadByteFlipsUnderAValidChecksumNeverCrash) {
  for (auto format : {relstore::archive_format::binary, relstore::archive_format::text}) {
    const std::string good = saved_bytes(small_store(), format);
    const std::string payload = good.substr(relstore::snapshot_header_size);
    for (std::size_t i = 0; i < payload.size(); ++i) {
      std::string p = payload;
      p[i] = static_cast<char>(p[i] ^ 0x41);
      store target;
      auto r = load_bytes(target, relstore::detail::seal_snapshot(p, format));
      if (!r) {
        EXPECT_TRUE(is_clean_snapshot_error(r.error().code)) << i << ": " << r.error().message();
        EXPECT_EQ(target.size<Customer>(), 0u);
      }
    }
  }
}

std::string patch_header_field(std::string bytes, std::size_t offset, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) bytes[offset + static_cast<std::size_t>(i)] = static_cast<char>(v >> (8 * i));
  const std::uint32_t crc = relstore::detail::crc32c(bytes.data(), 44);
  for (int i = 0; i < 4; ++i) bytes[44 + static_cast<std::size_t>(i)] = static_cast<char>(crc >> (8 * i));
  return bytes;
}

TEST(Corruption, NewerFormatVersionIsSnapshotVersion) {
  store target;
  auto r = load_bytes(target, patch_header_field(saved_bytes(small_store()), 8, relstore::snapshot_format_version + 1));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::snapshot_version);
  EXPECT_NE(r.error().message().find("format version " + std::to_string(relstore::snapshot_format_version + 1)),
            std::string::npos)
      << r.error().message();
}

TEST(Corruption, NewerBoostArchiveVersionIsSnapshotVersion) {
  store target;
  auto r = load_bytes(target, patch_header_field(saved_bytes(small_store()), 12, 1000));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::snapshot_version);
}

TEST(Corruption, BinarySnapshotFromAnotherPlatformIsSnapshotPlatform) {
  std::string bytes = saved_bytes(small_store());
  bytes[17] = 2;  // big-endian
  const std::uint32_t crc = relstore::detail::crc32c(bytes.data(), 44);
  for (int i = 0; i < 4; ++i) bytes[44 + static_cast<std::size_t>(i)] = static_cast<char>(crc >> (8 * i));
  store target;
  auto r = load_bytes(target, bytes);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::snapshot_platform);
  EXPECT_NE(r.error().message().find("big-endian"), std::string::npos) << r.error().message();
}

TEST(Corruption, NotASnapshotAtAll) {
  store target;
  auto r = load_bytes(target, std::string(100, 'x'));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::snapshot_corrupt);
  EXPECT_NE(r.error().message().find("magic"), std::string::npos);
}

TEST(Hostile, AbsurdRowCountIsRejectedBeforeAllocating) {
  test::hostile_writer w;
  w.customer_schema().put<std::uint64_t>(std::uint64_t{1} << 60);
  std::istringstream in(w.sealed());
  auto r = relstore::read_snapshot(in);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::snapshot_corrupt);
  EXPECT_NE(r.error().message().find("exceeds"), std::string::npos) << r.error().message();
}

TEST(Hostile, AbsurdModelCountIsRejected) {
  test::hostile_writer w;
  w.put<std::uint32_t>(0xFFFFFFFFu);
  std::istringstream in(w.sealed());
  auto r = relstore::read_snapshot(in);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::snapshot_corrupt);
}

TEST(Hostile, StringLongerThanTheFileIsRejected) {
  test::hostile_writer w;
  w.customer_schema().put<std::uint64_t>(1);
  const std::int64_t id = 1;
  w.put(boost::serialization::make_array(&id, 1));
  const std::uint64_t huge = std::uint64_t{1} << 40;
  w.put(boost::serialization::make_array(&huge, 1)).put<std::uint64_t>(huge);
  std::istringstream in(w.sealed());
  auto r = relstore::read_snapshot(in);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::snapshot_corrupt);
}

TEST(Hostile, ModelNameLongerThanTheFileIsRejected) {
  test::hostile_writer w;
  w.put<std::uint32_t>(1).put<std::uint64_t>(std::uint64_t{1} << 50);
  std::istringstream in(w.sealed());
  auto r = relstore::read_snapshot(in);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::snapshot_corrupt);
}

TEST(Hostile, DanglingForeignKeyIsRejectedAndNamesTheKey) {
  relstore::dataset ds = test::dataset_of(small_store());
  auto order = *ds.find_model("Order");
  ds.cells(order, 1).ints[0] = 77;  // customerId
  std::stringstream bytes;
  ASSERT_TRUE(relstore::write_snapshot(ds, bytes));
  store target = small_store();
  const store before = target;
  auto r = relstore::load(target, bytes);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::snapshot_corrupt);
  EXPECT_NE(r.error().message().find("Order.customerId = 77"), std::string::npos) << r.error().message();
  EXPECT_TRUE(target == before);
}

TEST(Hostile, DuplicatePrimaryKeyIsRejected) {
  relstore::dataset ds = test::dataset_of(small_store());
  auto customer = *ds.find_model("Customer");
  const std::size_t row = ds.add_row(customer);
  ASSERT_TRUE(ds.set(customer, row, 0, std::int64_t{1}, nullptr));
  std::stringstream bytes;
  ASSERT_TRUE(relstore::write_snapshot(ds, bytes));
  store target;
  auto r = relstore::load(target, bytes);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::snapshot_corrupt);
  EXPECT_NE(r.error().message().find("duplicate key in Customer"), std::string::npos) << r.error().message();
  EXPECT_EQ(target.size<Customer>(), 0u);
}

// A load inserts rows grouped by foreign key, not in file order; the error
// still names the later of the two rows in the file, as verify does.
TEST(Hostile, ADuplicateKeyNamesItsLaterRowWhateverTheInsertOrder) {
  store db;
  ASSERT_TRUE(db.repo<Customer>().create({.id = 1, .name = "a"}));
  ASSERT_TRUE(db.repo<Customer>().create({.id = 2, .name = "b"}));
  ASSERT_TRUE(db.repo<Order>().create({.id = 1, .customerId = 2}));
  ASSERT_TRUE(db.repo<Order>().create({.id = 2, .customerId = 2}));
  relstore::dataset ds = test::dataset_of(db);
  const auto order = *ds.find_model("Order");
  const std::size_t row = ds.add_row(order);  // row 2: id 1 again, under customer 1 (inserted first)
  ASSERT_TRUE(ds.set(order, row, 0, std::int64_t{1}, nullptr));
  ASSERT_TRUE(ds.set(order, row, 1, std::int64_t{1}, nullptr));
  std::stringstream bytes = test::snapshot_of(ds);
  store target;
  auto r = relstore::load(target, bytes);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::snapshot_corrupt);
  EXPECT_NE(r.error().message().find("duplicate key in Order at row 2: "), std::string::npos) << r.error().message();
}

TEST(Hostile, OutOfRangeInt32IsRejected) {
  relstore::dataset ds = test::dataset_of(small_store());
  auto lines = *ds.find_model("OrderLine");
  const std::size_t row = ds.add_row(lines);
  ds.cells(lines, 3).ints[row] = std::int64_t{1} << 40;  // qty is int32
  std::stringstream bytes;
  ASSERT_TRUE(relstore::write_snapshot(ds, bytes));
  auto r = relstore::read_snapshot(bytes);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::snapshot_corrupt);
  EXPECT_NE(r.error().message().find("OrderLine.qty"), std::string::npos) << r.error().message();
}

}  // namespace

}  // namespace corruption_test

namespace corruption_test {
namespace {

// A value Boost cannot read says what was being read: the schema or a
// model's field (it used to say only "a value in it is malformed", or
// "Boost.Serialization error 1" for bad XML).
TEST(Corruption, AnArchiveErrorNamesWhatItWasReading) {
  const std::string text = saved_bytes(small_store(), relstore::archive_format::text);
  std::string payload = text.substr(relstore::snapshot_header_size);
  // Order's total, 3.5, is written as its bits: make them no number.
  const auto total = payload.find(" " + std::to_string(std::bit_cast<std::uint64_t>(3.5)));
  ASSERT_NE(total, std::string::npos);
  payload[total + 1] = 'x';
  store target;
  auto r = load_bytes(target, relstore::detail::seal_snapshot(payload, relstore::archive_format::text));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::snapshot_corrupt);
  EXPECT_NE(r.error().message().find("(in field Order.total)"), std::string::npos) << r.error().message();
  EXPECT_EQ(target.size<Customer>(), 0u);

  const std::string xml = saved_bytes(small_store(), relstore::archive_format::xml);
  payload = xml.substr(relstore::snapshot_header_size);
  const auto field = payload.find("<field>");  // a field's name
  ASSERT_NE(field, std::string::npos);
  payload.insert(field + 7, "&");  // a bare '&' is no XML
  r = load_bytes(target, relstore::detail::seal_snapshot(payload, relstore::archive_format::xml));
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message().find("its XML is malformed (in the schema)"), std::string::npos) << r.error().message();
}

}  // namespace
}  // namespace corruption_test
