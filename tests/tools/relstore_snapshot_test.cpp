// Runs the built relstore-snapshot binary on real files, as a user would.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include <relstore/snapshot.hpp>

#include "common/shop_schema.hpp"
#include "common/temp_dir.hpp"

namespace {

using namespace shop;

struct run_result {
  int code = -1;
  std::string out;
};

// Runs `command` with sh, capturing stdout (and stderr when asked).
run_result run(const std::string& command, bool with_stderr = false) {
  run_result r;
  FILE* p = ::popen((command + (with_stderr ? " 2>&1" : " 2>/dev/null")).c_str(), "r");
  if (p == nullptr) return r;
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  const int status = ::pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

std::string tool() { return RELSTORE_SNAPSHOT_TOOL; }
std::string q(const std::filesystem::path& p) { return "'" + p.string() + "'"; }

void write_file(const std::filesystem::path& p, const std::string& text) { std::ofstream(p, std::ios::binary) << text; }
std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

store sample() {
  store db;
  auto ada = db.repo<Customer>().create({.name = "Ada"}).value();
  auto bob = db.repo<Customer>().create({.name = "Bob"}).value();
  auto coupon = db.repo<Coupon>().create({.label = "it's 10%"}).value();
  auto o = db.repo<Customer>().related<"orders">(ada.id).create({.total = 30, .couponId = coupon.id}).value();
  (void)db.repo<Customer>().related<"orders">(ada.id).create({.total = 5}).value();
  (void)db.repo<Customer>().related<"orders">(bob.id).create({.total = 12}).value();
  (void)db.repo<Order>().related<"lines">(o.id).create({.sku = "X", .qty = 2}).value();
  auto boss = db.repo<Employee>().create({.name = "Boss"}).value();
  auto mid = db.repo<Employee>().related<"reports">(boss.id).create({.name = "Mid"}).value();
  (void)db.repo<Employee>().related<"reports">(mid.id).create({.name = "Low"}).value();
  // A row whose parent has a larger key: the export must still order parents first.
  auto top = db.repo<Employee>().create({.id = 50, .name = "Top"}).value();
  (void)db.repo<Employee>()
      .update_by_id(boss.id, relstore::patch<Employee>{}.set(&Employee::managerId, top.id))
      .value();
  auto acct = db.repo<Account>().create({.code = "A1"}).value();
  (void)db.repo<Account>().related<"sessions">(acct.code).create({.token = "s1"}).value();
  return db;
}

class SnapshotTool : public ::testing::Test {
 protected:
  void SetUp() override {
    file_ = dir_.path() / "shop.snap";
    ASSERT_TRUE(relstore::save(sample(), file_));
  }
  test::temp_dir dir_;
  std::filesystem::path file_;
};

TEST_F(SnapshotTool, HelpAndUsageExitCodes) {
  auto help = run(tool() + " --help");
  EXPECT_EQ(help.code, 0);
  EXPECT_NE(help.out.find("export-sql"), std::string::npos);
  EXPECT_EQ(run(tool()).code, 2);
  EXPECT_EQ(run(tool() + " frobnicate x").code, 2);
  EXPECT_EQ(run(tool() + " info").code, 2);
  EXPECT_EQ(run(tool() + " convert " + q(file_) + " -o x --format json").code, 2);
  // Every command has --help, exit 0, with its own options.
  for (const char* c : {"info", "verify", "dump", "import", "convert", "diff", "export-sql"}) {
    auto h = run(tool() + " " + c + " --help");
    EXPECT_EQ(h.code, 0) << c;
    EXPECT_EQ(h.out.rfind(std::string("usage: relstore-snapshot ") + c, 0), 0u) << h.out;
    EXPECT_EQ(run(tool() + " help " + c).out, h.out) << c;
  }
  EXPECT_NE(run(tool() + " dump --help").out.find("--format"), std::string::npos);
  // A usage error is one line naming the problem and one usage line, not the page.
  auto stray = run(tool() + " dump " + q(file_) + " extra", true);
  EXPECT_EQ(stray.code, 2);
  EXPECT_EQ(stray.out,
            "relstore-snapshot dump: unexpected argument 'extra'\n"
            "usage: relstore-snapshot dump FILE [--model M] [--filter JSON] [--format jsonl|csv|table]  (--help for "
            "details)\n");
  auto unknown = run(tool() + " verify " + q(file_) + " --fast", true);
  EXPECT_EQ(unknown.code, 2);
  EXPECT_NE(unknown.out.find("unrecognised option '--fast'"), std::string::npos) << unknown.out;
  EXPECT_EQ(std::count(unknown.out.begin(), unknown.out.end(), '\n'), 2) << unknown.out;
  // An option that does not apply to the command is an error, not ignored.
  EXPECT_EQ(run(tool() + " info " + q(file_) + " --model Order").code, 2);
  EXPECT_EQ(run(tool() + " dump " + q(file_) + " --format xml").code, 2);
}

TEST_F(SnapshotTool, InfoShowsVersionsSchemaRelationsAndCounts) {
  auto r = run(tool() + " info " + q(file_));
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("relstore snapshot version 2, binary archive"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("checksum: CRC32C"), std::string::npos);
  EXPECT_NE(r.out.find("Order: 3 entities, primary key id"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("couponId int64 (optional)"), std::string::npos);
  EXPECT_NE(
      r.out.find(
          "Coupon.orders: has_many Order (Order.couponId -> Coupon.id), inverse Order.coupon, on_delete set_null"),
      std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("Session.accountCode -> Account.code"), std::string::npos);
}

TEST_F(SnapshotTool, VerifyPassesAGoodFileAndReportsEveryViolationPrecisely) {
  auto good = run(tool() + " verify " + q(file_));
  EXPECT_EQ(good.code, 0) << good.out;
  EXPECT_NE(good.out.find("ok"), std::string::npos);

  auto ds = relstore::read_snapshot(file_).value();
  auto order = *ds.find_model("Order");
  ds.cells(order, 1).ints[1] = 99;  // customerId of order 2
  const auto bad = dir_.path() / "bad.snap";
  ASSERT_TRUE(relstore::write_snapshot(ds, bad));
  auto r = run(tool() + " verify " + q(bad));
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find("violation: model Order, key 2, field customerId = 99: Order id 2: Order.customerId = 99: no "
                       "Customer with id 99 (relation Customer.orders)"),
            std::string::npos)
      << r.out;

  std::string bytes;
  {
    std::ifstream in(file_, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  bytes[bytes.size() / 2] ^= 1;
  const auto damaged = dir_.path() / "damaged.snap";
  write_file(damaged, bytes);
  auto d = run(tool() + " verify " + q(damaged), true);
  EXPECT_EQ(d.code, 1);
  EXPECT_NE(d.out.find("snapshot_corrupt"), std::string::npos) << d.out;
}

TEST_F(SnapshotTool, DumpWritesJsonLinesFilteredWithTheJsonFilterLanguage) {
  auto all = run(tool() + " dump " + q(file_) + " --model Order");
  ASSERT_EQ(all.code, 0);
  EXPECT_EQ(std::count(all.out.begin(), all.out.end(), '\n'), 3);
  auto r =
      run(tool() + " dump " + q(file_) +
          R"( --model Order --filter '{"where":{"total":{"gt":6}},"order":["total DESC"],"fields":["id","total"]}')");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_EQ(r.out,
            "{\"model\":\"Order\",\"row\":{\"id\":1,\"total\":30}}\n"
            "{\"model\":\"Order\",\"row\":{\"id\":3,\"total\":12}}\n");
  auto bad = run(tool() + " dump " + q(file_) + R"( --model Order --filter '{"where":{"nope":1}}')", true);
  EXPECT_EQ(bad.code, 1);
  EXPECT_NE(bad.out.find("invalid_filter"), std::string::npos) << bad.out;
  EXPECT_NE(bad.out.find("nope"), std::string::npos);
  EXPECT_EQ(run(tool() + " dump " + q(file_) + " --model Nope").code, 1);
}

TEST_F(SnapshotTool, ImportBuildsASnapshotAndRefusesADanglingKeyWithoutWriting) {
  const std::string schema = R"({"models":[
      {"name":"Customer","fields":[{"name":"id","type":"int64"},{"name":"name","type":"string"}]},
      {"name":"Order","fields":[{"name":"id","type":"int64"},{"name":"customerId","type":"int64"},
                                {"name":"total","type":"float64"}]}],
    "relations":[{"name":"orders","source":"Customer","target":"Order","onDelete":"cascade"}]})";
  write_file(dir_.path() / "schema.json", schema);
  write_file(dir_.path() / "good.json",
             R"({"Customer":[{"id":1,"name":"Ada"}],"Order":[{"id":1,"customerId":1,"total":2.5}]})");
  write_file(dir_.path() / "bad.json",
             R"({"Customer":[{"id":1,"name":"Ada"}],"Order":[{"id":1,"customerId":7,"total":2.5}]})");
  const auto out = dir_.path() / "imported.snap";
  auto ok = run(tool() + " import " + q(dir_.path() / "good.json") + " -o " + q(out) + " --schema " +
                q(dir_.path() / "schema.json"));
  ASSERT_EQ(ok.code, 0) << ok.out;
  EXPECT_EQ(run(tool() + " verify " + q(out)).code, 0);
  auto info = run(tool() + " info " + q(out));
  EXPECT_NE(info.out.find("Customer.orders: has_many Order (Order.customerId -> Customer.id)"), std::string::npos)
      << info.out;

  const auto refused = dir_.path() / "refused.snap";
  auto bad = run(tool() + " import " + q(dir_.path() / "bad.json") + " -o " + q(refused) + " --schema " +
                     q(dir_.path() / "schema.json"),
                 true);
  EXPECT_EQ(bad.code, 1);
  EXPECT_NE(bad.out.find("Order.customerId = 7: no Customer with id 7"), std::string::npos) << bad.out;
  EXPECT_FALSE(std::filesystem::exists(refused));
}

// Regression: -o naming an input replaced the JSON Lines, CSV or schema file
// with the snapshot (helper-56).
TEST_F(SnapshotTool, ImportRefusesAnOutputThatIsOneOfItsInputs) {
  const auto lines = dir_.path() / "rows.jsonl";
  ASSERT_EQ(run(tool() + " dump " + q(file_) + " > " + q(lines)).code, 0);
  const auto schema = dir_.path() / "schema.json";
  ASSERT_EQ(run(tool() + " info --json " + q(file_) + " > " + q(schema)).code, 0);
  const std::string rows_before = read_file(lines);
  const std::string schema_before = read_file(schema);
  ASSERT_FALSE(rows_before.empty());
  for (const auto& out : {lines, schema}) {
    auto r = run(tool() + " import " + q(lines) + " -o " + q(out) + " --schema " + q(schema), true);
    EXPECT_EQ(r.code, 1) << r.out;
    EXPECT_NE(r.out.find("the import would replace it; nothing written"), std::string::npos) << r.out;
  }
  EXPECT_EQ(read_file(lines), rows_before);
  EXPECT_EQ(read_file(schema), schema_before);
  // Another name for the same file is the same file.
  const auto link = dir_.path() / "link.jsonl";
  std::filesystem::create_symlink(lines, link);
  EXPECT_EQ(run(tool() + " import " + q(lines) + " -o " + q(link) + " --schema " + q(schema)).code, 1);
  EXPECT_EQ(read_file(lines), rows_before);
  // The schema's snapshot may be the output: the import replaces it on purpose.
  auto again = run(tool() + " import " + q(lines) + " -o " + q(file_) + " --schema-from " + q(file_), true);
  EXPECT_EQ(again.code, 0) << again.out;
}

TEST_F(SnapshotTool, ConvertToTextAndXmlAndBackIsLossless) {
  const auto text = dir_.path() / "shop.txt.snap";
  const auto xml = dir_.path() / "shop.xml.snap";
  const auto back = dir_.path() / "back.snap";
  ASSERT_EQ(run(tool() + " convert " + q(file_) + " -o " + q(text) + " --format text").code, 0);
  ASSERT_EQ(run(tool() + " convert " + q(text) + " -o " + q(xml) + " --format xml").code, 0);
  ASSERT_EQ(run(tool() + " convert " + q(xml) + " -o " + q(back) + " --format binary").code, 0);
  EXPECT_NE(run(tool() + " info " + q(xml)).out.find("xml archive"), std::string::npos);
  store loaded;
  ASSERT_TRUE(relstore::load(loaded, back));
  EXPECT_TRUE(loaded == sample());
}

TEST_F(SnapshotTool, DiffListsEachKeyAndExitsOneWhenTheFilesDiffer) {
  store changed = sample();
  ASSERT_TRUE(changed.repo<Customer>().create({.name = "Cy"}));
  ASSERT_TRUE(changed.repo<Order>().update_by_id(3, relstore::patch<Order>{}.set(&Order::total, 1.0)));
  ASSERT_TRUE(changed.repo<OrderLine>().delete_by_id(1));
  const auto other = dir_.path() / "other.snap";
  ASSERT_TRUE(relstore::save(changed, other));
  auto r = run(tool() + " diff " + q(file_) + " " + q(other));
  ASSERT_EQ(r.code, 1);
  EXPECT_NE(r.out.find("Customer 3: added\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Order 3: changed total 12 -> 1\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("OrderLine 1: removed\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Customer: added 1, removed 0, changed 0"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Order: added 0, removed 0, changed 1"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("OrderLine: added 0, removed 1, changed 0"), std::string::npos) << r.out;
  auto jsonl = run(tool() + " diff --format jsonl " + q(file_) + " " + q(other));
  EXPECT_EQ(jsonl.code, 1);
  EXPECT_NE(
      jsonl.out.find(R"({"model":"Order","key":3,"change":"changed","fields":{"total":{"before":12,"after":1}}})"),
      std::string::npos)
      << jsonl.out;
  EXPECT_EQ(std::count(jsonl.out.begin(), jsonl.out.end(), '\n'), 3) << jsonl.out;
  auto same = run(tool() + " diff " + q(file_) + " " + q(file_));
  EXPECT_EQ(same.code, 0) << same.out;
  // Trouble is 2, as diff(1): a missing file, unrelated schemas (unless asked).
  EXPECT_EQ(run(tool() + " diff " + q(file_) + " " + q(dir_.path() / "none.snap")).code, 2);
  write_file(dir_.path() / "z.json", R"({"models":[{"name":"Zed","fields":[{"name":"id","type":"int64"}]}]})");
  write_file(dir_.path() / "zed.json", R"({"Zed":[{"id":1}]})");
  const auto zed = dir_.path() / "zed.snap";
  ASSERT_EQ(run(tool() + " import " + q(dir_.path() / "zed.json") + " -o " + q(zed) + " --schema " +
                q(dir_.path() / "z.json"))
                .code,
            0);
  auto unrelated = run(tool() + " diff " + q(file_) + " " + q(zed), true);
  EXPECT_EQ(unrelated.code, 2);
  EXPECT_NE(unrelated.out.find("schema_mismatch"), std::string::npos) << unrelated.out;
  EXPECT_EQ(run(tool() + " diff --unrelated " + q(file_) + " " + q(zed)).code, 1);
}

// Regression: info, verify and diff exited 0 with their output lost to a
// full disk (info --json > schema.json left a truncated schema).
TEST_F(SnapshotTool, OutputLostToAFullDiskFailsTheCommand) {
  if (!std::filesystem::exists("/dev/full")) GTEST_SKIP() << "no /dev/full";
  const auto to_full = [&](const std::string& args) {
    return run("sh -c \"" + tool() + " " + args + " >/dev/full\"", true);
  };
  for (const std::string& args :
       std::vector<std::string>{"import --help", "info " + q(file_), "info --json " + q(file_), "verify " + q(file_),
                                "dump " + q(file_), "--help"}) {
    const auto r = to_full(args);
    EXPECT_EQ(r.code, 1) << args << ": " << r.out;
    EXPECT_NE(r.out.find("cannot write"), std::string::npos) << args << ": " << r.out;
  }
  const auto diff = to_full("diff " + q(file_) + " " + q(file_));
  EXPECT_EQ(diff.code, 2) << diff.out;
  EXPECT_NE(diff.out.find("cannot write standard output"), std::string::npos) << diff.out;
  EXPECT_EQ(run(tool() + " info " + q(file_)).code, 0);
  // import's product is its file: a lost report is said, the status stands.
  const auto lines = dir_.path() / "all.jsonl";
  ASSERT_EQ(run(tool() + " dump " + q(file_) + " > " + q(lines)).code, 0);
  const auto imported =
      to_full("import " + q(lines) + " --schema-from " + q(file_) + " -o " + q(dir_.path() / "i.snap"));
  EXPECT_EQ(imported.code, 0) << imported.out;
  EXPECT_NE(imported.out.find("cannot write standard output"), std::string::npos) << imported.out;
  EXPECT_EQ(run(tool() + " diff " + q(file_) + " " + q(dir_.path() / "i.snap")).code, 0);
}

// info --json is a schema import reads; dump's JSON Lines (from standard
// input) and CSV files come back as the same snapshot.
TEST_F(SnapshotTool, ImportReadsItsOwnDumpStdinAndCsvWithTheSchemaOfInfoJson) {
  const auto schema = dir_.path() / "schema.json";
  ASSERT_EQ(run(tool() + " info --json " + q(file_) + " > " + q(schema)).code, 0);
  const auto from_lines = dir_.path() / "lines.snap";
  auto piped =
      run(tool() + " dump " + q(file_) + " | " + tool() + " import - -o " + q(from_lines) + " --schema " + q(schema));
  ASSERT_EQ(piped.code, 0) << piped.out;
  EXPECT_EQ(run(tool() + " diff " + q(file_) + " " + q(from_lines)).code, 0);

  std::string inputs;
  for (const char* m : {"Customer", "Coupon", "Order", "OrderLine", "Employee", "Account", "Session"}) {
    const auto csv = dir_.path() / (std::string(m) + ".csv");
    ASSERT_EQ(run(tool() + " dump --format csv --model " + m + " " + q(file_) + " > " + q(csv)).code, 0) << m;
    inputs += " " + q(csv);
  }
  const auto from_csv = dir_.path() / "csv.snap";
  auto imported = run(tool() + " import" + inputs + " -o " + q(from_csv) + " --schema-from " + q(file_), true);
  ASSERT_EQ(imported.code, 0) << imported.out;
  auto d = run(tool() + " diff " + q(file_) + " " + q(from_csv));
  EXPECT_EQ(d.code, 0) << d.out;

  // Without the customers, the orders dangle: refused, nothing written.
  const auto refused = dir_.path() / "refused.snap";
  auto partial = run(
      tool() + " import Order=" + q(dir_.path() / "Order.csv") + " -o " + q(refused) + " --schema " + q(schema), true);
  EXPECT_EQ(partial.code, 1);
  EXPECT_NE(partial.out.find("foreign_key_violation"), std::string::npos) << partial.out;
  EXPECT_FALSE(std::filesystem::exists(refused));
  // Standard input named twice: a usage error before anything is read.
  EXPECT_EQ(run(tool() + " import - - -o " + q(refused) + " --schema " + q(schema) + " < /dev/null").code, 2);
  EXPECT_FALSE(std::filesystem::exists(refused));
}

TEST_F(SnapshotTool, DumpFormatsAndNoProgressWhenNotATerminal) {
  auto table = run(tool() + " dump --format table --model Order " + q(file_), true);
  ASSERT_EQ(table.code, 0);
  EXPECT_EQ(table.out.rfind("Order (3 rows)\nid  customerId  total  note  couponId\n", 0), 0u) << table.out;
  auto csv = run(tool() + " dump --format csv --model Coupon " + q(file_), true);
  EXPECT_EQ(csv.out, "id,label\n1,\"it's 10%\"\n");
  EXPECT_EQ(run(tool() + " dump --format csv " + q(file_)).code, 1) << "csv needs a model";
  // On a terminal (script(1) gives the tool one) a progress bar is drawn.
  if (run("command -v script").code == 0) {
    auto tty = run("script -qec \"" + tool() + " dump --model Order " + q(file_) + " >/dev/null\" /dev/null", true);
    EXPECT_NE(tty.out.find("dump ["), std::string::npos) << tty.out;
    EXPECT_NE(tty.out.find("100%"), std::string::npos) << tty.out;
  }
  // stderr is not a terminal here: no progress bar in the output.
  auto lines = run(tool() + " dump " + q(file_), true);
  EXPECT_EQ(lines.out, run(tool() + " dump " + q(file_)).out);
  EXPECT_EQ(lines.out.find('\r'), std::string::npos);
}

TEST_F(SnapshotTool, ExportSqlLoadsIntoSqliteWithForeignKeysOnAndChecksClean) {
  const auto sql = dir_.path() / "shop.sql";
  auto r = run(tool() + " export-sql " + q(file_) + " > " + q(sql));
  ASSERT_EQ(r.code, 0);
  const auto db = dir_.path() / "shop.db";
  auto loaded = run(std::string(RELSTORE_SQLITE3) + " -bail " + q(db) + " < " + q(sql), true);
  ASSERT_EQ(loaded.code, 0) << loaded.out;
  auto check =
      run(std::string(RELSTORE_SQLITE3) + " " + q(db) + " 'PRAGMA foreign_keys=ON; PRAGMA foreign_key_check;'", true);
  EXPECT_EQ(check.code, 0);
  EXPECT_EQ(check.out, "") << check.out;
  auto counts = run(std::string(RELSTORE_SQLITE3) + " " + q(db) +
                    " 'SELECT count(*) FROM \"Order\"; SELECT label FROM Coupon; SELECT count(*) FROM Employee;'");
  EXPECT_EQ(counts.out, "3\nit's 10%\n4\n");
  // --dialect postgresql: COPY rows, no SQLite pragma; an unknown dialect is a usage error.
  auto pg = run(tool() + " export-sql --dialect postgresql " + q(file_));
  ASSERT_EQ(pg.code, 0);
  EXPECT_EQ(pg.out.find("PRAGMA"), std::string::npos);
  EXPECT_NE(pg.out.find("COPY \"Order\""), std::string::npos) << pg.out;
  EXPECT_EQ(run(tool() + " export-sql --dialect oracle " + q(file_)).code, 2);
  const auto to_file = dir_.path() / "out.sql";
  ASSERT_EQ(run(tool() + " export-sql -o " + q(to_file) + " " + q(file_)).code, 0);
  std::ifstream written(to_file);
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(written), {}), run(tool() + " export-sql " + q(file_)).out);
  // The exported ON DELETE actions behave as relstore's: cascade removes lines.
  auto cascade = run(std::string(RELSTORE_SQLITE3) + " " + q(db) +
                     " 'PRAGMA foreign_keys=ON; DELETE FROM \"Order\" WHERE id=1; SELECT count(*) FROM OrderLine;'");
  EXPECT_EQ(cascade.out, "0\n");
}

// Regressions: a string's CR was dropped by the sqlite3 shell (it strips a
// CR before a line's end), and `-o OUT` emptied OUT although the export then
// refused (a NaN, which SQLite cannot hold).
TEST_F(SnapshotTool, ExportSqlKeepsACarriageReturnAndARefusalLeavesOutAlone) {
  store db;
  ASSERT_TRUE(db.repo<Customer>().create({.name = "a\r\nb\r"}));
  const auto cr = dir_.path() / "cr.snap";
  ASSERT_TRUE(relstore::save(db, cr));
  const auto sql = dir_.path() / "cr.sql", sqlite_db = dir_.path() / "cr.db";
  ASSERT_EQ(run(tool() + " export-sql -o " + q(sql) + " " + q(cr)).code, 0);
  ASSERT_EQ(run(std::string(RELSTORE_SQLITE3) + " -bail " + q(sqlite_db) + " < " + q(sql), true).code, 0);
  EXPECT_EQ(run(std::string(RELSTORE_SQLITE3) + " " + q(sqlite_db) + " 'SELECT hex(name) FROM Customer;'").out,
            "610D0A620D\n");

  ASSERT_TRUE(db.repo<Customer>().related<"orders">(1).create({.total = std::numeric_limits<double>::quiet_NaN()}));
  const auto nan = dir_.path() / "nan.snap";
  ASSERT_TRUE(relstore::save(db, nan));
  write_file(sql, "precious\n");
  auto refused = run(tool() + " export-sql -o " + q(sql) + " " + q(nan), true);
  EXPECT_EQ(refused.code, 1);
  EXPECT_NE(refused.out.find("NaN"), std::string::npos) << refused.out;
  std::ifstream kept(sql);
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(kept), {}), "precious\n");
  for (const auto& e : std::filesystem::directory_iterator(dir_.path())) {
    EXPECT_EQ(e.path().string().find(".tmp."), std::string::npos) << e.path();
  }
  // What is no file is written to as it is: -o /dev/stdout works.
  auto to_stdout = run(tool() + " export-sql -o /dev/stdout " + q(cr));
  EXPECT_EQ(to_stdout.code, 0);
  EXPECT_EQ(to_stdout.out, run(tool() + " export-sql " + q(cr)).out);
}

}  // namespace
