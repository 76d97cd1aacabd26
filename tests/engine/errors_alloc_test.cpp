// What relstore does when it allocates, or cannot: a typed store's rejected
// write, and an update of one entity by key, allocate nothing (a rejected
// write's message is worded only when read); a cascade's lists grow
// geometrically; a background save or a load that cannot allocate is an
// error, not an exception, and leaves nothing behind; a big block that cannot
// be had gives back the kept ones first. Its own executable, since it
// replaces the global operator new and delete (forwarding to malloc) to count
// and fail allocations; not built under the sanitizers, which bring their own.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <new>
#include <string>
#include <vector>

#include <relstore/background_save.hpp>
#include <relstore/memory.hpp>
#include <relstore/snapshot.hpp>

#include "common/shop_schema.hpp"
#include "common/shop_world.hpp"
#include "common/temp_dir.hpp"
#include "common/tree_schema.hpp"
#include "relstore/detail/block_allocator.hpp"

namespace {

// Allocations made by this thread through the global operator new, and
// those of at least 4 KiB.
thread_local long allocations = 0;
thread_local long large_allocations = 0;
// The allocation number (of this thread) that throws std::bad_alloc; 0: none.
thread_local long fail_at = 0;
// Blocks allocated and not yet freed, by every thread.
std::atomic<long> live{0};

}  // namespace

// The failure counts every allocation, aligned ones (big blocks) too; `live`
// is what is allocated and not yet freed, by any thread.
void* operator new(std::size_t size) {
  ++allocations;
  if (size >= 4096) ++large_allocations;
  if (allocations == fail_at) throw std::bad_alloc();
  if (void* p = std::malloc(size == 0 ? 1 : size)) {
    ++live;
    return p;
  }
  throw std::bad_alloc();
}
void* operator new(std::size_t size, std::align_val_t align) {
  ++allocations;
  if (size >= 4096) ++large_allocations;
  if (allocations == fail_at) throw std::bad_alloc();
  void* p = nullptr;
  if (::posix_memalign(&p, std::max(static_cast<std::size_t>(align), sizeof(void*)), size == 0 ? 1 : size) == 0) {
    ++live;
    return p;
  }
  throw std::bad_alloc();
}
// GCC 12 at -O1 and above takes free() in a replaced operator delete for a
// mismatch with operator new; it is this file's own pair.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void operator delete(void* p) noexcept {
  if (p != nullptr) --live;
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept { ::operator delete(p); }
void operator delete(void* p, std::align_val_t) noexcept { ::operator delete(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { ::operator delete(p); }
#pragma GCC diagnostic pop

namespace {

using relstore::errc;
using shop::Customer;
using shop::Order;

class RejectedWrite : public ::testing::Test {
 protected:
  void SetUp() override {
    ada = db.repo<Customer>().create({.name = "Ada"}).value();
    // Once, so that the schema's registry and model descriptions (statics,
    // built on first use) exist before anything is counted.
    (void)db.repo<Order>().create({.customerId = 99});
    (void)db.repo<Customer>().create({.id = ada.id, .name = "Eve"});
    (void)db.repo<Customer>().find_by_id(404);
  }
  shop::store db;
  Customer ada;
};

TEST_F(RejectedWrite, TheCounterSeesTheMessageBeingWorded) {
  auto r = db.repo<Order>().create({.customerId = 99});
  ASSERT_FALSE(r);
  const long before = allocations;
  const std::string text = r.error().message();
  EXPECT_GT(allocations - before, 0) << "the counter counts";
  EXPECT_EQ(text, "Order.customerId = 99: no Customer with id 99 (relation Customer.orders)");
}

TEST_F(RejectedWrite, ADanglingForeignKeyAllocatesNothing) {
  const long before = allocations;
  auto r = db.repo<Order>().create({.customerId = 99});
  const long made = allocations - before;
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::foreign_key_violation);
  EXPECT_EQ(made, 0);
}

TEST_F(RejectedWrite, ATakenPrimaryKeyAllocatesNothing) {
  const long before = allocations;
  auto r = db.repo<Customer>().create({.id = ada.id, .name = "Eve"});
  const long made = allocations - before;
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::already_exists);
  EXPECT_EQ(made, 0);
}

TEST_F(RejectedWrite, AMissingKeyAllocatesNothing) {
  const long before = allocations;
  auto r = db.repo<Customer>().find_by_id(404);
  const long made = allocations - before;
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::not_found);
  EXPECT_EQ(made, 0);
}

// A write that runs out of memory throws std::bad_alloc: what it recorded is
// undone, and the store goes on (later writes commit and deliver their
// events; key counters never go back). A throw once left the engine counting
// itself inside a write, so that no later write committed or delivered
// anything, and could leave create_all's first entity behind its key counter.
TEST(WriteOutOfMemory, ARecordedWriteIsUndoneAndTheStoreGoesOn) {
  const std::vector<Customer> batch{
      {.name = std::string(40, 'a')}, {.name = std::string(40, 'b')}, {.name = std::string(40, 'c')}};
  long failures = 0;
  for (long k = 1;; ++k) {
    SCOPED_TRACE(k);
    shop::store db;
    int events = 0;
    auto sub = db.on<Customer>([&](const relstore::event<Customer>&) { ++events; });
    bool threw = false;
    allocations = 0;
    fail_at = k;
    try {
      (void)db.repo<Customer>().create_all(batch);
    } catch (const std::bad_alloc&) {
      threw = true;
    }
    fail_at = 0;
    if (!threw) {
      EXPECT_EQ(db.size<Customer>(), 3u);
      break;
    }
    ++failures;
    EXPECT_EQ(db.size<Customer>(), 0u);
    EXPECT_EQ(events, 0);
    auto later = db.repo<Customer>().create({.name = "later"});
    ASSERT_TRUE(later) << later.error().message();
    EXPECT_EQ(db.size<Customer>(), 1u);
    EXPECT_EQ(events, 1);
  }
  EXPECT_GT(failures, 3);
}

// Runs write() with this thread's k-th allocation failing; whether it threw
// std::bad_alloc.
template <class Write>
bool out_of_memory_at(long k, Write&& write) {
  allocations = 0;
  fail_at = k;
  bool threw = false;
  try {
    write();
  } catch (const std::bad_alloc&) {
    threw = true;
  }
  fail_at = 0;
  return threw;
}

// A store holding Ada (a 40-character name), with an observer counting
// Customer events. Not movable: the observer points into it.
struct observed_ada {
  shop::store db;
  Customer ada = db.repo<Customer>().create({.name = std::string(40, 'a')}).value();
  int events = 0;
  relstore::subscription sub = db.on<Customer>([this](const relstore::event<Customer>&) { ++events; });
};

// A create that runs out of memory leaves nothing stored, with or without
// an observer: its returned copy is made before the entity links (made
// after, the entity stayed while the caller saw a throw), and an observed
// create records its insert, so that an event copy that throws is undone
// (it stayed, its key not taken: the next create collided, an assertion).
// Within a transaction with an update observer, an update whose event
// cannot be copied is undone by the rollback: its undo entry comes first.
TEST(WriteOutOfMemory, ACreateLeavesNothingANextTakesAFreshKeyARollbackUndoesAnUpdate) {
  for (const bool observed : {false, true}) {
    SCOPED_TRACE(observed ? "observed" : "not observed");
    long failures = 0;
    for (long k = 1;; ++k) {
      SCOPED_TRACE(k);
      shop::store db;
      int events = 0;
      relstore::subscription sub;
      if (observed) sub = db.on<Customer>([&](const relstore::event<Customer>&) { ++events; });
      Customer c{.name = std::string(40, 'a')};  // its own allocation not among those failed
      const bool threw = out_of_memory_at(k, [&] { (void)db.repo<Customer>().create(std::move(c)); });
      EXPECT_EQ(db.size<Customer>(), threw ? 0u : 1u);
      EXPECT_EQ(events, observed && !threw ? 1 : 0);
      failures += threw ? 1 : 0;
      auto next = db.repo<Customer>().create({.name = "next"});
      ASSERT_TRUE(next) << next.error().message();
      EXPECT_TRUE(db.repo<Customer>().exists(next->id));
      if (!threw) break;
    }
    EXPECT_GE(failures, observed ? 2 : 1) << "the copy's allocation (and the event's) among those failed";
  }
  for (long k = 1;; ++k) {
    SCOPED_TRACE(k);
    observed_ada w;
    bool threw = false;
    {
      auto tx = w.db.begin();
      threw = out_of_memory_at(k, [&] {
        (void)w.db.repo<Customer>().update_by_id(w.ada.id, relstore::patch<Customer>{}.set(&Customer::name, "Bea"));
      });
      tx.rollback();
    }
    EXPECT_EQ(w.db.repo<Customer>().find_by_id(w.ada.id).value().name, w.ada.name);
    EXPECT_EQ(w.events, 0);
    if (!threw) break;
  }
}

// An observed update of one entity records it even outside a transaction:
// an event copy that runs out of memory after the write is undone (it once
// left the entity changed, its event lost, while the caller saw a throw).
TEST(WriteOutOfMemory, AnObservedUpdateWhoseEventCannotBeCopiedIsUndone) {
  long failures = 0;
  for (long k = 1;; ++k) {
    SCOPED_TRACE(k);
    observed_ada w;
    const auto rename = relstore::patch<Customer>{}.set(&Customer::name, std::string(40, 'b'));
    const auto only_ada = relstore::field(&Customer::id) == w.ada.id;
    const bool threw = out_of_memory_at(k, [&] { (void)w.db.repo<Customer>().update_all(rename, only_ada); });
    EXPECT_EQ(w.db.repo<Customer>().find_by_id(w.ada.id).value().name, threw ? w.ada.name : std::string(40, 'b'));
    EXPECT_EQ(w.events, threw ? 0 : 1);
    failures += threw ? 1 : 0;
    if (!threw) break;
  }
  EXPECT_GE(failures, 2);
}

// Regression: a checked update_each copies each entity before its fn runs;
// a copy that ran out of memory left the entities already done changed.
TEST(WriteOutOfMemory, AnUpdateEachCopyThatFailsLeavesEveryEntityAsItWas) {
  long failures = 0;
  for (long k = 1;; ++k) {
    SCOPED_TRACE(k);
    shop::store db;
    const auto ada = db.repo<Customer>().create({.name = "Ada"}).value();
    for (int i = 0; i < 4; ++i) {
      ASSERT_TRUE(db.repo<Order>().create({.customerId = ada.id, .total = 1, .note = std::string(40, 'n')}));
    }
    bool threw = false;
    allocations = 0;
    fail_at = k;
    try {
      (void)db.repo<Order>().update_each({}, [](Order& o) { o.total += 1; });
    } catch (const std::bad_alloc&) {
      threw = true;
    }
    fail_at = 0;
    double sum = 0;
    db.for_each<Order>([&](const Order& o) { sum += o.total; });
    if (!threw) {
      EXPECT_EQ(sum, 8.0);
      break;
    }
    ++failures;
    EXPECT_EQ(sum, 4.0);
  }
  EXPECT_GE(failures, 4);
}

// Regression: a cascade or set-null outside a transaction recorded nothing,
// so running out of memory part-way (an observed event's copy, a set-null's
// copy) left the parent deleted and some children behind, naming it.
TEST(WriteOutOfMemory, ACascadeOrSetNullThatFailsPartWayChangesNothing) {
  for (const bool set_null : {false, true}) {
    long failures = 0;
    for (long k = 1;; ++k) {
      SCOPED_TRACE(testing::Message() << (set_null ? "set null " : "cascade ") << k);
      shop::store db;
      const auto ada = db.repo<Customer>().create({.name = "Ada"}).value();
      const auto coupon = db.repo<shop::Coupon>().create({.label = "c"}).value();
      const auto order = db.repo<Order>().create({.customerId = ada.id, .couponId = coupon.id}).value();
      for (int i = 0; i < 12; ++i) {
        ASSERT_TRUE(db.repo<Order>().related<"lines">(order.id).create({.sku = std::string(40, 's')}));
        ASSERT_TRUE(
            db.repo<Order>().create({.customerId = ada.id, .note = std::string(40, 'n'), .couponId = coupon.id}));
      }
      int events = 0;
      auto sub = db.on<shop::OrderLine>(relstore::on_delete_event, [&](const auto&) { ++events; });
      const shop::store before = db;
      bool threw = false;
      allocations = 0;
      fail_at = k;
      try {
        if (set_null) {
          (void)db.repo<shop::Coupon>().delete_by_id(coupon.id);
        } else {
          (void)db.repo<Order>().delete_by_id(order.id);
        }
      } catch (const std::bad_alloc&) {
        threw = true;
      }
      fail_at = 0;
      if (!threw) {
        EXPECT_EQ(db.size<shop::OrderLine>(), set_null ? 12u : 0u);
        break;
      }
      ++failures;
      EXPECT_TRUE(db == before) << "a failed delete left part of itself";
      EXPECT_EQ(events, 0);
      ASSERT_TRUE(db.repo<Customer>().create({.name = "later"})) << "the store goes on";
    }
    EXPECT_GT(failures, 3) << set_null;
  }
}

// compact() moved the entities out of the table before copying them to
// the new pool: a bad_alloc part-way lost the rest (children without
// parents). Now the table keeps them (REGRESSION, review helper-46).
TEST(WriteOutOfMemory, ACompactThatFailsKeepsEveryEntity) {
  shop::store before;
  for (int c = 0; c < 30; ++c) {
    const auto id = before.repo<Customer>().create({.name = "c"}).value().id;
    for (double t : {1.0, 2.0, 3.0}) ASSERT_TRUE(before.repo<Customer>().related<"orders">(id).create({.total = t}));
  }
  long failures = 0;
  for (long k = 1;; ++k) {
    SCOPED_TRACE(k);
    shop::store db = before;
    bool threw = false;
    allocations = 0;
    fail_at = k;
    try {
      db.compact();
    } catch (const std::bad_alloc&) {
      threw = true;
    }
    fail_at = 0;
    ASSERT_TRUE(db == before);
    ASSERT_TRUE(db.repo<Customer>().related<"orders">(1).create({.total = 9}));
    if (!threw) break;
    ++failures;
  }
  EXPECT_GT(failures, 2);
}

// An update of one entity by its key (a game's reparent) allocates nothing:
// it once built three one-element vectors per call.
TEST(UpdateById, OneEntityAllocatesNothing) {
  shop::store db;
  const auto ada = db.repo<Customer>().create({.name = "Ada"}).value();
  const auto bob = db.repo<Customer>().create({.name = "Bob"}).value();
  const auto order = db.repo<Order>().create({.customerId = ada.id}).value();
  const auto to_bob = relstore::patch<Order>{}.set(&Order::customerId, bob.id);
  const auto to_ada = relstore::patch<Order>{}.set(&Order::customerId, ada.id);
  ASSERT_TRUE(db.repo<Order>().update_by_id(order.id, to_bob));  // statics built on first use
  const long before = allocations;
  auto back = db.repo<Order>().update_by_id(order.id, to_ada);
  const long made = allocations - before;
  ASSERT_TRUE(back);
  EXPECT_EQ(back->customerId, ada.id);
  EXPECT_EQ(db.repo<Order>().find_by_id(order.id)->customerId, ada.id);
  EXPECT_EQ(made, 0);
}

// visit_by_ids sorts up to 64 keys on the stack, string keys as pointers to
// the caller's: a read of many string keys allocates nothing (it once
// copied every key to the heap to sort them).
TEST(VisitByIds, StringKeysAllocateNothing) {
  shop::store db;
  ASSERT_TRUE(db.repo<shop::Account>().insert({.code = "ac"}));
  std::vector<std::string> keys;
  for (int i = 0; i < 40; ++i) {
    keys.push_back(std::string(30, 'k') + std::to_string(39 - i));
    ASSERT_TRUE(db.repo<shop::Session>().insert({.token = keys.back(), .accountCode = "ac"}));
  }
  keys.push_back(keys.front());
  keys.push_back(std::string(30, 'z'));  // names nothing
  std::string last;
  last.reserve(64);
  bool in_order = true;
  const long before = allocations;
  const std::size_t visited = db.repo<shop::Session>().visit_by_ids(keys, [&](const shop::Session& s) {
    in_order = in_order && last < s.token;
    last = s.token;  // within the capacity reserved
  });
  const long made = allocations - before;
  EXPECT_EQ(visited, 40u);
  EXPECT_TRUE(in_order);
  EXPECT_EQ(made, 0);
}

// Regression: the cascade planner reserved its doomed lists to exactly
// their new size for each parent, so deleting n parents reallocated (and
// copied) those lists n times: quadratic in the number of parents.
TEST(CascadePlan, ListsGrowGeometricallyOverManyParents) {
  shop::store db;
  const auto ada = db.repo<Customer>().create({.name = "Ada"}).value();
  constexpr int orders = 4000;
  for (int i = 0; i < orders; ++i) {
    const auto o = db.repo<Order>().create({.customerId = ada.id}).value();
    ASSERT_TRUE(db.repo<shop::OrderLine>().create({.orderId = o.id, .sku = "x"}));
  }
  const long before = large_allocations;
  EXPECT_EQ(db.repo<Order>().delete_all().value(), static_cast<std::size_t>(orders));
  EXPECT_EQ(db.size<shop::OrderLine>(), 0u);
  EXPECT_LT(large_allocations - before, 200) << "a list reallocated per parent";
}

// A registry whose build ran out of memory is built again, whole, by the
// next call (it once kept the models it had added, and the next build
// asserted "model Parent is defined twice"). chain::family: a schema no
// other test of this binary uses, so its registry is built here.
TEST(Registry, AnAllocationFailureWhileBuildingItLeavesItToBeBuiltAgain) {
  int failures = 0;
  for (long n = 1;; ++n) {
    ASSERT_LT(n, 10000) << "the registry was never built";
    fail_at = allocations + n;
    try {
      (void)chain::family::registry();
    } catch (const std::bad_alloc&) {
      fail_at = 0;
      ++failures;
      continue;
    }
    fail_at = 0;
    break;
  }
  EXPECT_GT(failures, 3);
  const relstore::registry& reg = chain::family::registry();
  ASSERT_EQ(reg.model_count(), 3u);
  EXPECT_EQ(reg.model(0).name, "Parent");
  EXPECT_EQ(reg.relations().size(), 4u);  // children, items and their inverses
}

// Each allocation of the call in turn fails: the call returns io_error (no
// exception, no save run anyway), writes nothing, and leaves the file free
// for the next save.
TEST(BackgroundSaveStart, AnAllocationFailureIsAnErrorAndLeavesTheFileFree) {
  test::temp_dir dir;
  const auto path = dir.path() / "oom.snap";
  shop::store db = test::customers_with_one_order(50);
  (void)shop::schema::registry();  // built on first use: the failures below hit the call's own allocations
  int failures = 0;
  for (long n = 1;; ++n) {
    ASSERT_LT(n, 10000) << "the call never succeeded";
    fail_at = allocations + n;
    auto save = relstore::save_in_background(db, path);
    fail_at = 0;
    if (!save) {
      EXPECT_EQ(save.error().code, errc::io_error) << "allocation " << n << ": " << save.error().message();
      EXPECT_FALSE(std::filesystem::exists(path)) << "allocation " << n;
      ++failures;
      continue;
    }
    ASSERT_TRUE(save->wait());
    break;
  }
  EXPECT_GT(failures, 3);
  shop::store loaded;
  ASSERT_TRUE(relstore::load(loaded, path));
  EXPECT_TRUE(loaded == db);
}

// Each allocation of a load in turn fails: load returns io_error saying
// memory ran out, the store keeps what it held, and nothing read is left
// allocated (blocks are not kept during the test, so none hide a leak). Two
// files: save()'s, read in file order, and a background save's, whose
// orders are not grouped by customer, so the load stages them.
class LoadFailure : public ::testing::TestWithParam<bool> {};

TEST_P(LoadFailure, AnAllocationFailureIsAnErrorAndLeavesTheStoreAsItWas) {
  test::temp_dir dir;
  const auto path = dir.path() / "world.snap";
  shop::store saved;
  for (std::int64_t c = 1; c <= 50; ++c) ASSERT_TRUE(saved.repo<Customer>().create({.id = c, .name = "c"}));
  for (std::int64_t i = 1; i <= 300; ++i) {
    ASSERT_TRUE(saved.repo<Order>().create({.id = i, .customerId = (i * 7) % 50 + 1, .note = "n"}));
  }
  if (GetParam()) {
    auto save = relstore::save_in_background(saved, path);
    ASSERT_TRUE(save && save->wait());
  } else {
    ASSERT_TRUE(relstore::save(saved, path));
  }
  shop::store db = test::customers_with_one_order(3);
  const shop::store before = test::customers_with_one_order(3);
  const std::size_t limit = relstore::block_cache().limit;
  (void)relstore::set_block_cache_limit(0);
  {
    shop::store warm;  // what a first load builds once (statics) is not counted as left behind
    ASSERT_TRUE(relstore::load(warm, path));
  }
  int failures = 0;
  for (long n = 1;; ++n) {
    ASSERT_LT(n, 100000) << "the load never succeeded";
    const long held = live;
    bool failed = false;
    {
      fail_at = allocations + n;
      auto r = relstore::load(db, path);
      fail_at = 0;
      if (!r) {
        failed = true;
        ASSERT_EQ(r.error().code, errc::io_error) << "allocation " << n << ": " << r.error().message();
        EXPECT_NE(r.error().message().find("memory"), std::string::npos) << r.error().message();
      }
    }  // the error's message freed
    if (!failed) break;
    ASSERT_EQ(live, held) << "allocation " << n << " left what it read allocated";
    ASSERT_TRUE(db == before) << "allocation " << n;
    ++failures;
  }
  (void)relstore::set_block_cache_limit(limit);
  EXPECT_GT(failures, 50);
  EXPECT_TRUE(db == saved);
}

INSTANTIATE_TEST_SUITE_P(Files, LoadFailure, ::testing::Bool(),
                         [](const auto& p) { return p.param ? "BackgroundSaved" : "Saved"; });

// A big block that operator new cannot give after all gives back the kept
// blocks and asks once more; with nothing kept, the failure is the caller's.
TEST(BlockCache, AFailedBigAllocationGivesBackKeptBlocksAndTriesAgain) {
  using relstore::detail::allocate_block;
  using relstore::detail::free_block;
  constexpr std::size_t mib = std::size_t{1} << 20;
  const std::size_t limit = relstore::block_cache().limit;
  (void)relstore::release_cached_blocks();
  (void)relstore::set_block_cache_limit(64 * mib);
  void* kept = allocate_block(4 * mib, 8);
  free_block(kept, 4 * mib, 8);
  ASSERT_EQ(relstore::block_cache().bytes, 4 * mib);

  fail_at = allocations + 1;
  void* p = allocate_block(16 * mib, 8);  // the first operator new throws
  fail_at = 0;
  EXPECT_NE(p, nullptr);
  EXPECT_EQ(relstore::block_cache().bytes, 0u) << "the kept block was given back";
  free_block(p, 16 * mib, 8);
  (void)relstore::release_cached_blocks();

  fail_at = allocations + 1;
  EXPECT_THROW((void)allocate_block(16 * mib, 8), std::bad_alloc);
  fail_at = 0;
  (void)relstore::set_block_cache_limit(limit);
}

}  // namespace
