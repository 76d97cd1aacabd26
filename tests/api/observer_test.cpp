// Observers: events after commit, in the order applied, with their cause;
// nothing for what was rolled back.
#include "relstore/subscription.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "common/shop_schema.hpp"
#include "common/shop_world.hpp"
#include "relstore/snapshot.hpp"

namespace observer_test {

namespace {

using namespace shop;
using relstore::change_cause;
using relstore::event_kind;

struct seen {
  std::string model;
  event_kind kind;
  std::int64_t id;
  change_cause cause;
  std::string relation;
  friend bool operator==(const seen&, const seen&) = default;
};

std::ostream& operator<<(std::ostream& out, const seen& s) {
  return out << s.model << " " << to_string(s.kind) << " " << s.id << " " << to_string(s.cause) << " " << s.relation;
}

class Observer : public test::ShopWorld {
 protected:
  template <class M>
  relstore::subscription watch(const char* model, relstore::event_mask mask = relstore::on_any_event) {
    return db.on<M>(mask, [this, model](const relstore::event<M>& e) {
      const M& m = e.after != nullptr ? *e.after : *e.before;
      log.push_back({model, e.kind, m.id, e.cause, e.relation != nullptr ? e.relation->name : ""});
    });
  }
  std::vector<seen> log;
};

TEST_F(Observer, CreatesUpdatesAndDeletesCarryBeforeAndAfter) {
  std::vector<std::string> notes;
  auto sub = db.on<Order>([&](const relstore::event<Order>& e) {
    notes.push_back(std::string(to_string(e.kind)) + ":" + (e.before ? e.before->note : "-") + ">" +
                    (e.after ? e.after->note : "-"));
  });
  auto o = db.repo<Customer>().related<"orders">(bob.id).create({.total = 1, .note = "new"}).value();
  ASSERT_TRUE(db.repo<Order>().update_by_id(o.id, relstore::patch<Order>{}.set(&Order::note, "patched")));
  ASSERT_TRUE(db.repo<Order>().delete_by_id(o.id));
  EXPECT_EQ(notes, (std::vector<std::string>{"created:->new", "updated:new>patched", "deleted:patched>-"}));
}

// A replication layer must not resend what did not change.
TEST_F(Observer, AnUpdateThatChangesNoFieldDeliversNothing) {
  auto a = watch<Order>("Order");
  const Order now = db.repo<Order>().find_by_id(o1.id).value();
  ASSERT_TRUE(db.repo<Order>().update_by_id(o1.id, relstore::patch<Order>{}.set(&Order::total, now.total)));
  ASSERT_TRUE(db.repo<Order>().update_by_id(o1.id, relstore::patch<Order>{}.set(&Order::total, now.total + 1)));
  EXPECT_EQ(log, (std::vector<seen>{{"Order", event_kind::updated, o1.id, change_cause::direct, ""}}));
}

TEST_F(Observer, ACascadeAndASetNullNameTheirRelation) {
  auto a = watch<Order>("Order");
  auto b = watch<OrderLine>("OrderLine");
  ASSERT_TRUE(db.repo<Order>().delete_by_id(o1.id));
  ASSERT_TRUE(db.repo<Coupon>().delete_by_id(coupon.id));
  // Children a cascade reaches come in its index's order: compared as a set.
  ASSERT_EQ(log.size(), 4u);
  if (log[1].id > log[2].id) std::swap(log[1], log[2]);
  EXPECT_EQ(log, (std::vector<seen>{{"Order", event_kind::deleted, o1.id, change_cause::direct, ""},
                                    {"OrderLine", event_kind::deleted, l1.id, change_cause::cascade, "lines"},
                                    {"OrderLine", event_kind::deleted, l2.id, change_cause::cascade, "lines"},
                                    {"Order", event_kind::updated, o2.id, change_cause::set_null, "orders"}}));
}

TEST_F(Observer, EventsWaitForTheCommitAndARollbackDeliversNothing) {
  auto sub = watch<Customer>("Customer");
  {
    auto tx = db.begin();
    ASSERT_TRUE(db.repo<Customer>().create({.id = 20, .name = "a"}));
    EXPECT_TRUE(log.empty()) << "nothing before the commit";
    auto sp = tx.savepoint();
    ASSERT_TRUE(db.repo<Customer>().create({.id = 21, .name = "undone"}));
    sp.rollback();
    ASSERT_TRUE(db.repo<Customer>().create({.id = 22, .name = "b"}));
    ASSERT_TRUE(tx.commit());
  }
  EXPECT_EQ(log, (std::vector<seen>{{"Customer", event_kind::created, 20, change_cause::direct, ""},
                                    {"Customer", event_kind::created, 22, change_cause::direct, ""}}));
  log.clear();
  {
    auto tx = db.begin();
    ASSERT_TRUE(db.repo<Customer>().create({.id = 23, .name = "c"}));
  }
  EXPECT_TRUE(log.empty()) << "a rolled-back transaction delivers nothing";
  EXPECT_FALSE(db.repo<Customer>().create({.id = ada.id, .name = "dup"}));
  EXPECT_TRUE(log.empty()) << "a rejected write delivers nothing";
}

// A subscription hears what is written after it is taken, and nothing
// earlier still waiting for its commit, whether or not another
// subscription was recording those earlier writes. It once heard them only
// when another one was.
TEST_F(Observer, ASubscriptionTakenInATransactionHearsOnlyTheWritesAfterIt) {
  for (const bool another : {false, true}) {
    SCOPED_TRACE(another ? "with another subscription recording" : "alone");
    std::optional<relstore::subscription> earlier;
    std::vector<std::int64_t> heard_earlier;
    if (another) {
      earlier = db.on<Customer>(relstore::on_create_event,
                                [&](const relstore::event<Customer>& e) { heard_earlier.push_back(e.after->id); });
    }
    const std::int64_t base = another ? 50 : 40;
    std::vector<std::int64_t> heard;
    {
      auto tx = db.begin();
      ASSERT_TRUE(db.repo<Customer>().create({.id = base, .name = "before"}));
      auto late = db.on<Customer>(relstore::on_create_event,
                                  [&](const relstore::event<Customer>& e) { heard.push_back(e.after->id); });
      ASSERT_TRUE(db.repo<Customer>().create({.id = base + 1, .name = "after"}));
      ASSERT_TRUE(tx.commit());
    }
    EXPECT_EQ(heard, (std::vector<std::int64_t>{base + 1}));
    if (another) {
      EXPECT_EQ(heard_earlier, (std::vector<std::int64_t>{base, base + 1}));
    }
  }
}

// A subscription taken by a callback does not hear the event being
// delivered, nor the others of the same commit; it hears the next write.
TEST_F(Observer, ASubscriptionTakenInACallbackHearsTheNextWriteOnly) {
  std::vector<std::int64_t> heard;
  std::optional<relstore::subscription> late;
  auto first = db.on<Customer>(relstore::on_create_event, [&](const relstore::event<Customer>&) {
    if (late) return;
    late = db.on<Customer>(relstore::on_create_event,
                           [&](const relstore::event<Customer>& e) { heard.push_back(e.after->id); });
  });
  ASSERT_TRUE(db.repo<Customer>().create_all({{.id = 60, .name = "a"}, {.id = 61, .name = "b"}}));
  EXPECT_TRUE(heard.empty()) << "60 was being delivered, 61 was recorded before the subscription";
  ASSERT_TRUE(db.repo<Customer>().create({.id = 62, .name = "c"}));
  EXPECT_EQ(heard, (std::vector<std::int64_t>{62}));
}

TEST_F(Observer, AMaskSelectsKindsAndADestroyedSubscriptionStops) {
  auto deletes = watch<Customer>("Customer", relstore::on_delete_event);
  ASSERT_TRUE(db.repo<Customer>().create({.id = 30, .name = "x"}));
  ASSERT_TRUE(db.repo<Customer>().delete_by_id(30));
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].kind, event_kind::deleted);
  deletes.reset();
  EXPECT_FALSE(deletes.active());
  ASSERT_TRUE(db.repo<Customer>().delete_by_id(bob.id));
  EXPECT_EQ(log.size(), 1u);
}

// An observer may read (it sees the committed state) and write: its writes
// commit at once and their events come after those already queued.
TEST_F(Observer, ACallbackMayReadAndWriteItsEventsComeLater) {
  std::vector<std::string> order;
  auto orders = db.on<Order>(relstore::on_delete_event, [&](const relstore::event<Order>& e) {
    order.push_back("order " + std::to_string(e.before->id));
    EXPECT_FALSE(db.repo<Order>().exists(e.before->id)) << "reads see the committed state";
    if (e.before->id == o1.id) {
      EXPECT_TRUE(db.repo<Customer>().create({.id = 90, .name = "written by an observer"}));
    }
  });
  auto customers = db.on<Customer>(
      [&](const relstore::event<Customer>& e) { order.push_back("customer " + std::to_string(e.after->id)); });
  ASSERT_TRUE(db.repo<Order>().delete_all());
  EXPECT_EQ(order, (std::vector<std::string>{"order 1", "order 2", "customer 90"}));
  EXPECT_TRUE(db.repo<Customer>().exists(90));
}

// Rows deleted together come to an observer in key order, whatever order
// they are stored in (neither the order they were created in nor the
// foreign key index's order, here).
TEST_F(Observer, ADeleteOfManyDeliversItsEventsInKeyOrderWhateverTheStorageOrder) {
  auto lines = db.repo<Order>().related<"lines">(o2.id);
  const auto add = [&] {
    for (const std::int64_t id : {20, 30, 10}) ASSERT_TRUE(lines.create({.id = id, .sku = "x"}));
  };
  auto deletes = watch<OrderLine>("line", relstore::on_delete_event);
  const auto ids = [&] {
    std::vector<std::int64_t> out;
    for (const seen& s : log) out.push_back(s.id);
    log.clear();
    return out;
  };
  const std::vector<std::int64_t> key_order{10, 20, 30};
  add();
  ASSERT_EQ(lines.delete_all(relstore::field(&OrderLine::sku) == std::string("x")).value(), 3u);
  EXPECT_EQ(ids(), key_order) << "through a constrained view";
  add();
  ASSERT_EQ(db.repo<OrderLine>().delete_all(relstore::field(&OrderLine::sku) == std::string("x")).value(), 3u);
  EXPECT_EQ(ids(), key_order) << "through the model's repository";
}

// update_by_id and replace_by_id return the entity as their own write left
// it, though a callback their event wakes changes it again or deletes it.
TEST_F(Observer, AnUpdateReturnsWhatItWroteWhateverItsCallbacksDoNext) {
  auto rewrite = db.on<Order>(relstore::on_update_event, [&](const relstore::event<Order>& e) {
    if (e.after->note != "by observer") {
      EXPECT_TRUE(
          db.repo<Order>().update_by_id(e.after->id, relstore::patch<Order>{}.set(&Order::note, "by observer")));
    }
  });
  auto patched = db.repo<Order>().update_by_id(o1.id, relstore::patch<Order>{}.set(&Order::note, "patched"));
  ASSERT_TRUE(patched) << patched.error();
  EXPECT_EQ(patched->note, "patched");
  EXPECT_EQ(db.repo<Order>().find_by_id(o1.id)->note, "by observer");
  rewrite.reset();

  auto remove = db.on<Order>(relstore::on_update_event, [&](const relstore::event<Order>& e) {
    EXPECT_TRUE(db.repo<Order>().delete_by_id(e.after->id));
  });
  Order o = o2;
  o.note = "replaced";
  auto replaced = db.repo<Order>().replace_by_id(o2.id, o);
  ASSERT_TRUE(replaced) << replaced.error();
  EXPECT_EQ(replaced->note, "replaced");
  EXPECT_EQ(replaced->id, o2.id);
  auto gone = db.repo<Order>().update_by_id(o1.id, relstore::patch<Order>{}.set(&Order::total, 7.0));
  ASSERT_TRUE(gone) << gone.error();
  EXPECT_EQ(gone->total, 7.0);
  EXPECT_FALSE(db.repo<Order>().exists(o1.id));
  EXPECT_FALSE(db.repo<Order>().exists(o2.id));
}

// A transaction begun in a callback and committed there delivers its events
// after the callback; one left open is misuse, reported before any of its
// events is delivered (they were once delivered, and later a rolled-back
// write's too).
struct misuse : std::runtime_error {
  using std::runtime_error::runtime_error;
};
void throw_on_assert(const char*, const char* message, const char*, int) { throw misuse(message); }

TEST_F(Observer, ATransactionBegunInACallbackMustEndThere) {
  auto orders = watch<Order>("Order");
  bool once = true;
  auto committed = db.on<Customer>(relstore::on_create_event, [&](const relstore::event<Customer>& e) {
    if (!std::exchange(once, false)) return;
    auto tx = db.begin();
    ASSERT_TRUE(db.repo<Order>().create({.customerId = e.after->id, .total = 1}));
    ASSERT_TRUE(tx.commit());
    EXPECT_TRUE(log.empty()) << "delivered after the callback returns";
  });
  ASSERT_TRUE(db.repo<Customer>().create({.name = "Cy"}));
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].kind, event_kind::created);
  committed.reset();

  log.clear();
  std::optional<relstore::transaction<schema>> left_open;
  auto leaves = db.on<Customer>(relstore::on_create_event, [&](const relstore::event<Customer>& e) {
    left_open.emplace(db.begin());
    (void)db.repo<Order>().create({.customerId = e.after->id, .total = 2});
  });
  auto previous = relstore::set_assert_handler(&throw_on_assert);
  EXPECT_THROW((void)db.repo<Customer>().create({.name = "Di"}), misuse);
  relstore::set_assert_handler(previous);
  EXPECT_TRUE(log.empty()) << "nothing of the open transaction is delivered";
  leaves.reset();
  left_open->rollback();
}

TEST_F(Observer, ACallbackMayUnsubscribeItself) {
  int calls = 0;
  relstore::subscription self;
  self = db.on<Customer>([&](const relstore::event<Customer>&) {
    ++calls;
    self.reset();
  });
  ASSERT_TRUE(db.repo<Customer>().create({.name = "a"}));
  ASSERT_TRUE(db.repo<Customer>().create({.name = "b"}));
  EXPECT_EQ(calls, 1);
}

// Regression: a load (which assigns a fresh store) and an assignment
// dropped the store's subscriptions: they stayed active() and never fired
// again.
TEST_F(Observer, SubscriptionsOutliveALoadAndAnAssignment) {
  auto sub = watch<Customer>("Customer");
  std::stringstream saved;
  ASSERT_TRUE(relstore::save(db, saved));
  ASSERT_TRUE(db.repo<Customer>().create({.name = "c"}));
  ASSERT_TRUE(relstore::load(db, saved));
  EXPECT_EQ(log.size(), 1u);  // the load itself delivers nothing
  const auto d = db.repo<Customer>().create({.name = "d"});
  ASSERT_TRUE(d);
  store other = db;  // a copy has no subscription
  ASSERT_TRUE(other.repo<Customer>().create({.name = "e"}));
  db = other;
  ASSERT_TRUE(db.repo<Customer>().delete_by_id(d->id));
  db = std::move(other);
  ASSERT_TRUE(db.repo<Customer>().create({.name = "f"}));
  std::vector<event_kind> kinds;
  for (const seen& s : log) kinds.push_back(s.kind);
  EXPECT_EQ(kinds, (std::vector<event_kind>{event_kind::created, event_kind::created, event_kind::deleted,
                                            event_kind::created}));
  store moved = std::move(db);  // a moved-to store takes them
  ASSERT_TRUE(moved.repo<Customer>().create({.name = "g"}));
  EXPECT_EQ(log.size(), 5u);
  EXPECT_TRUE(sub.active());
}

// Regression: each event called a copy of the callback, so a callback's
// own state (a mutable lambda's captures, a functor's members) started
// afresh for every event (helper-55).
TEST_F(Observer, ACallbackKeepsItsStateFromEventToEvent) {
  std::vector<int> counts;
  auto sub = db.on<Customer>([&counts, n = 0](const relstore::event<Customer>&) mutable { counts.push_back(++n); });
  ASSERT_TRUE(db.repo<Customer>().create({.name = "a"}));
  ASSERT_TRUE(db.repo<Customer>().create({.name = "b"}));
  ASSERT_TRUE(db.repo<Customer>().create({.name = "c"}));
  EXPECT_EQ(counts, (std::vector<int>{1, 2, 3}));
}

// Regression: a callback that assigned (or loaded) the store it observes
// reset the journal under the running delivery: the events after its own
// were lost, and its next write was delivered inside it (helper-55).
TEST_F(Observer, ACallbackThatReplacesItsStoreStillGetsEveryEventInTurn) {
  std::stringstream saved;
  ASSERT_TRUE(relstore::save(store{}, saved));
  const std::string blank_file = saved.str();
  using replace_fn = void (*)(store&, const std::string&);
  const replace_fn replacements[] = {
      [](store& s, const std::string&) { s = store{}; },
      [](store& s, const std::string&) {
        store fresh;
        s = std::move(fresh);
      },
      [](store& s, const std::string& file) {
        std::istringstream in(file);
        ASSERT_TRUE(relstore::load(s, in));
      },
  };
  for (const replace_fn replace : replacements) {
    int depth = 0;
    std::vector<std::string> trace;
    bool once = true;
    auto sub = db.on<Customer>(relstore::on_create_event, [&](const relstore::event<Customer>& e) {
      ++depth;
      trace.push_back(e.after->name + "@" + std::to_string(depth));
      if (std::exchange(once, false)) {
        replace(db, blank_file);
        ASSERT_TRUE(db.repo<Customer>().create({.name = "from-callback"}));
      }
      --depth;
    });
    {
      auto tx = db.begin();
      ASSERT_TRUE(db.repo<Customer>().create({.name = "first"}));
      ASSERT_TRUE(db.repo<Customer>().create({.name = "second"}));
      ASSERT_TRUE(tx.commit());
    }
    EXPECT_EQ(trace, (std::vector<std::string>{"first@1", "second@1", "from-callback@1"}));
    EXPECT_EQ(db.size<Customer>(), 1u);  // the replacement's entities, and the callback's write
  }
}

// Regression: a store moved into a new one from inside its own callback
// left the new store "delivering" for good: it never delivered an event
// again, and its queue grew with every write (helper-55).
TEST_F(Observer, AStoreMovedFromInsideItsCallbackKeepsDelivering) {
  std::optional<store> moved;
  int customers = 0;
  auto count = db.on<Customer>([&](const relstore::event<Customer>&) { ++customers; });
  bool once = true;
  auto mover = db.on<Order>(relstore::on_create_event, [&](const relstore::event<Order>&) {
    if (std::exchange(once, false)) moved.emplace(std::move(db));
  });
  {
    auto tx = db.begin();
    ASSERT_TRUE(db.repo<Customer>().related<"orders">(ada.id).create({.total = 5}));
    ASSERT_TRUE(db.repo<Customer>().create({.name = "pending"}));  // not reached when the store moves
    ASSERT_TRUE(tx.commit());
  }
  ASSERT_TRUE(moved.has_value());
  EXPECT_EQ(customers, 0);
  ASSERT_TRUE(moved->repo<Customer>().create({.name = "c"}));  // delivers "pending" first
  EXPECT_EQ(customers, 2);
  {
    auto tx = moved->begin();
    ASSERT_TRUE(moved->repo<Customer>().create({.name = "d"}));
    ASSERT_TRUE(tx.commit());
  }
  EXPECT_EQ(customers, 3);

  // The moved-from store goes on too: a write made on it in that callback,
  // after the move, is delivered in turn (it was one write late for good).
  store source;
  std::optional<store> taken;
  std::vector<std::string> names;
  relstore::subscription later;
  bool first = true;
  auto mover2 = source.on<Customer>([&](const relstore::event<Customer>&) {
    if (!std::exchange(first, false)) return;
    taken.emplace(std::move(source));
    later = source.on<Customer>([&](const relstore::event<Customer>& e) { names.push_back(e.after->name); });
    ASSERT_TRUE(source.repo<Customer>().create({.name = "inner"}));
  });
  ASSERT_TRUE(source.repo<Customer>().create({.name = "first"}));
  EXPECT_EQ(names, (std::vector<std::string>{"inner"}));
  ASSERT_TRUE(source.repo<Customer>().create({.name = "later"}));
  EXPECT_EQ(names, (std::vector<std::string>{"inner", "later"}));
}

TEST_F(Observer, ASubscriptionOutlivingItsStoreIsHarmless) {
  relstore::subscription sub;
  {
    store other;
    sub = other.on<Customer>([](const relstore::event<Customer>&) {});
    EXPECT_TRUE(sub.active());
  }
  EXPECT_FALSE(sub.active());
  sub.reset();
}

}  // namespace

}  // namespace observer_test
