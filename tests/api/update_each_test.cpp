// update_each: a callback changes matched entities in place, all or nothing;
// a key, foreign key or indexed field it changes is refused with the store
// unchanged; observers and transactions see it as any update.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "common/shop_schema.hpp"
#include "common/shop_world.hpp"
#include "relstore/subscription.hpp"

namespace update_each_test {

namespace {

using namespace shop;
using relstore::errc;
using relstore::field;
using relstore::writes;

class UpdateEach : public test::ShopWorld {
 protected:
  void SetUp() override {
    ShopWorld::SetUp();
    o3 = db.repo<Customer>().related<"orders">(bob.id).create({.total = 3, .note = "third"}).value();
  }
  double total(std::int64_t id) const { return db.repo<Order>().find_by_id(id)->total; }
  Order o3;
};

TEST_F(UpdateEach, ChangesTheMatchedEntitiesAndNoOther) {
  auto n = db.repo<Order>().update_each(field(&Order::total) > 1.5, [](Order& o) {
    o.total += 10;
    o.note += "!";
  });
  ASSERT_TRUE(n) << n.error();
  EXPECT_EQ(*n, 2u);
  EXPECT_EQ(total(o1.id), 1);
  EXPECT_EQ(total(o2.id), 12);
  EXPECT_EQ(total(o3.id), 13);
  EXPECT_EQ(db.repo<Order>().find_by_id(o3.id)->note, "third!");
  EXPECT_EQ(db.repo<Order>().find_by_id(o1.id)->note, "first");
  EXPECT_EQ(*db.repo<Order>().update_each(field(&Order::total) > 100, [](Order& o) { o.total = 0; }), 0u);
}

TEST_F(UpdateEach, AConstrainedViewTouchesOnlyItsParentsChildren) {
  auto n = db.repo<Customer>().related<"orders">(ada.id).update_each({}, [](Order& o) { o.total *= 2; });
  ASSERT_TRUE(n) << n.error();
  EXPECT_EQ(*n, 2u);
  EXPECT_EQ(total(o1.id), 2);
  EXPECT_EQ(total(o2.id), 4);
  EXPECT_EQ(total(o3.id), 3) << "Bob's order is not Ada's";
  auto none = db.repo<Customer>().related<"orders">(bob.id).update_each(field(&Order::total) > 5,
                                                                        [](Order& o) { o.total = -1; });
  EXPECT_EQ(*none, 0u);
  EXPECT_EQ(total(o3.id), 3);
}

TEST_F(UpdateEach, TheNamedFormGetsOnlyTheNamedFields) {
  auto n = db.repo<Order>().update_each({}, writes<&Order::total, &Order::note>, [](double& t, std::string& note) {
    t += 1.0;
    note = "n" + note;
  });
  ASSERT_TRUE(n) << n.error();
  EXPECT_EQ(*n, 3u);
  EXPECT_EQ(total(o1.id), 2);
  EXPECT_EQ(db.repo<Order>().find_by_id(o2.id)->note, "nsecond");
  auto kids =
      db.repo<Customer>().related<"orders">(bob.id).update_each({}, writes<&Order::total>, [](double& t) { t = 7; });
  EXPECT_EQ(*kids, 1u);
  EXPECT_EQ(total(o3.id), 7);
  EXPECT_EQ(total(o2.id), 3);
}

// Every row before the offending one has changed by then: all come back.
TEST_F(UpdateEach, ChangingAForeignKeyIsRefusedAndChangesNothing) {
  const store before = db;
  auto r = db.repo<Order>().update_each({}, [&](Order& o) {
    o.total += 1;
    o.note = "changed";
    if (o.id == o2.id) o.customerId = bob.id;
  });
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::invalid_argument);
  EXPECT_EQ(r.error().message(),
            "Order 2: update_each changed Order.customerId (1 -> 2); keys, foreign keys and "
            "indexed fields cannot change in place (use update_by_id)");
  EXPECT_TRUE(db == before);
  EXPECT_EQ(db.repo<Customer>().related<"orders">(ada.id).count().value(), 2u) << "the index still finds them";
}

TEST_F(UpdateEach, ChangingAPrimaryKeyANullableKeyOrAKeyFromIsRefused) {
  const store before = db;
  auto pk = db.repo<Order>().update_each({}, [](Order& o) { o.id += 100; });
  ASSERT_FALSE(pk);
  EXPECT_NE(pk.error().message().find("changed Order.id"), std::string::npos) << pk.error().message();
  auto coupon_key = db.repo<Order>().update_each({}, [](Order& o) { o.couponId.reset(); });
  ASSERT_FALSE(coupon_key);
  EXPECT_NE(coupon_key.error().message().find("Order.couponId (1 -> null)"), std::string::npos)
      << coupon_key.error().message();
  EXPECT_TRUE(db == before);
  EXPECT_EQ(db.repo<Order>().find_by_id(o1.id)->id, o1.id);

  ASSERT_TRUE(db.repo<Account>().create({.code = "A"}));
  auto key_from = db.repo<Account>().update_each({}, [](Account& a) { a.code = "B"; });
  ASSERT_FALSE(key_from);
  EXPECT_NE(key_from.error().message().find("Account.code (\"A\" -> \"B\")"), std::string::npos)
      << key_from.error().message();
  EXPECT_EQ(db.repo<Account>().find_one()->value.code, "A");
}

TEST_F(UpdateEach, ObserversSeeEachChangedEntityAndNothingForARefusal) {
  std::vector<std::string> seen;
  auto sub = db.on<Order>([&](const relstore::event<Order>& e) {
    seen.push_back(std::string(to_string(e.kind)) + " " + std::to_string(e.before->id) + " " +
                   std::to_string(e.before->total) + ">" + std::to_string(e.after->total));
  });
  auto n = db.repo<Order>().update_each({}, [](Order& o) {
    if (o.total > 1.5) o.total += 1;
  });
  ASSERT_TRUE(n) << n.error();
  EXPECT_EQ(*n, 3u);
  EXPECT_EQ(seen, (std::vector<std::string>{"updated 2 2.000000>3.000000", "updated 3 3.000000>4.000000"}))
      << "in key order, none for the unchanged o1";

  seen.clear();
  const store before = db;
  auto r = db.repo<Order>().update_each({}, [](Order& o) {
    o.total = 0;
    o.customerId = 99;
  });
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::invalid_argument);
  EXPECT_TRUE(seen.empty());
  EXPECT_TRUE(db == before);
}

// The named form over every entity takes a one-pass path when nothing
// observes it; with a subscriber it still reports each changed entity.
TEST_F(UpdateEach, TheNamedFormOverEveryEntityIsObservedToo) {
  std::vector<std::int64_t> seen;
  auto sub = db.on<Order>([&](const relstore::event<Order>& e) { seen.push_back(e.after->id); });
  auto n = db.repo<Order>().update_each({}, writes<&Order::total>, [](double& t) {
    if (t > 1.5) t *= 10;
  });
  ASSERT_TRUE(n) << n.error();
  EXPECT_EQ(*n, 3u);
  EXPECT_EQ(seen, (std::vector<std::int64_t>{o2.id, o3.id})) << "in key order, none for the unchanged o1";
  EXPECT_EQ(total(o2.id), 20);
  sub = {};
  ASSERT_TRUE(db.repo<Order>().update_each({}, writes<&Order::total>, [](double& t) { t += 1; }));
  EXPECT_EQ(total(o1.id), 2);
  EXPECT_EQ(total(o3.id), 31);
  EXPECT_EQ(seen.size(), 2u);
}

TEST_F(UpdateEach, ATransactionRollsItBack) {
  const store before = db;
  {
    auto tx = db.begin();
    ASSERT_TRUE(db.repo<Order>().update_each({}, [](Order& o) { o.note = "tx"; }));
    ASSERT_TRUE(db.repo<Order>().update_each({}, writes<&Order::total>, [](double& t) { t = -1; }));
    EXPECT_EQ(total(o1.id), -1) << "reads inside see the transaction's writes";
    auto refused = db.repo<Order>().update_each({}, [](Order& o) { o.id = 0; });
    ASSERT_FALSE(refused);
    EXPECT_EQ(db.repo<Order>().find_by_id(o2.id)->note, "tx") << "a refused write keeps the earlier ones";
    tx.rollback();
  }
  EXPECT_TRUE(db == before);
}

}  // namespace

}  // namespace update_each_test
