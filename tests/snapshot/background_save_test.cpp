// Background saves: the file holds the store as it was at the call, the game
// writes on meanwhile, completion is observed without blocking, failures and
// kills leave the previous snapshot, and a second save of the same file is
// refused while the first runs.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>

#include <relstore/background_save.hpp>

#include "common/faulty_fs.hpp"
#include "common/shop_schema.hpp"
#include "common/shop_world.hpp"
#include "common/temp_dir.hpp"

namespace {

using namespace shop;
using relstore::errc;

store world(int customers) { return test::customers_with_one_order(customers); }

// Holds the saving process at its first fsync until `gate` exists: the
// save is then certainly running, whatever the machine's speed.
class gated_fs : public relstore::file_system {
 public:
  explicit gated_fs(std::filesystem::path gate) : gate_(std::move(gate)) {}
  int fsync(int fd) override {
    while (!std::filesystem::exists(gate_)) ::usleep(1000);
    return file_system::fsync(fd);
  }

 private:
  std::filesystem::path gate_;
};

void open_gate(const std::filesystem::path& gate) { std::ofstream(gate) << "go"; }

// Opens the gate when a test ends early, so a failed assertion fails the
// test instead of hanging it in the handle's destructor.
struct gate_guard {
  std::filesystem::path gate;
  ~gate_guard() { open_gate(gate); }
};

store loaded_from(const std::filesystem::path& path) {
  store db;
  auto r = relstore::load(db, path);
  EXPECT_TRUE(r) << r.error().message();
  return db;
}

TEST(BackgroundSave, TheFileHoldsTheStoreAsItWasAtTheCall) {
  test::temp_dir dir;
  const auto path = dir.path() / "bg.snap", gate = dir.path() / "gate";
  store db = world(50);
  const store at_call = db;
  gated_fs fs(gate);
  gate_guard guard{gate};
  auto save = relstore::save_in_background(db, path, {.fs = &fs});
  ASSERT_TRUE(save) << save.error().message();
  EXPECT_TRUE(save->running());

  // The game goes on: creates, patches and a cascading delete.
  auto customers = db.repo<Customer>();
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(customers.create({.name = "late" + std::to_string(i)}));
  ASSERT_TRUE(customers.update_by_id(1, relstore::patch<Customer>{}.set(&Customer::name, "renamed")));
  ASSERT_TRUE(db.repo<OrderLine>().create({.orderId = 2, .sku = "x", .qty = 1}));
  ASSERT_TRUE(db.repo<Order>().delete_by_id(2));  // cascades to its line
  EXPECT_FALSE(save->poll()) << "the save is held at its fsync: it cannot have finished";
  EXPECT_TRUE(save->running());

  open_gate(gate);
  auto r = save->wait();
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_FALSE(save->running());
  EXPECT_TRUE(loaded_from(path) == at_call);
  EXPECT_FALSE(loaded_from(path) == db);
  EXPECT_GT(save->saver_peak_rss(), 0u);
}

TEST(BackgroundSave, PollReportsTheResultOnceWithoutBlocking) {
  test::temp_dir dir;
  const auto path = dir.path() / "poll.snap";
  const store db = world(30);
  auto save = relstore::save_in_background(db, path);
  ASSERT_TRUE(save) << save.error().message();
  std::optional<relstore::result<void>> r;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!(r = save->poll())) {
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "the save never finished";
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ASSERT_TRUE(*r) << r->error().message();
  EXPECT_FALSE(save->running());
  EXPECT_TRUE(loaded_from(path) == db);
}

TEST(BackgroundSave, ASecondSaveOfTheSameFileIsBusyUntilTheFirstIsCollected) {
  test::temp_dir dir;
  const auto path = dir.path() / "busy.snap", gate = dir.path() / "gate";
  const store first = world(10), second = world(20);
  gated_fs fs(gate);
  gate_guard guard{gate};
  auto running = relstore::save_in_background(first, path, {.fs = &fs});
  ASSERT_TRUE(running);

  auto refused = relstore::save_in_background(second, dir.path() / "." / "busy.snap");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, errc::busy);
  EXPECT_NE(refused.error().message().find("busy.snap"), std::string::npos) << refused.error().message();

  // A save() now would be overwritten by the older state: refused too.
  auto direct = relstore::save(second, path);
  ASSERT_FALSE(direct);
  EXPECT_EQ(direct.error().code, errc::busy);

  // Another file is saved side by side.
  auto other = relstore::save_in_background(second, dir.path() / "other.snap");
  ASSERT_TRUE(other);
  ASSERT_TRUE(other->wait());

  open_gate(gate);
  ASSERT_TRUE(running->wait());
  EXPECT_TRUE(loaded_from(path) == first) << "the refused save must not have touched the file";

  auto again = relstore::save_in_background(second, path);
  ASSERT_TRUE(again) << again.error().message();
  ASSERT_TRUE(again->wait());
  EXPECT_TRUE(loaded_from(path) == second);
}

TEST(BackgroundSave, DestroyingTheHandleWaitsForTheSave) {
  test::temp_dir dir;
  const auto path = dir.path() / "dropped.snap";
  const store db = world(25);
  { auto save = relstore::save_in_background(db, path); }
  EXPECT_TRUE(loaded_from(path) == db);
}

struct BackgroundSaveFault : ::testing::TestWithParam<test::fault> {};

TEST_P(BackgroundSaveFault, IsReportedAndThePreviousSnapshotStillLoads) {
  test::temp_dir dir;
  const auto path = dir.path() / "save.snap";
  const store old_world = world(3), new_world = world(5);
  ASSERT_TRUE(relstore::save(old_world, path));

  test::faulty_fs fs(GetParam());
  auto save = relstore::save_in_background(new_world, path, {.fs = &fs});
  ASSERT_TRUE(save);
  auto r = save->wait();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::io_error);
  EXPECT_NE(r.error().message().find(std::strerror(GetParam().err)), std::string::npos) << r.error().message();

  const bool after_rename = GetParam().at == test::fault::dir_open || GetParam().at == test::fault::dir_fsync;
  EXPECT_TRUE(loaded_from(path) == (after_rename ? new_world : old_world));
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()), {}), 1) << "a temporary file was left";
}

INSTANTIATE_TEST_SUITE_P(Steps, BackgroundSaveFault, test::every_fault(), test::fault_name);

// Writes at most 512 bytes a call, and the saving process kills itself
// (SIGKILL) at write number `at`: a death mid-file, at a known point.
class dying_fs : public relstore::file_system {
 public:
  explicit dying_fs(int at) : at_(at) {}
  ssize_t write(int fd, const void* d, std::size_t n) override {
    if (++writes_ == at_) ::kill(::getpid(), SIGKILL);
    return file_system::write(fd, d, std::min<std::size_t>(n, 512));
  }

 private:
  int at_, writes_ = 0;
};

// The saving process dies mid-file: the result says so, the previous
// snapshot still loads, and no temporary file is left.
TEST(BackgroundSave, KilledWhileSavingLeavesTheOldSnapshotAndNoTemporaryFile) {
  test::temp_dir dir;
  const auto path = dir.path() / "kill.snap";
  const store old_world = world(40), new_world = world(60);
  ASSERT_TRUE(relstore::save(old_world, path));
  for (int at : {1, 2, 3, 4}) {
    dying_fs fs(at);
    auto save = relstore::save_in_background(new_world, path, {.fs = &fs});
    ASSERT_TRUE(save);
    auto r = save->wait();
    ASSERT_FALSE(r) << "write " << at;
    EXPECT_EQ(r.error().code, errc::io_error);
    EXPECT_NE(r.error().message().find("killed by signal 9"), std::string::npos) << r.error().message();
    EXPECT_TRUE(loaded_from(path) == old_world) << "write " << at;
    EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()), {}), 1) << "write " << at;
  }
}

}  // namespace
