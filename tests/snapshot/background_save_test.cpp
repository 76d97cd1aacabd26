// Background saves: the file holds the store as it was at the call whatever
// the game writes meanwhile (and however: in place, by cascade, in a rolled
// back transaction, by reloading or destroying the store), completion is
// observed without blocking, failures and kills leave the previous
// snapshot, and a second save of the same file is refused while the first
// runs.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <thread>

#include <relstore/background_save.hpp>

#include "common/faulty_fs.hpp"
#include "common/shop_schema.hpp"
#include "common/shop_world.hpp"
#include "common/temp_dir.hpp"

namespace background_save_test {

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

// Every model filled, Session's string keys among them: enough rows that a
// slice of the copy leaves most of them pending.
store rich_world(int customers) {
  store db = world(customers);
  auto coupon = db.repo<Coupon>().create({.label = "C"}).value();
  for (std::int64_t o = 1; o <= customers; ++o) {
    EXPECT_TRUE(db.repo<Order>().update_by_id(o, relstore::patch<Order>{}.set(&Order::couponId, coupon.id)));
    for (int l = 0; l < 2; ++l) EXPECT_TRUE(db.repo<OrderLine>().create({.orderId = o, .sku = "s", .qty = l}));
  }
  auto boss = db.repo<Employee>().create({.name = "boss"}).value();
  for (int e = 0; e < 300; ++e) EXPECT_TRUE(db.repo<Employee>().create({.name = "e", .managerId = boss.id}));
  auto account = db.repo<Account>().create({.code = "acc"}).value();
  for (int t = 0; t < 400; ++t) {
    EXPECT_TRUE(
        db.repo<Session>().create({.token = "t" + std::to_string(t * 7919 % 400), .accountCode = account.code}));
  }
  return db;
}

std::string bytes_of(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

store loaded_from(const std::filesystem::path& path) {
  store db;
  auto r = relstore::load(db, path);
  EXPECT_TRUE(r) << r.error().message();
  return db;
}

TEST(BackgroundSave, TheFileHoldsTheStoreAsItWasAtTheCall) {
  test::temp_dir dir;
  const auto path = dir.path() / "bg.snap", gate = dir.path() / "gate", expected = dir.path() / "expected.snap";
  store db = rich_world(1000);
  const store at_call = db;
  ASSERT_TRUE(relstore::save(at_call, expected));
  gated_fs fs(gate);
  auto save = relstore::save_in_background(db, path, {.fs = &fs});
  gate_guard guard{gate};  // destroyed first: a failed assertion cannot hang the handle's destructor
  ASSERT_TRUE(save) << save.error().message();
  EXPECT_TRUE(save->running());
  EXPECT_FALSE(save->poll(std::chrono::microseconds{0}));
  EXPECT_GT(save->pending(), 2000u) << "one slice reads a few hundred entities of one field";

  // The game goes on, through every kind of write, on entities not copied yet.
  auto customers = db.repo<Customer>();
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(customers.create({.name = "late" + std::to_string(i)}));
  ASSERT_TRUE(customers.update_by_id(900, relstore::patch<Customer>{}.set(&Customer::name, "renamed")));
  ASSERT_TRUE(db.repo<OrderLine>().create({.orderId = 2, .sku = "x", .qty = 1}));
  ASSERT_TRUE(db.repo<Order>().delete_by_id(950));       // cascades to its lines
  ASSERT_TRUE(db.repo<Session>().delete_by_id("t399"));  // a string key
  ASSERT_TRUE(db.repo<Session>().create({.token = "t399", .accountCode = "acc"}));
  ASSERT_TRUE(
      db.repo<Order>().update_each(relstore::field(&Order::customerId) == 980, [](Order& o) { o.note = "in place"; }));
  ASSERT_TRUE(db.repo<Customer>().related<"orders">(960).patch(relstore::patch<Order>{}.set(&Order::note, "patched")));
  {
    auto tx = db.begin();  // destroyed open: rolled back
    ASSERT_TRUE(db.repo<Customer>().update_by_id(990, relstore::patch<Customer>{}.set(&Customer::name, "undone")));
    ASSERT_TRUE(db.repo<Employee>().delete_by_id(1));  // the boss: cascades to 300 reports
    ASSERT_TRUE(db.repo<Customer>().create({.name = "undone too"}));
  }
  ASSERT_TRUE(db.repo<Coupon>().delete_by_id(1));  // sets null on every order
  ASSERT_TRUE(db.repo<Order>().update_each({}, relstore::writes<&Order::total>, [](double& t) { t += 1.0; }));
  EXPECT_FALSE(save->poll()) << "the save is held at its fsync: it cannot have finished";
  EXPECT_TRUE(save->running());

  open_gate(gate);
  auto r = save->wait();
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_FALSE(save->running());
  EXPECT_TRUE(loaded_from(path) == at_call);
  EXPECT_FALSE(loaded_from(path) == db);
  // save() sorts rows by key, a background save leaves them in storage
  // order: the same rows in the same bytes otherwise.
  EXPECT_EQ(bytes_of(path).size(), bytes_of(expected).size());
  EXPECT_GT(save->copy_bytes(), 0u) << "the entities written before the save read them were copied";
}

// The save's extra memory is what the game changed before the save read
// it, not the store: none when nothing is written, a few entities' worth
// when a few are.
TEST(BackgroundSave, ItsCopiesHoldOnlyWhatTheGameChanged) {
  test::temp_dir dir;
  store db = rich_world(3000);
  {
    auto quiet = relstore::save_in_background(db, dir.path() / "quiet.snap");
    ASSERT_TRUE(quiet);
    ASSERT_TRUE(quiet->wait());
    EXPECT_EQ(quiet->copy_bytes(), 0u);
  }
  // The copies: each changed entity as it was, with its map links, plus
  // the blocks of their pool.
  constexpr std::size_t per_copy = sizeof(Customer) + 256, blocks = 16 * 1024;
  for (const std::int64_t changed : {10, 1000}) {
    const store at_call = db;
    const auto path = dir.path() / ("busy" + std::to_string(changed) + ".snap");
    auto save = relstore::save_in_background(db, path);
    ASSERT_TRUE(save);
    for (std::int64_t id = 1; id <= changed; ++id) {  // before the save reads anything: it runs in poll() and wait()
      ASSERT_TRUE(db.repo<Customer>().update_by_id(id, relstore::patch<Customer>{}.set(&Customer::name, "changed")));
    }
    ASSERT_TRUE(save->wait());
    EXPECT_TRUE(loaded_from(path) == at_call);
    const auto n = static_cast<std::size_t>(changed);
    EXPECT_GT(save->copy_bytes(), n * sizeof(Customer)) << changed;
    EXPECT_LT(save->copy_bytes(), n * per_copy + blocks) << changed << " customers as they were, not the store";
  }
}

// A patch that writes nothing new (empty, or repeating the values the
// targets hold) costs the save no copy; one that changes some targets
// copies those alone.
TEST(BackgroundSave, APatchThatChangesNothingCopiesNothing) {
  test::temp_dir dir;
  store db = rich_world(3000);
  const store at_call = db;
  auto save = relstore::save_in_background(db, dir.path() / "same.snap");
  ASSERT_TRUE(save);
  auto customers = db.repo<Customer>();
  ASSERT_TRUE(customers.update_all(relstore::patch<Customer>{}));
  for (std::int64_t id = 1; id <= 100; ++id) {
    const std::string name = customers.find_by_id(id).value().name;
    ASSERT_TRUE(customers.update_by_id(id, relstore::patch<Customer>{}.set(&Customer::name, name)));
  }
  ASSERT_TRUE(save->wait());
  EXPECT_EQ(save->copy_bytes(), 0u) << "no entity changed";
  EXPECT_TRUE(loaded_from(dir.path() / "same.snap") == at_call);

  ASSERT_TRUE(customers.update_by_id(1, relstore::patch<Customer>{}.set(&Customer::name, "renamed")));
  const store at_second = db;
  auto second = relstore::save_in_background(db, dir.path() / "some.snap");
  ASSERT_TRUE(second);
  auto n = customers.update_all(relstore::patch<Customer>{}.set(&Customer::name, "renamed"));
  ASSERT_TRUE(n) << n.error();
  ASSERT_TRUE(second->wait());
  EXPECT_TRUE(loaded_from(dir.path() / "some.snap") == at_second);
  EXPECT_GT(second->copy_bytes(), (*n - 1) * sizeof(Customer)) << "every customer but the first changed";
}

// The game writes between every slice of the save's reading, whichever
// field of whichever model the save is reading then.
TEST(BackgroundSave, WritesBetweenAnySlicesNeverReachTheFile) {
  test::temp_dir dir;
  const auto path = dir.path() / "slices.snap";
  store db = rich_world(2000);
  const store at_call = db;
  auto save = relstore::save_in_background(db, path);
  ASSERT_TRUE(save);
  std::optional<relstore::result<void>> r;
  std::int64_t next_order = 1;
  for (int tick = 0; !(r = save->poll(std::chrono::microseconds{1})); ++tick) {
    ASSERT_LT(tick, 1'000'000) << "the save never finished";
    const auto id = static_cast<std::int64_t>(tick * 7919 % 2000 + 1);
    ASSERT_TRUE(db.repo<Customer>().update_by_id(id, relstore::patch<Customer>{}.set(&Customer::name, "t")));
    ASSERT_TRUE(db.repo<Customer>().create({.name = "new"}));
    if (next_order <= 2000) (void)db.repo<Order>().delete_by_id(next_order++);  // and its lines
    ASSERT_TRUE(db.repo<Session>().create({.token = "s" + std::to_string(tick), .accountCode = "acc"}));
    if (tick % 3 == 0) {  // a pass over a field, before, while or after the save reads it
      ASSERT_TRUE(db.repo<Order>().update_each({}, relstore::writes<&Order::total>, [](double& t) { t += 1.0; }));
    }
  }
  ASSERT_TRUE(*r) << r->error().message();
  EXPECT_GT(next_order, 10) << "the save took several slices";
  EXPECT_TRUE(loaded_from(path) == at_call);
}

TEST(BackgroundSave, EntitiesNotCopiedYetAreCopiedWhenTheStoreIsCompactedReloadedOrDestroyed) {
  test::temp_dir dir;
  const auto other = dir.path() / "other.snap";
  ASSERT_TRUE(relstore::save(world(5), other));
  for (int how = 0; how < 3; ++how) {
    const auto path = dir.path() / ("bg" + std::to_string(how) + ".snap");
    auto db = std::make_unique<store>(rich_world(600));
    const store at_call = *db;
    auto save = relstore::save_in_background(*db, path);
    ASSERT_TRUE(save);
    ASSERT_FALSE(save->poll(std::chrono::microseconds{0}));
    ASSERT_GT(save->pending(), 0u);
    if (how == 0) db->compact();
    if (how == 1) {
      ASSERT_TRUE(relstore::load(*db, other));
    }
    if (how == 2) db.reset();
    EXPECT_EQ(save->pending(), 0u) << how;
    if (db) {  // the store goes on in its new pools
      ASSERT_TRUE(db->repo<Customer>().update_by_id(1, relstore::patch<Customer>{}.set(&Customer::name, "on")));
      ASSERT_TRUE(db->repo<Order>().delete_by_id(2));
    }
    ASSERT_TRUE(save->wait()) << how;
    EXPECT_TRUE(loaded_from(path) == at_call) << how;
  }
}

// A pass writing a field of every entity saves that column as it was, not
// the entities: a few bytes an entity.
TEST(BackgroundSave, AWholeTablePassInPlaceSavesOnlyTheColumnItWrites) {
  test::temp_dir dir;
  const auto path = dir.path() / "pass.snap";
  store db = rich_world(800);
  const store at_call = db;
  auto save = relstore::save_in_background(db, path);
  ASSERT_TRUE(save);
  const std::size_t pending = save->pending();
  ASSERT_TRUE(db.repo<Order>().update_each({}, relstore::writes<&Order::total>, [](double& t) { t += 1.0; }));
  ASSERT_TRUE(db.repo<Order>().update_each({}, relstore::writes<&Order::total>, [](double& t) { t += 1.0; }));
  EXPECT_EQ(save->pending(), pending) << "no entity copied: every other field is still read in place";
  ASSERT_TRUE(save->wait());
  EXPECT_TRUE(loaded_from(path) == at_call);
  EXPECT_GE(save->copy_bytes(), 800 * sizeof(double));
  EXPECT_LT(save->copy_bytes(), 800 * 2 * sizeof(double) + 1024) << "the column, not 800 orders";
}

// A transaction open across the call: the file holds its uncommitted write
// (as save() would), and the rollback after the call, which writes the old
// value back in place, does not reach the file.
TEST(BackgroundSave, ARollbackAfterTheCallDoesNotReachTheFile) {
  test::temp_dir dir;
  const auto path = dir.path() / "tx.snap";
  store db = rich_world(300);
  std::optional<store> at_call;
  std::optional<relstore::background_save> save;
  {
    auto tx = db.begin();
    ASSERT_TRUE(db.repo<Customer>().update_by_id(7, relstore::patch<Customer>{}.set(&Customer::name, "open")));
    at_call.emplace(db);
    auto started = relstore::save_in_background(db, path);
    ASSERT_TRUE(started);
    save.emplace(std::move(*started));
  }  // rolled back
  EXPECT_EQ(db.repo<Customer>().find_by_id(7)->name, "c6");
  ASSERT_TRUE(save->wait());
  EXPECT_TRUE(loaded_from(path) == *at_call);
  EXPECT_EQ(loaded_from(path).repo<Customer>().find_by_id(7)->name, "open");
}

TEST(BackgroundSave, TwoSavesOfOneStoreEachHoldTheirOwnMoment) {
  test::temp_dir dir;
  const auto first_path = dir.path() / "first.snap", second_path = dir.path() / "second.snap";
  store db = rich_world(500);
  const store first = db;
  auto a = relstore::save_in_background(db, first_path);
  ASSERT_TRUE(a);
  ASSERT_TRUE(db.repo<Customer>().update_by_id(3, relstore::patch<Customer>{}.set(&Customer::name, "between")));
  ASSERT_TRUE(db.repo<Order>().delete_by_id(400));
  const store second = db;
  auto b = relstore::save_in_background(db, second_path);
  ASSERT_TRUE(b);
  ASSERT_TRUE(db.repo<Customer>().update_by_id(3, relstore::patch<Customer>{}.set(&Customer::name, "after")));
  ASSERT_TRUE(db.repo<Order>().delete_by_id(401));
  ASSERT_TRUE(b->wait());
  ASSERT_TRUE(a->wait());
  EXPECT_TRUE(loaded_from(first_path) == first);
  EXPECT_TRUE(loaded_from(second_path) == second);
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

// Its write() waits (up to a second) until the store's thread is out of
// poll(): a save that wrote its file while holding the store's turn would
// wait on itself, and the store's thread with it.
class write_waits_for_the_game_fs : public relstore::file_system {
 public:
  std::atomic<bool> in_poll{false};
  std::atomic<int> writes = 0;
  std::atomic<int> writes_during_a_poll = 0;
  ssize_t write(int fd, const void* data, std::size_t size) override {
    ++writes;
    if (writes_during_a_poll.load() == 0) {  // one is enough: no second wait
      const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(1);
      bool waited_out = true;
      while (std::chrono::steady_clock::now() < give_up) {
        if (!in_poll.load()) {
          waited_out = false;
          break;
        }
        std::this_thread::sleep_for(std::chrono::microseconds(100));
      }
      if (waited_out) ++writes_during_a_poll;
    }
    return file_system::write(fd, data, size);
  }
};

// 3,000 customers with names of 1,000 bytes: a file of several buffers.
store three_mb_of_names() {
  store db;
  for (int c = 0; c < 3000; ++c) EXPECT_TRUE(db.repo<Customer>().create({.name = std::string(1000, 'n')}));
  return db;
}

// The game does not wait on the disk: the file is written by the save's
// own thread (a write is a system call that can block for milliseconds when
// the kernel throttles dirty pages), never inside poll().
TEST(BackgroundSave, ThePollNeverWaitsForTheFileToBeWritten) {
  test::temp_dir dir;
  const auto path = dir.path() / "disk.snap";
  const store db = three_mb_of_names();
  write_waits_for_the_game_fs fs;
  auto save = relstore::save_in_background(db, path, {.fs = &fs});
  ASSERT_TRUE(save) << save.error().message();
  std::optional<relstore::result<void>> r;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!r) {
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "the save never finished";
    fs.in_poll = true;
    r = save->poll(std::chrono::seconds(10));  // a turn long enough for the whole store
    fs.in_poll = false;
    if (!r) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ASSERT_TRUE(*r) << r->error().message();
  EXPECT_GE(fs.writes.load(), 3) << "3 MB of names are more than one buffer";
  EXPECT_EQ(fs.writes_during_a_poll.load(), 0);
  EXPECT_TRUE(loaded_from(path) == db);
}

// Blocks every write of the file until `open` is set: a disk that stalls.
class stalled_disk_fs : public relstore::file_system {
 public:
  std::atomic<bool> open{false};
  ssize_t write(int fd, const void* data, std::size_t size) override {
    while (!open.load()) std::this_thread::sleep_for(std::chrono::microseconds(200));
    return file_system::write(fd, data, size);
  }
};

// The save reads the store in the game's polls whatever the disk does: each
// poll keeps to its budget, and the save is done with the store (it copies
// nothing more) while its file still waits for the disk.
TEST(BackgroundSave, ItReadsTheWholeStoreInItsPollsWhileTheDiskStalls) {
  test::temp_dir dir;
  const auto path = dir.path() / "stalled.snap";
  store db = three_mb_of_names();
  stalled_disk_fs fs;
  auto save = relstore::save_in_background(db, path, {.fs = &fs});
  struct opener {
    stalled_disk_fs& fs;
    ~opener() { fs.open = true; }  // before the handle's destructor waits: a failed assertion must not hang
  } guard{fs};
  ASSERT_TRUE(save) << save.error().message();
  ASSERT_GT(save->pending(), 0U);
  auto longest = std::chrono::steady_clock::duration::zero();
  for (int polls = 0; save->pending() > 0; ++polls) {
    ASSERT_LT(polls, 100000) << "the reading never ended";
    const auto t0 = std::chrono::steady_clock::now();
    ASSERT_FALSE(save->poll(std::chrono::microseconds(500))) << "the file cannot be written yet";
    longest = std::max(longest, std::chrono::steady_clock::now() - t0);
  }
  // 256 rows of 1,000 bytes a slice: far under this even under sanitizers.
  EXPECT_LT(longest, std::chrono::milliseconds(250));
  ASSERT_TRUE(db.repo<Customer>().create({.name = "after"}));
  fs.open = true;
  auto r = save->wait();
  ASSERT_TRUE(r) << r.error().message();
  store loaded = loaded_from(path);
  EXPECT_EQ(loaded.size<Customer>(), 3000U);
  EXPECT_EQ(save->copy_bytes(), 0U) << "a write after the reading ended copies nothing";
}

// A disk that stays stalled does not make the save hold its whole file in
// memory: past a few MiB of bytes waiting for the disk, the reading pauses
// (each poll returns at once) until the disk catches up.
TEST(BackgroundSave, ADiskThatStaysStalledPausesTheReadingInsteadOfBufferingTheFile) {
  test::temp_dir dir;
  const auto path = dir.path() / "backed_up.snap";
  store db;
  for (int c = 0; c < 10000; ++c) ASSERT_TRUE(db.repo<Customer>().create({.name = std::string(1000, 'b')}));
  stalled_disk_fs fs;
  auto save = relstore::save_in_background(db, path, {.fs = &fs});
  struct opener {
    stalled_disk_fs& fs;
    ~opener() { fs.open = true; }
  } guard{fs};
  ASSERT_TRUE(save) << save.error().message();
  std::size_t last = save->pending();
  int unchanged = 0;
  for (int polls = 0; unchanged < 200 && last > 0; ++polls) {
    ASSERT_LT(polls, 100000) << "the reading neither ended nor paused";
    ASSERT_FALSE(save->poll(std::chrono::microseconds(500)));
    const std::size_t now = save->pending();
    unchanged = now == last ? unchanged + 1 : 0;
    last = now;
  }
  EXPECT_GT(last, 0U) << "10 MB of names were read while not one byte reached the disk";
  fs.open = true;
  auto r = save->wait();
  ASSERT_TRUE(r) << r.error().message();
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

// Regression: a bare relative name of a file not there yet kept its
// relative spelling, so the absolute spelling of the same file was not busy
// and a newer save() was overwritten by the older one.
TEST(BackgroundSave, ABareRelativeNameIsTheSameFileAsItsAbsolutePath) {
  test::temp_dir dir;
  const auto gate = dir.path() / "gate";
  const store first = world(10), second = world(20);
  gated_fs fs(gate);
  gate_guard guard{gate};
  const std::filesystem::path was = std::filesystem::current_path();
  std::filesystem::current_path(dir.path());
  auto running = relstore::save_in_background(first, "fresh.snap", {.fs = &fs});
  std::filesystem::current_path(was);
  ASSERT_TRUE(running) << running.error().message();
  auto direct = relstore::save(second, dir.path() / "fresh.snap");
  ASSERT_FALSE(direct);
  EXPECT_EQ(direct.error().code, errc::busy);
  open_gate(gate);
  ASSERT_TRUE(running->wait());
  EXPECT_TRUE(loaded_from(dir.path() / "fresh.snap") == first);
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
  EXPECT_FALSE(save->running());
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()), {}), 1) << "a temporary file was left";
}

INSTANTIATE_TEST_SUITE_P(Steps, BackgroundSaveFault, test::every_fault(), test::fault_name);

// A child runs background saves of two worlds in turn, writing to its store
// while each runs; it is killed at random moments. Whatever is on disk must
// load as one of the two.
TEST(BackgroundSave, KilledWhileSavingLeavesTheOldOrTheNewSnapshot) {
  test::temp_dir dir;
  const auto path = dir.path() / "kill.snap";
  const store a = world(40), b = world(60);
  ASSERT_TRUE(relstore::save(a, path));
  std::mt19937 rng(4321);
  int saw_a = 0, saw_b = 0;
  constexpr int kills = 100;
  for (int i = 0; i < kills; ++i) {
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      for (int k = 0;; ++k) {
        store db = k % 2 ? a : b;
        auto save = relstore::save_in_background(db, path);
        if (!save) ::_exit(3);
        for (std::int64_t id = 1; !save->poll(std::chrono::microseconds{50}); ++id) {
          (void)db.repo<Customer>().update_by_id(id % 40 + 1, relstore::patch<Customer>{}.set(&Customer::name, "x"));
        }
      }
    }
    ::usleep(std::uniform_int_distribution<unsigned>(0, 3000)(rng));
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFSIGNALED(status)) << "the saver stopped by itself: " << status;
    const store loaded = loaded_from(path);
    const bool is_a = loaded == a, is_b = loaded == b;
    ASSERT_TRUE(is_a || is_b) << "kill " << i << " left a third state";
    saw_a += is_a;
    saw_b += is_b;
  }
  EXPECT_EQ(saw_a + saw_b, kills);
}

}  // namespace

}  // namespace background_save_test
