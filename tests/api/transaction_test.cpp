// Transactions and savepoints: all or nothing over many writes, cascades
// included; deferred foreign keys checked at commit.
#include "relstore/transaction.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>

#include "common/shop_schema.hpp"
#include "common/shop_world.hpp"
#include "common/test_helpers.hpp"
#include "relstore/snapshot.hpp"

namespace transaction_test {

namespace {

using namespace shop;
using relstore::errc;
using test::has;

class Transaction : public test::ShopWorld {};

// Writes of every kind through several repositories, a cascade and a set-null.
void busy(store& db, const Customer& ada, const Coupon& coupon, const Order& o1) {
  ASSERT_TRUE(db.repo<Customer>().create({.name = "Cy"}));
  ASSERT_TRUE(db.repo<Customer>().related<"orders">(ada.id).create({.total = 99}));
  ASSERT_TRUE(db.repo<Order>().update_all(relstore::patch<Order>{}.set(&Order::note, "changed")));
  ASSERT_TRUE(db.repo<Order>().delete_by_id(o1.id));       // cascades its lines
  ASSERT_TRUE(db.repo<Coupon>().delete_by_id(coupon.id));  // sets couponId null
  ASSERT_TRUE(db.repo<Employee>().create_all({{.id = 1, .name = "boss"}, {.id = 2, .name = "w", .managerId = 1}}));
}

TEST_F(Transaction, RollbackRestoresTheStoreFieldByFieldAndItsKeys) {
  const store before = db;
  auto tx = db.begin();
  busy(db, ada, coupon, o1);
  EXPECT_EQ(db.size<OrderLine>(), 1u) << "reads inside see the transaction's writes";
  tx.rollback();
  EXPECT_FALSE(tx.open());
  EXPECT_TRUE(db == before);
  EXPECT_EQ(db.repo<Customer>().create({.name = "next"})->id, 3) << "automatic keys are restored too";
}

TEST_F(Transaction, CommitKeepsEveryWrite) {
  store expected = db;
  busy(expected, ada, coupon, o1);
  auto tx = db.begin();
  busy(db, ada, coupon, o1);
  ASSERT_TRUE(tx.commit());
  EXPECT_FALSE(tx.open());
  EXPECT_TRUE(db == expected);
}

TEST_F(Transaction, AHandleDestroyedOpenRollsBack) {
  const store before = db;
  {
    auto tx = db.begin();
    busy(db, ada, coupon, o1);
  }
  EXPECT_TRUE(db == before);
}

TEST_F(Transaction, AFailedWriteInsideUndoesOnlyItself) {
  auto tx = db.begin();
  ASSERT_TRUE(db.repo<Customer>().create({.name = "kept"}));
  auto bad = db.repo<Customer>().create_all({{.name = "a"}, {.id = ada.id, .name = "dup"}});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, errc::already_exists);
  ASSERT_TRUE(tx.commit());
  EXPECT_EQ(db.size<Customer>(), 3u) << "Ada, Bob and kept; the batch left nothing";
}

TEST_F(Transaction, TheCallbackFormCommitsRollsBackAndRethrows) {
  const store before = db;
  auto ok = db.transaction([&](auto& tx) -> relstore::result<void> {
    return tx.template repo<Customer>().create({.name = "in"}).transform([](const Customer&) {});
  });
  ASSERT_TRUE(ok);
  EXPECT_EQ(db.size<Customer>(), 3u);

  const store after_ok = db;
  auto refused = db.transaction([&](auto&) -> relstore::result<void> {
    if (!db.repo<Customer>().create({.name = "gone"})) return relstore::make_error(errc::invalid_argument, "no");
    return relstore::make_error(errc::constraint_violation, "a check failed");
  });
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().message(), "a check failed");
  EXPECT_TRUE(db == after_ok);

  EXPECT_THROW((void)db.transaction([&](auto&) -> relstore::result<void> {
    (void)db.repo<Customer>().create({.name = "thrown"});
    throw std::runtime_error("boom");
  }),
               std::runtime_error);
  EXPECT_TRUE(db == after_ok);
  EXPECT_FALSE(db == before);

  // Regression: fn that ended tx itself and returned success hit an assert
  // (the helper's own commit of an ended transaction).
  auto committed = db.transaction([&](auto& tx) -> relstore::result<void> {
    if (!tx.template repo<Customer>().create({.name = "early"}))
      return relstore::make_error(errc::invalid_argument, "no");
    return tx.commit();
  });
  ASSERT_TRUE(committed) << committed.error().message();
  EXPECT_EQ(db.size<Customer>(), 4u);
  auto abandoned = db.transaction([&](auto& tx) -> relstore::result<void> {
    (void)tx.template repo<Customer>().create({.name = "dropped"});
    tx.rollback();
    return {};
  });
  ASSERT_TRUE(abandoned);
  EXPECT_EQ(db.size<Customer>(), 4u);
}

TEST_F(Transaction, SavepointsNestAndRollBackToTheirStart) {
  auto tx = db.begin();
  ASSERT_TRUE(db.repo<Customer>().create({.id = 10, .name = "outer"}));
  auto sp = tx.savepoint();
  ASSERT_TRUE(db.repo<Customer>().create({.id = 11, .name = "inner"}));
  {
    auto deeper = tx.savepoint();
    ASSERT_TRUE(db.repo<Order>().delete_by_id(o1.id));
  }  // destroyed open: rolled back
  EXPECT_TRUE(db.repo<Order>().exists(o1.id));
  sp.rollback();
  EXPECT_TRUE(sp.open()) << "ROLLBACK TO keeps the savepoint";
  EXPECT_FALSE(db.repo<Customer>().exists(11));
  EXPECT_TRUE(db.repo<Customer>().exists(10));
  ASSERT_TRUE(db.repo<Customer>().create({.id = 12, .name = "again"}));
  auto inner = tx.savepoint();
  ASSERT_TRUE(db.repo<Customer>().create({.id = 13, .name = "released"}));
  sp.rollback();
  EXPECT_FALSE(inner.open()) << "rolling back an outer savepoint ends the inner ones";
  EXPECT_FALSE(db.repo<Customer>().exists(12));
  ASSERT_TRUE(db.repo<Customer>().create({.id = 14, .name = "kept"}));
  sp.release();
  ASSERT_TRUE(tx.commit());
  EXPECT_TRUE(db.repo<Customer>().exists(10));
  EXPECT_TRUE(db.repo<Customer>().exists(14));
  EXPECT_FALSE(db.repo<Customer>().exists(13));
}

// Regression: an assignment (a load is one) copied the other store's
// transaction and savepoint counters, so an ended handle matched the next
// transaction again: destroying it rolled that one back.
TEST_F(Transaction, HandlesEndedBeforeALoadOrAnAssignmentStayEnded) {
  std::stringstream saved;
  ASSERT_TRUE(relstore::save(db, saved));
  const store other = db;
  std::optional<relstore::transaction<shop::schema>> ended(db.begin());
  std::optional<relstore::savepoint<shop::schema>> released(ended->savepoint());
  released->release();
  ASSERT_TRUE(ended->commit());
  for (int how = 0; how < 3; ++how) {
    SCOPED_TRACE(how);
    if (how == 0) {
      ASSERT_TRUE(relstore::load(db, saved));
    } else if (how == 1) {
      db = other;
    } else {
      db = store(other);
    }
    auto tx = db.begin();
    auto sp = tx.savepoint();
    ASSERT_TRUE(db.repo<Customer>().create({.id = 20 + how, .name = "kept"}));
    EXPECT_FALSE(ended->open());
    EXPECT_FALSE(released->open());
    ASSERT_TRUE(tx.commit());
    EXPECT_TRUE(db.repo<Customer>().exists(20 + how));
  }
  released.reset();  // ended: does nothing
  ended.reset();
  EXPECT_TRUE(db.repo<Customer>().exists(22)) << "the last transaction's write stays";
}

TEST_F(Transaction, DeferredForeignKeysAllowChildrenFirstAndCheckAtCommit) {
  auto tx = db.begin({.deferred_foreign_keys = true});
  ASSERT_TRUE(db.repo<Order>().create({.id = 50, .customerId = 77, .total = 1}));
  ASSERT_TRUE(db.repo<Employee>().create({.id = 5, .name = "w", .managerId = 6}));
  ASSERT_TRUE(db.repo<Employee>().create({.id = 6, .name = "m", .managerId = 5})) << "a cycle, row by row";
  ASSERT_TRUE(db.repo<Customer>().create({.id = 77, .name = "late parent"}));
  ASSERT_TRUE(tx.commit());
  EXPECT_TRUE(db.repo<Order>().exists(50));
}

TEST_F(Transaction, ADanglingKeyAtCommitRollsEverythingBackNamingTheRow) {
  const store before = db;
  auto tx = db.begin({.deferred_foreign_keys = true});
  ASSERT_TRUE(db.repo<Customer>().create({.name = "Cy"}));
  ASSERT_TRUE(db.repo<Order>().create({.id = 50, .customerId = 78, .total = 1}));
  auto r = tx.commit();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::foreign_key_violation);
  EXPECT_TRUE(has(r.error().message(), "Order id 50: Order.customerId = 78: no Customer with id 78"))
      << r.error().message();
  EXPECT_FALSE(tx.open());
  EXPECT_TRUE(db == before);
}

TEST_F(Transaction, DeferredKeysStillApplyRestrictAtTheDelete) {
  auto tx = db.begin({.deferred_foreign_keys = true});
  auto r = db.repo<Customer>().delete_by_id(ada.id);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::restrict_violation);
  ASSERT_TRUE(
      db.repo<Customer>().update_by_id(bob.id, relstore::patch<Customer>{}.set(&Customer::id, std::int64_t{40})))
      << "a key change is checked at commit, like any key";
  ASSERT_TRUE(tx.commit());
}

TEST_F(Transaction, AParentKeyChangedUnderItsChildrenFailsTheDeferredCommit) {
  auto tx = db.begin({.deferred_foreign_keys = true});
  ASSERT_TRUE(
      db.repo<Customer>().update_by_id(ada.id, relstore::patch<Customer>{}.set(&Customer::id, std::int64_t{41})));
  auto r = tx.commit();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::foreign_key_violation);
  EXPECT_TRUE(db.repo<Customer>().exists(ada.id));
}

struct misuse : std::runtime_error {
  using std::runtime_error::runtime_error;
};
void throw_on_assert(const char*, const char* message, const char*, int) { throw misuse(message); }

TEST_F(Transaction, MisuseIsAnAssertion) {
  auto previous = relstore::set_assert_handler(&throw_on_assert);
  {
    auto tx = db.begin();
    EXPECT_THROW((void)db.begin(), misuse) << "two open transactions";
    ASSERT_TRUE(tx.commit());
    EXPECT_THROW((void)tx.commit(), misuse) << "a handle used after commit";
    EXPECT_THROW(tx.rollback(), misuse);
    EXPECT_THROW((void)tx.savepoint(), misuse);
    auto later = db.begin();
    EXPECT_FALSE(tx.open()) << "an ended handle does not reach a later transaction";
    later.rollback();
  }
  relstore::set_assert_handler(previous);
}

}  // namespace

}  // namespace transaction_test
