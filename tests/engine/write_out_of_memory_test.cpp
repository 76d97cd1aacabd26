// Writes that run out of memory (std::bad_alloc from the k-th allocation,
// for every k until the write goes through): what a write recorded is
// undone, and a write that throws leaves the store as it was, its events
// undelivered; the store goes on. errors_alloc_test's executable.
#include <gtest/gtest.h>

#include <functional>
#include <new>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/counting_new.hpp"
#include "common/shop_schema.hpp"

namespace write_out_of_memory_test {

namespace {

using counting_new::allocations;
using counting_new::fail_at;
using counting_new::out_of_memory_at;
using shop::Customer;
using shop::Order;

// Runs write(db) on a store holding Ada and four orders (each a 30-byte
// note, which copies allocate, and a total of 1) with this thread's k-th allocation failing, for k = 1, 2, ...
// until it goes through: each run that throws must leave the store as it
// was; then went_through(db, before) checks the write. Returns how many
// runs threw.
template <class Write, class WentThrough>
long fail_each_allocation(Write&& write, WentThrough&& went_through) {
  long failures = 0;
  for (long k = 1;; ++k) {
    SCOPED_TRACE(k);
    shop::store db;
    const auto ada = db.repo<Customer>().create({.name = "Ada"}).value();
    for (int i = 0; i < 4; ++i) {
      if (!db.repo<Order>().create({.customerId = ada.id, .total = 1, .note = std::string(30, 's')})) ADD_FAILURE();
    }
    const shop::store before = db;
    if (!out_of_memory_at(k, [&] { write(db); })) {
      went_through(db, before);
      return failures;
    }
    ++failures;
    EXPECT_TRUE(db == before) << "a write that threw left part of itself";
  }
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
  const long failures = fail_each_allocation(
      [](shop::store& db) { (void)db.repo<Order>().update_each({}, [](Order& o) { o.total += 1; }); },
      [](const shop::store& db, const shop::store&) {
        double sum = 0;
        db.for_each<Order>([&](const Order& o) { sum += o.total; });
        EXPECT_EQ(sum, 8.0);
      });
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

// Regression: an unobserved write of one entity by its key recorded
// nothing, and the copy it returns was made after the write: out of memory
// there left the entity changed while the caller saw a throw. Now a write
// whose copy may throw (the model has a string) is recorded, and undone.
// Patched and replaced, a number field or a string field.
TEST(WriteOutOfMemory, AnUpdateByIdWhoseReturnedCopyFailsChangesNothing) {
  const std::string longer_note(60, 'm');
  using write_fn = std::function<relstore::result<Order>(shop::store&)>;
  const std::vector<std::pair<const char*, write_fn>> writes{
      {"patch a number",
       [](shop::store& db) {
         return db.repo<Order>().update_by_id(1, relstore::patch<Order>{}.set(&Order::total, 9.0));
       }},
      {"patch a string",
       [&](shop::store& db) {
         return db.repo<Order>().update_by_id(1, relstore::patch<Order>{}.set(&Order::note, longer_note));
       }},
      {"replace",
       [&](shop::store& db) {
         return db.repo<Order>().replace_by_id(1, {.customerId = 1, .total = 9, .note = longer_note});
       }},
  };
  for (const auto& [name, write] : writes) {
    SCOPED_TRACE(name);
    std::optional<relstore::result<Order>> returned;
    const long failures = fail_each_allocation([&](shop::store& db) { returned.emplace(write(db)); },
                                               [&](const shop::store& db, const shop::store& before) {
                                                 ASSERT_TRUE(returned && *returned) << "the write went through";
                                                 EXPECT_FALSE(db == before);
                                                 EXPECT_EQ(**returned, db.repo<Order>().find_by_id(1).value())
                                                     << "it returns what it stored";
                                               });
    EXPECT_GE(failures, 1) << "the returned copy's allocation among those failed";
  }
}

// Regression: a patch of a string field on several entities wrote each in
// place, so out of memory copying the string to the third left the first
// two changed. A string field is now patched as an update: every new value
// is built before any entity changes. A patch of all the entities, and of
// one parent's children.
TEST(WriteOutOfMemory, APatchOfAStringOnManyEntitiesThatFailsChangesNothing) {
  const std::string note(40, 'n');
  const auto renote = relstore::patch<Order>{}.set(&Order::note, note);
  for (const bool constrained : {false, true}) {
    SCOPED_TRACE(constrained ? "constrained" : "update_all");
    const long failures = fail_each_allocation(
        [&](shop::store& db) {
          if (constrained) {
            (void)db.repo<Customer>().related<"orders">(1).patch(renote);
          } else {
            (void)db.repo<Order>().update_all(renote);
          }
        },
        [&](const shop::store& db, const shop::store&) {
          db.for_each<Order>([&](const Order& o) { EXPECT_EQ(o.note, note); });
        });
    EXPECT_GE(failures, 4) << "each new note's allocation among those failed";
  }
}

// Regression: update_each whose callback runs out of memory writing a
// string left the entities before it changed (the callback ran unguarded,
// and writes<> on a string wrote in place, copying nothing). Both forms, on
// every entity and on a where's matches.
TEST(WriteOutOfMemory, AnUpdateEachThatRunsOutOfMemoryInItsCallbackChangesNothing) {
  const std::string note(40, 'n');
  using each_fn = std::function<void(shop::store&)>;
  const std::vector<std::pair<const char*, each_fn>> writes{
      {"whole entity",
       [&](shop::store& db) { (void)db.repo<Order>().update_each({}, [&](Order& o) { o.note = note; }); }},
      {"writes<> all",
       [&](shop::store& db) {
         (void)db.repo<Order>().update_each({}, relstore::writes<&Order::note>, [&](std::string& n) { n = note; });
       }},
      {"writes<> where",
       [&](shop::store& db) {
         (void)db.repo<Order>().update_each(relstore::field(&Order::total) < 10.0, relstore::writes<&Order::note>,
                                            [&](std::string& n) { n = note; });
       }},
  };
  for (const auto& [name, write] : writes) {
    SCOPED_TRACE(name);
    const long failures = fail_each_allocation(write, [&](const shop::store& db, const shop::store&) {
      db.for_each<Order>([&](const Order& o) { EXPECT_EQ(o.note, note); });
    });
    EXPECT_GE(failures, 4) << "each note's allocation among those failed";
  }
}

}  // namespace

}  // namespace write_out_of_memory_test
