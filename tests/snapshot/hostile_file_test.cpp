// Hostile files: special files, schemas the registry refuses, names and
// values that would drive a terminal, files load would have taken although
// the API refuses them, SQL sqlite3 would reject, and schemas shaped to make
// the tools quadratic.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>

#include <relstore/snapshot.hpp>
#include <relstore/snapshot_tools.hpp>

#include "common/hostile_writer.hpp"
#include "common/shop_schema.hpp"
#include "common/snapshot_helpers.hpp"
#include "common/temp_dir.hpp"
#include "common/test_helpers.hpp"

namespace hostile_file_test {

namespace {

using namespace shop;

// prefix + n, built with append: GCC 12 warns (-Wrestrict) on "literal" + std::string.
std::string named(const char* prefix, int n) { return std::string(prefix).append(std::to_string(n)); }
using relstore::errc;
using test::has;

int tool(std::vector<std::string> args, std::string* out = nullptr, std::string* err = nullptr) {
  args.insert(args.begin(), "relstore-snapshot");
  std::vector<const char*> argv;
  for (const auto& a : args) argv.push_back(a.c_str());
  std::ostringstream o, e;
  const int code = relstore::run_snapshot_tool(static_cast<int>(argv.size()), argv.data(), o, e);
  if (out != nullptr) *out = o.str();
  if (err != nullptr) *err = e.str();
  return code;
}

// ------------------------------------------------------------ 4. special files

TEST(HostileFiles, AFifoIsRefusedAtOnceByLoadAndEveryCommand) {
  test::temp_dir dir;
  const auto fifo = dir.path() / "pipe.snap";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const auto start = std::chrono::steady_clock::now();
  store db;
  auto r = relstore::load(db, fifo);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::io_error);
  EXPECT_TRUE(has(r.error().message(), "it is a FIFO, not a regular file")) << r.error().message();
  for (const char* cmd : {"info", "verify", "dump", "export-sql"}) {
    std::string err;
    EXPECT_EQ(tool({cmd, fifo.string()}, nullptr, &err), 1) << cmd;
    EXPECT_TRUE(has(err, "FIFO")) << cmd << ": " << err;
    EXPECT_TRUE(has(err, "(pipe it to standard input, -, instead)")) << cmd << ": " << err;
  }
  std::string err;
  EXPECT_EQ(
      tool({"import", fifo.string(), "-o", (dir.path() / "x.snap").string(), "--schema", fifo.string()}, nullptr, &err),
      1);
  EXPECT_TRUE(has(err, "FIFO")) << err;
  EXPECT_TRUE(has(err, "(pipe it to standard input, -, instead)")) << err;
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10)) << "nothing blocked";
}

TEST(HostileFiles, AFolderSaysSoAndNeverSuccess) {
  test::temp_dir dir;
  auto r = relstore::read_snapshot(dir.path());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::io_error);
  EXPECT_TRUE(has(r.error().message(), "it is a folder, not a regular file")) << r.error().message();
  EXPECT_FALSE(has(r.error().message(), "Success")) << r.error().message();
}

// Counts the bytes read through it.
class counting_fs : public relstore::file_system {
 public:
  ssize_t read(int fd, void* to, std::size_t n) override {
    const ssize_t r = file_system::read(fd, to, n);
    if (r > 0) bytes += static_cast<std::size_t>(r);
    return r;
  }
  std::size_t bytes = 0;
};

// Regression: a file was read whole before its first bytes were looked at,
// so `info` on a 2 GB file that is no snapshot took 2 GB and 11 s to say so.
TEST(HostileFiles, AFileThatIsNoSnapshotIsRefusedFromItsHeader) {
  test::temp_dir dir;
  const auto junk = dir.path() / "big.snap";
  std::ofstream(junk).put('x');
  std::filesystem::resize_file(junk, 64 << 20);  // sparse: no disk used
  counting_fs fs;
  store db;
  auto r = relstore::load(db, junk, {.fs = &fs});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::snapshot_corrupt);
  EXPECT_TRUE(has(r.error().message(), "bad magic bytes")) << r.error().message();
  EXPECT_EQ(fs.bytes, relstore::snapshot_header_size);
  // A real header whose length field disagrees with the size: the same.
  ASSERT_TRUE(db.repo<Customer>().create({.name = "Ada"}));
  const auto good = dir.path() / "good.snap";
  ASSERT_TRUE(relstore::save(db, good));
  const auto size = std::filesystem::file_size(good);
  std::filesystem::resize_file(good, size + (32 << 20));
  fs.bytes = 0;
  r = relstore::load(db, good, {.fs = &fs});
  ASSERT_FALSE(r);
  EXPECT_TRUE(has(r.error().message(), "(trailing bytes)")) << r.error().message();
  EXPECT_EQ(fs.bytes, relstore::snapshot_header_size);
  std::filesystem::resize_file(good, size);
  fs.bytes = 0;
  ASSERT_TRUE(relstore::load(db, good, {.fs = &fs}));
  EXPECT_EQ(fs.bytes, size);
  EXPECT_EQ(db.size<Customer>(), 1u);
}

// ------------------------------------------- 9 and the one schema model: the registry's rules

TEST(HostileFiles, ASchemaTheRegistryRefusesIsRefusedWithItsMessage) {
  test::hostile_writer w;  // one model whose field "id" appears twice
  w.put<std::uint32_t>(1).text("Customer").put<std::uint32_t>(0).put<std::uint32_t>(2);
  w.text("id").put<std::uint8_t>(2).put<std::uint8_t>(0);
  w.text("id").put<std::uint8_t>(5).put<std::uint8_t>(0);
  w.put<std::uint32_t>(0).put<std::uint64_t>(0);
  std::istringstream in(w.sealed());
  auto r = relstore::read_snapshot(in);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::snapshot_corrupt);
  EXPECT_TRUE(has(r.error().message(), "model Customer: field id appears twice")) << r.error().message();
}

TEST(HostileFiles, ARelationWithFloatKeysIsRefusedNotReportedAsDangling) {
  test::hostile_writer w;  // P(id:int64) and C(id:int64, pId:float64), C.pId -> P.id
  w.put<std::uint32_t>(2);
  w.text("P").put<std::uint32_t>(0).put<std::uint32_t>(1).text("id").put<std::uint8_t>(2).put<std::uint8_t>(0);
  w.text("C").put<std::uint32_t>(0).put<std::uint32_t>(2).text("id").put<std::uint8_t>(2).put<std::uint8_t>(0);
  w.text("pId").put<std::uint8_t>(4).put<std::uint8_t>(0);
  w.put<std::uint32_t>(1).text("cs").text("p");
  w.put<std::uint32_t>(0).put<std::uint32_t>(1).put<std::uint32_t>(0).put<std::uint32_t>(1).put<std::uint8_t>(0);
  w.put<std::uint64_t>(0).put<std::uint64_t>(0);
  std::istringstream in(w.sealed());
  auto r = relstore::read_snapshot(in);
  ASSERT_FALSE(r);
  EXPECT_TRUE(has(r.error().message(), "foreign key C.pId is float64 but P.id is int64")) << r.error().message();
}

// Version 2's additions: each relation's kind, checked like every other byte.
TEST(HostileFiles, AVersion2RelationOfUnknownKindIsRefused) {
  auto file = [](std::uint8_t kind) {
    test::hostile_writer w;  // P(id) and C(id, pId), C.pId -> P.id of `kind`
    w.put<std::uint32_t>(2);
    w.text("P").put<std::uint32_t>(0).put<std::uint32_t>(1).text("id").put<std::uint8_t>(2).put<std::uint8_t>(0);
    w.text("C").put<std::uint32_t>(0).put<std::uint32_t>(2).text("id").put<std::uint8_t>(2).put<std::uint8_t>(0);
    w.text("pId").put<std::uint8_t>(2).put<std::uint8_t>(0);
    w.put<std::uint32_t>(1).text("cs").text("p");
    w.put<std::uint32_t>(0).put<std::uint32_t>(1).put<std::uint32_t>(0).put<std::uint32_t>(1).put<std::uint8_t>(0);
    w.put<std::uint8_t>(kind);
    w.put<std::uint32_t>(0);  // no through relations
    w.put<std::uint64_t>(0).put<std::uint64_t>(0);
    return w.sealed(2);
  };
  for (std::uint8_t kind : {std::uint8_t{1}, std::uint8_t{3}, std::uint8_t{200}}) {
    std::istringstream in(file(kind));
    auto r = relstore::read_snapshot(in);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, errc::snapshot_corrupt);
    EXPECT_TRUE(has(r.error().message(), "relation cs: unknown kind " + std::to_string(kind))) << r.error().message();
  }
  std::istringstream one(file(2));
  auto r = relstore::read_snapshot(one);
  ASSERT_TRUE(r) << r.error().message();
  const auto& reg = r->schema();
  EXPECT_EQ(reg.find_relation(*reg.find_model("P"), "cs")->kind, relstore::relation_kind::has_one);
}

// ------------------------------------------------------------ 6. terminal injection

TEST(HostileFiles, ANameWithAControlCharacterIsRefusedAndShownEscaped) {
  test::hostile_writer w;
  w.put<std::uint32_t>(1).text("Cust\x1b[2Jomer").put<std::uint32_t>(0).put<std::uint32_t>(1);
  w.text("id").put<std::uint8_t>(2).put<std::uint8_t>(0);
  w.put<std::uint32_t>(0).put<std::uint64_t>(0);
  std::istringstream in(w.sealed());
  auto r = relstore::read_snapshot(in);
  ASSERT_FALSE(r);
  EXPECT_TRUE(has(r.error().message(), "\"Cust\\x1b[2Jomer\" has a control character")) << r.error().message();
  EXPECT_EQ(r.error().message().find('\x1b'), std::string::npos) << "no raw escape reaches a message";
}

TEST(HostileFiles, ValuesInMessagesAreEscaped) {
  store db;
  ASSERT_TRUE(db.repo<Account>().create({.code = "ok"}));
  relstore::dataset ds = test::dataset_of(db);
  const auto session = *ds.find_model("Session");
  const std::size_t row = ds.add_row(session);
  ASSERT_TRUE(ds.set(session, row, 0, std::string("t\rok: every key resolves\n"), nullptr));
  ASSERT_TRUE(ds.set(session, row, 1, std::string("\x1b]0;pwned\a"), nullptr));
  const auto problems = relstore::verify_dataset(ds);
  ASSERT_EQ(problems.size(), 1u);
  for (const std::string& text : {problems[0].message, problems[0].key, problems[0].value}) {
    for (char c : text) EXPECT_FALSE(static_cast<unsigned char>(c) < 0x20) << text;
  }
  EXPECT_TRUE(has(problems[0].message, "\"\\x1b]0;pwned\\x07\"")) << problems[0].message;
}

// Regression: load(store, dataset) trusted the dataset's columns, so one
// shortened through cells() without resize() was read past its end.
TEST(HostileFiles, ADatasetWithAShortColumnIsRefusedByLoad) {
  store db;
  ASSERT_TRUE(db.repo<Customer>().create({.name = "a"}));
  ASSERT_TRUE(db.repo<Customer>().create({.name = "b"}));
  relstore::dataset ds = test::dataset_of(db);
  const auto customer = *ds.find_model("Customer");
  ds.cells(customer, 1).strings.pop_back();
  store target;
  ASSERT_TRUE(target.repo<Customer>().create({.name = "kept"}));
  const store before = target;
  auto r = relstore::load(target, ds);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, relstore::errc::snapshot_corrupt);
  EXPECT_TRUE(has(r.error().message(), "Customer.name")) << r.error().message();
  EXPECT_TRUE(target == before);
}

// ------------------------------------------------------------ 8. load takes what the API refuses

TEST(HostileFiles, AKeyCreateRefusesIsRefusedByLoadUnlessLenient) {
  store db;
  ASSERT_TRUE(db.repo<Customer>().create({.name = "a"}));
  relstore::dataset ds = test::dataset_of(db);
  const auto customer = *ds.find_model("Customer");
  ds.cells(customer, 0).ints[0] = 0;
  store target;
  auto r = relstore::load(target, ds);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::snapshot_corrupt);
  EXPECT_TRUE(has(r.error().message(), "Customer.id is 0")) << r.error().message();
  ASSERT_TRUE(relstore::load(target, ds, {.lenient = true}));
  EXPECT_EQ(target.size<Customer>(), 1u);

  store sessions;
  ASSERT_TRUE(sessions.repo<Account>().create({.code = "A"}));
  ASSERT_TRUE(sessions.repo<Account>().related<"sessions">("A").create({.token = "t"}));
  relstore::dataset sd = test::dataset_of(sessions);
  sd.cells(*sd.find_model("Session"), 0).strings[0] = "";
  auto empty = relstore::load(target, sd);
  ASSERT_FALSE(empty);
  EXPECT_TRUE(has(empty.error().message(), "Session.token is empty")) << empty.error().message();
}

TEST(HostileFiles, ASnapshotSharingNoModelIsSchemaMismatchUnlessLenient) {
  relstore::registry other;
  ASSERT_TRUE(other.add_model({"Planet", {{"id", relstore::field_type::int64, false}}, 0}));
  relstore::dataset ds(other);
  store target;
  ASSERT_TRUE(target.repo<Customer>().create({.name = "keep me"}));
  auto r = relstore::load(target, ds);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::schema_mismatch);
  EXPECT_TRUE(has(r.error().message(), "shares no model with the program")) << r.error().message();
  EXPECT_EQ(target.size<Customer>(), 1u) << "the caller's data is kept";
  ASSERT_TRUE(relstore::load(target, ds, {.lenient = true}));
  EXPECT_EQ(target.size<Customer>(), 0u);
}

TEST(HostileFiles, ARelationContradictingTheProgramsIsSchemaMismatchUnlessLenient) {
  store db;
  ASSERT_TRUE(db.repo<Customer>().create({.name = "a"}));
  relstore::dataset ds = test::reshape(test::dataset_of(db), [](auto&, auto& relations) {
    for (auto& r : relations) {
      if (r.parent == "Customer" && r.name == "orders") r.options.policy = relstore::on_delete::cascade;
    }
  });
  store target;
  auto r = relstore::load(target, ds);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::schema_mismatch);
  EXPECT_TRUE(has(r.error().message(), "relation Customer.orders is on_delete cascade in the snapshot but restrict"))
      << r.error().message();
  EXPECT_TRUE(relstore::load(target, ds, {.lenient = true}));
}

// ------------------------------------------------------------ 7. export-sql that sqlite3 rejects

TEST(HostileFiles, ExportSqlRefusesWhatSqliteCannotHoldNamingModelAndField) {
  store db;
  auto c = db.repo<Customer>().create({.name = "a"}).value();
  ASSERT_TRUE(db.repo<Customer>().related<"orders">(c.id).create({.total = std::nan("")}));
  std::ostringstream sql;
  auto nan = relstore::export_sql(test::dataset_of(db), sql);
  ASSERT_FALSE(nan);
  EXPECT_TRUE(has(nan.error().message(), "Order.total is NaN in the row with id 1")) << nan.error().message();
  EXPECT_TRUE(sql.str().empty()) << "refused before a byte is written";

  relstore::registry cased;
  ASSERT_TRUE(cased.add_model({"Order", {{"id", relstore::field_type::int64, false}}, 0}));
  ASSERT_TRUE(cased.add_model({"order", {{"id", relstore::field_type::int64, false}}, 0}));
  auto twins = relstore::export_sql(relstore::dataset(cased), sql);
  ASSERT_FALSE(twins);
  EXPECT_TRUE(has(twins.error().message(), "model Order and model order differ only by letter case"))
      << twins.error().message();

  relstore::registry reserved;
  ASSERT_TRUE(reserved.add_model({"sqlite_master", {{"id", relstore::field_type::int64, false}}, 0}));
  auto master = relstore::export_sql(relstore::dataset(reserved), sql);
  ASSERT_FALSE(master);
  EXPECT_TRUE(has(master.error().message(), "reserved by SQLite")) << master.error().message();
}

TEST(HostileFiles, TwoRelationsOnOneForeignKeyExportOneIndex) {
  relstore::registry reg;
  ASSERT_TRUE(reg.add_model({"P", {{"id", relstore::field_type::int64, false}}, 0}));
  ASSERT_TRUE(reg.add_model(
      {"C", {{"id", relstore::field_type::int64, false}, {"pId", relstore::field_type::int64, false}}, 0}));
  ASSERT_TRUE(reg.add_has_many("a", "P", "C", {"pId", "", "pa", relstore::on_delete::restrict}));
  ASSERT_TRUE(reg.add_has_many("b", "P", "C", {"pId", "", "pb", relstore::on_delete::restrict}));
  std::ostringstream sql;
  ASSERT_TRUE(relstore::export_sql(relstore::dataset(reg), sql));
  const std::string text = sql.str();
  EXPECT_EQ(text.find("CREATE INDEX"), text.rfind("CREATE INDEX")) << text;
}

// ------------------------------------------------------------ 3. work that grows with the file

TEST(HostileFiles, AModelTargetedByTooManyRelationsIsRefusedQuickly) {
  test::hostile_writer w;  // P(id), C(id, pId), then 65,536 relations P -> C
  w.put<std::uint32_t>(2);
  w.text("P").put<std::uint32_t>(0).put<std::uint32_t>(1).text("id").put<std::uint8_t>(2).put<std::uint8_t>(0);
  w.text("C").put<std::uint32_t>(0).put<std::uint32_t>(2).text("id").put<std::uint8_t>(2).put<std::uint8_t>(0);
  w.text("pId").put<std::uint8_t>(2).put<std::uint8_t>(0);
  w.put<std::uint32_t>(65536);
  for (int i = 0; i < 65536; ++i) {
    w.text(named("r", i)).text(named("p", i));
    w.put<std::uint32_t>(0).put<std::uint32_t>(1).put<std::uint32_t>(0).put<std::uint32_t>(1).put<std::uint8_t>(0);
  }
  w.put<std::uint64_t>(0).put<std::uint64_t>(0);
  const auto start = std::chrono::steady_clock::now();
  std::istringstream in(w.sealed());
  auto r = relstore::read_snapshot(in);
  ASSERT_FALSE(r);
  EXPECT_TRUE(has(r.error().message(), "model C is already the target of 64 relations")) << r.error().message();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
}

// 63 parents with 5,000 rows each, all targeted by one child of 20,000 rows
// (63 foreign keys and its id: the most fields a model may have):
// verify's work is a constant times the rows, and every command stays fast.
TEST(HostileFiles, EveryCommandIsLinearAtTheRelationLimit) {
  relstore::registry reg;
  relstore::model_info child{"C", {{"id", relstore::field_type::int64, false}}, 0};
  for (int p = 0; p < 63; ++p) {
    ASSERT_TRUE(reg.add_model({named("P", p), {{"id", relstore::field_type::int64, false}}, 0}));
    child.fields.push_back({named("p", p), relstore::field_type::int64, false});
  }
  ASSERT_TRUE(reg.add_model(child));
  for (int p = 0; p < 63; ++p) {
    ASSERT_TRUE(reg.add_has_many("cs", named("P", p), "C",
                                 {named("p", p), "", named("parent", p), relstore::on_delete::restrict}));
  }
  relstore::dataset ds(reg);
  for (std::size_t p = 0; p < 63; ++p) {
    auto& ids = ds.cells(p, 0).ints;
    for (std::int64_t i = 1; i <= 5000; ++i) ids.push_back(i);
    ds.resize(p, 5000);
  }
  const std::size_t c = 63;
  for (std::size_t f = 0; f <= 63; ++f) {
    auto& col = ds.cells(c, f).ints;
    for (std::int64_t i = 1; i <= 20000; ++i) col.push_back(f == 0 ? i : 1 + i % 5000);
  }
  ds.resize(c, 20000);
  std::size_t work = 0;
  EXPECT_TRUE(relstore::verify_dataset(ds, [&](std::size_t, std::size_t total) { work = total; }).empty());
  EXPECT_EQ(work, 63u * 5000u + 20000u + 63u * 20000u) << "each table once, each relation's child once";

  test::temp_dir dir;
  const std::string file = (dir.path() / "wide.snap").string();
  ASSERT_TRUE(relstore::write_snapshot(ds, file));
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"info", file}, {"verify", file}, {"dump", file}, {"export-sql", file}, {"diff", file, file}}) {
    const auto start = std::chrono::steady_clock::now();
    std::string out, err;
    EXPECT_EQ(tool(args, &out, &err), 0) << args[0] << ": " << err;
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(30)) << args[0];
  }
}

// ------------------------------------------------------------ 11. archive messages

TEST(HostileFiles, ATruncatedTextArchiveSaysWhatIsWrongWithoutErrno) {
  store db;
  ASSERT_TRUE(db.repo<Customer>().create({.name = "a"}));
  std::stringstream bytes;
  ASSERT_TRUE(relstore::save(db, bytes, {.format = relstore::archive_format::text}));
  std::string payload = bytes.str().substr(relstore::snapshot_header_size);
  payload.resize(payload.size() / 2);
  std::istringstream in(relstore::detail::seal_snapshot(payload, relstore::archive_format::text));
  auto r = relstore::read_snapshot(in);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::snapshot_corrupt);
  EXPECT_FALSE(has(r.error().message(), "Success")) << r.error().message();
}

}  // namespace

}  // namespace hostile_file_test
