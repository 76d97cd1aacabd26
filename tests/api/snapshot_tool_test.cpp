// run_snapshot_tool: relstore-snapshot's commands in-process, with their
// output and exit codes.
#include "relstore/snapshot_tool.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "common/shop_schema.hpp"
#include "common/temp_dir.hpp"
#include "relstore/snapshot.hpp"

namespace snapshot_tool_test {

namespace {

using namespace shop;

struct outcome {
  int code;
  std::string out, err;
};

// `input`: the bytes on standard input.
outcome run(std::vector<std::string> args, const std::string& input = {}) {
  args.insert(args.begin(), "relstore-snapshot");
  std::vector<const char*> argv;
  for (const auto& a : args) argv.push_back(a.c_str());
  std::istringstream in(input);
  std::ostringstream out, err;
  const int code = relstore::run_snapshot_tool(static_cast<int>(argv.size()), argv.data(), in, out, err);
  return {code, out.str(), err.str()};
}

std::string bytes_of(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), {}};
}

class SnapshotToolInProcess : public ::testing::Test {
 protected:
  void SetUp() override {
    store db;
    auto ada = db.repo<Customer>().create({.name = "Ada"}).value();
    ASSERT_TRUE(db.repo<Customer>().related<"orders">(ada.id).create({.total = 3}));
    file_ = (dir_.path() / "s.snap").string();
    ASSERT_TRUE(relstore::save(db, file_));
  }
  test::temp_dir dir_;
  std::string file_;
};

TEST_F(SnapshotToolInProcess, EachCommandRunsAndExitsAsDocumented) {
  EXPECT_EQ(run({"--help"}).code, 0);
  EXPECT_EQ(run({}).code, 2);
  EXPECT_EQ(run({"nope"}).code, 2);
  auto info = run({"info", file_});
  EXPECT_EQ(info.code, 0) << info.err;
  EXPECT_NE(info.out.find("Order: 1 entities"), std::string::npos) << info.out;
  auto verify = run({"verify", file_});
  EXPECT_EQ(verify.code, 0);
  EXPECT_NE(verify.out.find("ok (envelope, checksum, 2 entities"), std::string::npos) << verify.out;
  auto dump = run({"dump", file_, "--model", "Order"});
  EXPECT_EQ(dump.code, 0);
  EXPECT_EQ(dump.out,
            "{\"model\":\"Order\",\"row\":{\"id\":1,\"customerId\":1,\"total\":3,\"note\":\"\",\"couponId\":null}}\n");
  const std::string xml = (dir_.path() / "s.xml").string();
  EXPECT_EQ(run({"convert", file_, "-o", xml, "--format", "xml"}).code, 0);
  auto diff = run({"diff", file_, xml});
  EXPECT_EQ(diff.code, 0);
  EXPECT_NE(diff.out.find("Order: added 0, removed 0, changed 0"), std::string::npos) << diff.out;
  auto sql = run({"export-sql", file_});
  EXPECT_EQ(sql.code, 0);
  EXPECT_NE(sql.out.find("CREATE TABLE \"Order\""), std::string::npos);
}

// A save piped in (curl ... | relstore-snapshot verify -) is read as the file is.
TEST_F(SnapshotToolInProcess, MinusIsStandardInputForAnySnapshotOperand) {
  const std::string bytes = bytes_of(file_);
  for (const auto& cmd : {std::vector<std::string>{"info"}, {"verify"}, {"dump", "--model", "Order"}, {"export-sql"}}) {
    auto with_file = cmd, with_stdin = cmd;
    with_file.insert(with_file.begin() + 1, file_);
    with_stdin.insert(with_stdin.begin() + 1, "-");
    const outcome want = run(with_file), got = run(with_stdin, bytes);
    EXPECT_EQ(got.code, 0) << cmd[0] << ": " << got.err;
    std::string named = want.out;  // info and verify name their file
    for (auto at = named.find(file_); at != std::string::npos; at = named.find(file_))
      named.replace(at, file_.size(), "-");
    EXPECT_EQ(got.out, named) << cmd[0];
  }
  EXPECT_EQ(run({"diff", "-", file_}, bytes).code, 0);
  const std::string text = (dir_.path() / "piped.txt.snap").string();
  ASSERT_EQ(run({"convert", "-", "-o", text, "--format", "text"}, bytes).code, 0);
  EXPECT_EQ(run({"diff", file_, text}).code, 0);

  const std::string out = (dir_.path() / "never.snap").string();
  for (const auto& twice : {std::vector<std::string>{"diff", "-", "-"},
                            {"import", "-", "--schema-from", "-", "-o", out},
                            {"import", "Order=-", "--schema", "-", "-o", out}}) {
    auto r = run(twice, bytes);
    EXPECT_EQ(r.code, 2) << twice[0] << ": " << r.err;  // a usage error, before anything is read
    EXPECT_NE(r.err.find("standard input (-) can be read once"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("usage: relstore-snapshot"), std::string::npos) << r.err;
  }
  EXPECT_EQ(run({"convert", "-", "-o", "-"}, bytes).code, 2);
  EXPECT_EQ(run({"export-sql", "-", "-o", "-"}, bytes).out, run({"export-sql", file_}).out);
  EXPECT_FALSE(std::filesystem::exists(out));
  EXPECT_FALSE(std::filesystem::exists("-"));
  auto damaged = run({"verify", "-"}, bytes.substr(0, bytes.size() - 1));
  EXPECT_EQ(damaged.code, 1);
  EXPECT_NE(damaged.err.find("snapshot_corrupt"), std::string::npos) << damaged.err;
  auto longer = run({"verify", "-"}, bytes + "junk");
  EXPECT_EQ(longer.code, 1);
  EXPECT_NE(longer.err.find("(trailing bytes)"), std::string::npos) << longer.err;
}

TEST_F(SnapshotToolInProcess, AProblemIsExitOneWithTheCodeAndMessageOnStderr) {
  auto missing = run({"verify", (dir_.path() / "none.snap").string()});
  EXPECT_EQ(missing.code, 1);
  EXPECT_NE(missing.err.find("io_error: cannot open"), std::string::npos) << missing.err;
  EXPECT_TRUE(missing.out.empty());
}

}  // namespace

}  // namespace snapshot_tool_test
