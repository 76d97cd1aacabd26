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
#include <random>
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

store loaded_from(const std::filesystem::path& path) {
  store db;
  auto r = relstore::load(db, path);
  EXPECT_TRUE(r) << r.error().message;
  return db;
}

TEST(BackgroundSave, TheFileHoldsTheStoreAsItWasAtTheCall) {
  test::temp_dir dir;
  const auto path = dir.path() / "bg.snap", gate = dir.path() / "gate";
  store db = world(50);
  const store at_call = db;
  gated_fs fs(gate);
  auto save = relstore::save_in_background(db, path, {.fs = &fs});
  ASSERT_TRUE(save) << save.error().message;
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
  ASSERT_TRUE(r) << r.error().message;
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
  ASSERT_TRUE(save) << save.error().message;
  std::optional<relstore::result<void>> r;
  while (!(r = save->poll())) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  ASSERT_TRUE(*r) << r->error().message;
  EXPECT_FALSE(save->running());
  EXPECT_TRUE(loaded_from(path) == db);
}

TEST(BackgroundSave, ASecondSaveOfTheSameFileIsBusyUntilTheFirstIsCollected) {
  test::temp_dir dir;
  const auto path = dir.path() / "busy.snap", gate = dir.path() / "gate";
  const store first = world(10), second = world(20);
  gated_fs fs(gate);
  auto running = relstore::save_in_background(first, path, {.fs = &fs});
  ASSERT_TRUE(running);

  auto refused = relstore::save_in_background(second, dir.path() / "." / "busy.snap");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, errc::busy);
  EXPECT_NE(refused.error().message.find("busy.snap"), std::string::npos) << refused.error().message;

  // Another file is saved side by side.
  auto other = relstore::save_in_background(second, dir.path() / "other.snap");
  ASSERT_TRUE(other);
  ASSERT_TRUE(other->wait());

  open_gate(gate);
  ASSERT_TRUE(running->wait());
  EXPECT_TRUE(loaded_from(path) == first) << "the refused save must not have touched the file";

  auto again = relstore::save_in_background(second, path);
  ASSERT_TRUE(again) << again.error().message;
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
  EXPECT_NE(r.error().message.find(std::strerror(GetParam().err)), std::string::npos) << r.error().message;

  const bool after_rename = GetParam().at == test::fault::dir_open || GetParam().at == test::fault::dir_fsync;
  EXPECT_TRUE(loaded_from(path) == (after_rename ? new_world : old_world));
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()), {}), 1) << "a temporary file was left";
}

INSTANTIATE_TEST_SUITE_P(Steps, BackgroundSaveFault, test::every_fault(), test::fault_name);

// Writes a few hundred bytes at a time, so that a kill lands mid-file.
class slow_fs : public relstore::file_system {
 public:
  ssize_t write(int fd, const void* d, std::size_t n) override {
    ::usleep(50);
    return file_system::write(fd, d, std::min<std::size_t>(n, 512));
  }
};

// The saving process is killed at random moments: the result says so, and
// the file loads as the old or the new snapshot.
TEST(BackgroundSave, KilledWhileSavingLeavesTheOldOrTheNewSnapshot) {
  test::temp_dir dir;
  const auto path = dir.path() / "kill.snap";
  const store a = world(40), b = world(60);
  ASSERT_TRUE(relstore::save(a, path));
  std::mt19937 rng(99);
  slow_fs fs;
  int killed = 0;
  constexpr int rounds = 40;
  for (int i = 0; i < rounds; ++i) {
    auto save = relstore::save_in_background(i % 2 ? a : b, path, {.fs = &fs});
    ASSERT_TRUE(save);
    ::usleep(std::uniform_int_distribution<unsigned>(0, 20000)(rng));
    ::kill(save->pid(), SIGKILL);
    auto r = save->wait();
    if (!r) {
      ++killed;
      EXPECT_EQ(r.error().code, errc::io_error);
      EXPECT_NE(r.error().message.find("killed by signal 9"), std::string::npos) << r.error().message;
    }
    const store on_disk = loaded_from(path);
    ASSERT_TRUE(on_disk == a || on_disk == b) << "round " << i << " left a third state";
  }
  EXPECT_GT(killed, 0) << "no kill landed during a save: the test proved nothing";
}

}  // namespace
