// The integrity of each write (detail/integrity.hpp): foreign key checks on
// every write path, key changes, self-parented rows and unique key_from
// fields. Every rejected write leaves the store exactly as it was (the strong
// guarantee): each one is followed by `db == before`.
#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/shop_schema.hpp"
#include "common/shop_world.hpp"
#include "common/test_helpers.hpp"

namespace integrity_test {

namespace {

using relstore::errc;
using relstore::field;
using shop::Account;
using shop::Coupon;
using shop::Customer;
using shop::Employee;
using shop::Order;
using shop::OrderLine;
using shop::Session;
using test::has;

class Integrity : public test::ShopWorld {};

// ------------------------------------------------------------------ restrict

TEST_F(Integrity, CreateRejectsADanglingForeignKey) {
  const shop::store before = db;
  auto r = db.repo<Order>().create({.customerId = 99});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::foreign_key_violation);
  EXPECT_TRUE(has(r.error().message(), "Order.customerId = 99")) << r.error().message();
  EXPECT_TRUE(has(r.error().message(), "Customer")) << r.error().message();
  EXPECT_TRUE(db == before);
  auto line = db.repo<OrderLine>().create({.orderId = 98, .sku = "x"});
  ASSERT_FALSE(line);
  EXPECT_EQ(line.error().code, errc::foreign_key_violation);
  EXPECT_TRUE(has(line.error().message(), "OrderLine.orderId = 98")) << line.error().message();
  EXPECT_TRUE(db == before);
}

TEST_F(Integrity, ADuplicateKeyIsReportedBeforeADanglingForeignKey) {
  const shop::store before = db;
  auto r = db.repo<Order>().create({.id = o1.id, .customerId = 99});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::already_exists);
  EXPECT_TRUE(db == before);
}

// A create with a dangling key is refused before the write starts (the
// engine's fast refusal): the error is still the one the full write gives.
TEST_F(Integrity, AnEmptyKeyIsReportedBeforeADanglingForeignKey) {
  const shop::store before = db;
  auto r = db.repo<Session>().create({.token = "", .accountCode = "missing"});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::invalid_argument) << r.error().message();
  EXPECT_TRUE(db == before);
  auto dangling = db.repo<Session>().create({.token = "t9", .accountCode = "missing"});
  ASSERT_FALSE(dangling);
  EXPECT_EQ(dangling.error().code, errc::foreign_key_violation);
  EXPECT_TRUE(has(dangling.error().message(), "missing")) << dangling.error().message();
  EXPECT_TRUE(db == before);
}

// Keys above every present key skip the duplicate lookup; one below must not.
TEST_F(Integrity, AnExplicitKeyBelowTheLargestIsCheckedForDuplicatesAndKeptInKeyOrder) {
  auto orders = db.repo<Order>();
  ASSERT_TRUE(orders.create({.id = 100, .customerId = bob.id}));
  const shop::store before = db;
  auto dup = orders.create({.id = o2.id, .customerId = bob.id});
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, errc::already_exists);
  EXPECT_TRUE(has(dup.error().message(), "Order with id " + std::to_string(o2.id))) << dup.error().message();
  EXPECT_TRUE(db == before);
  ASSERT_TRUE(orders.create({.id = 50, .customerId = bob.id}));
  std::vector<std::int64_t> ids;
  for (const auto& r : orders.find().value()) ids.push_back(r->id);
  EXPECT_EQ(ids, (std::vector<std::int64_t>{o1.id, o2.id, 50, 100}));
  EXPECT_EQ(orders.create({.customerId = bob.id}).value().id, 101);  // assigned keys stay above all
  EXPECT_EQ(db.repo<Customer>().related<"orders">(bob.id).count().value(), 3u);
}

// A patch that leaves the foreign key alone still rejects a dangling one
// written in the same call, and one that changes only other fields succeeds.
TEST_F(Integrity, APatchOfOtherFieldsKeepsItsParentAndAForeignKeyChangeIsStillChecked) {
  auto orders = db.repo<Order>();
  ASSERT_TRUE(orders.update_by_id(o1.id, relstore::patch<Order>{}.set(&Order::note, std::string("renamed"))));
  EXPECT_EQ(orders.find_by_id(o1.id).value().customerId, ada.id);
  const shop::store before = db;
  auto r = orders.update_by_id(
      o1.id, relstore::patch<Order>{}.set(&Order::note, std::string("x")).set(&Order::customerId, std::int64_t{77}));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::foreign_key_violation);
  EXPECT_TRUE(has(r.error().message(), "Order.customerId = 77")) << r.error().message();
  EXPECT_TRUE(db == before);
}

TEST_F(Integrity, ReplaceByIdRejectsADanglingForeignKey) {
  const shop::store before = db;
  auto r = db.repo<Order>().replace_by_id(o1.id, {.customerId = 99, .total = 5});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::foreign_key_violation);
  EXPECT_TRUE(has(r.error().message(), "Order.customerId = 99")) << r.error().message();
  EXPECT_TRUE(db == before);
}

TEST_F(Integrity, UpdateByIdRejectsADanglingForeignKey) {
  const shop::store before = db;
  auto r = db.repo<Order>().update_by_id(o1.id, relstore::patch<Order>{}.set(&Order::couponId, 77));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::foreign_key_violation);
  EXPECT_TRUE(has(r.error().message(), "Order.couponId = 77")) << r.error().message();
  EXPECT_TRUE(db == before);
}

TEST_F(Integrity, UpdateAllRejectsADanglingForeignKeyAndChangesNoRow) {
  const shop::store before = db;
  auto r = db.repo<Order>().update_all(relstore::patch<Order>{}.set(&Order::customerId, 99).set(&Order::note, "moved"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::foreign_key_violation);
  EXPECT_TRUE(has(r.error().message(), "Order.customerId = 99")) << r.error().message();
  EXPECT_TRUE(db == before);
  auto lines = db.repo<OrderLine>().update_all(relstore::patch<OrderLine>{}.set(&OrderLine::orderId, 97),
                                               field(&OrderLine::sku) == "c");
  ASSERT_FALSE(lines);
  EXPECT_EQ(lines.error().code, errc::foreign_key_violation);
  EXPECT_TRUE(db == before);
}

TEST_F(Integrity, ConstrainedRepositoryWritesCheckForeignKeys) {
  const shop::store before = db;
  auto missing_parent = db.repo<Customer>().related<"orders">(99).create({.total = 1});
  ASSERT_FALSE(missing_parent);
  EXPECT_EQ(missing_parent.error().code, errc::foreign_key_violation);
  EXPECT_TRUE(has(missing_parent.error().message(), "Order.customerId = 99")) << missing_parent.error().message();
  EXPECT_TRUE(db == before);

  auto orders = db.repo<Customer>().related<"orders">(ada.id);
  auto other_key = orders.create({.couponId = 77});
  ASSERT_FALSE(other_key);
  EXPECT_EQ(other_key.error().code, errc::foreign_key_violation);
  EXPECT_TRUE(has(other_key.error().message(), "Order.couponId = 77")) << other_key.error().message();
  EXPECT_TRUE(db == before);

  auto patched = orders.patch(relstore::patch<Order>{}.set(&Order::couponId, 77));
  ASSERT_FALSE(patched);
  EXPECT_EQ(patched.error().code, errc::foreign_key_violation);
  EXPECT_TRUE(db == before);

  auto batch = orders.create_all({Order{.total = 9}, Order{.couponId = 77}});
  ASSERT_FALSE(batch);
  EXPECT_EQ(batch.error().code, errc::foreign_key_violation);
  EXPECT_TRUE(has(batch.error().message(), "element 1")) << batch.error().message();
  EXPECT_TRUE(db == before);

  auto lines = db.repo<Order>().related<"lines">(96).create({.sku = "x"});
  ASSERT_FALSE(lines);
  EXPECT_EQ(lines.error().code, errc::foreign_key_violation);
  EXPECT_TRUE(db == before);
}

TEST_F(Integrity, ANullOptionalForeignKeyIsAllowedOnEveryWritePath) {
  auto orders = db.repo<Order>();
  auto created = orders.create({.customerId = bob.id, .couponId = std::nullopt});
  ASSERT_TRUE(created) << created.error().message();
  EXPECT_EQ(orders.find_by_id(created->id)->couponId, std::nullopt);
  auto updated = orders.update_by_id(o1.id, relstore::patch<Order>{}.set(&Order::couponId, relstore::null));
  ASSERT_TRUE(updated) << updated.error().message();
  EXPECT_EQ(orders.find_by_id(o1.id)->couponId, std::nullopt);
  auto replaced = orders.replace_by_id(o2.id, {.customerId = ada.id, .total = 7});
  ASSERT_TRUE(replaced) << replaced.error().message();
  EXPECT_EQ(orders.find_by_id(o2.id)->couponId, std::nullopt);
  auto all = orders.update_all(relstore::patch<Order>{}.set(&Order::couponId, std::nullopt));
  ASSERT_TRUE(all) << all.error().message();
  EXPECT_EQ(*all, 3u);
  EXPECT_EQ(orders.count(field(&Order::couponId).is_null()).value(), 3u);
}

TEST_F(Integrity, AModelTargetedByTwoRelationsChecksBothForeignKeys) {
  const shop::store before = db;
  auto bad_coupon = db.repo<Order>().create({.customerId = ada.id, .couponId = 77});
  ASSERT_FALSE(bad_coupon);
  EXPECT_EQ(bad_coupon.error().code, errc::foreign_key_violation);
  EXPECT_TRUE(has(bad_coupon.error().message(), "Order.couponId = 77")) << bad_coupon.error().message();
  EXPECT_TRUE(has(bad_coupon.error().message(), "Coupon.orders")) << bad_coupon.error().message();
  EXPECT_TRUE(db == before);

  auto bad_customer = db.repo<Order>().create({.customerId = 99, .couponId = coupon.id});
  ASSERT_FALSE(bad_customer);
  EXPECT_EQ(bad_customer.error().code, errc::foreign_key_violation);
  EXPECT_TRUE(has(bad_customer.error().message(), "Order.customerId = 99")) << bad_customer.error().message();
  EXPECT_TRUE(has(bad_customer.error().message(), "Customer.orders")) << bad_customer.error().message();
  EXPECT_TRUE(db == before);

  auto good = db.repo<Order>().create({.customerId = bob.id, .couponId = spare.id});
  ASSERT_TRUE(good) << good.error().message();
  EXPECT_EQ(db.repo<Order>().belongs_to<"customer">(good->id)->id, bob.id);
  EXPECT_EQ(db.repo<Order>().belongs_to<"coupon">(good->id)->id, spare.id);
}

TEST_F(Integrity, CreateAllMayReferenceEarlierRowsAndItselfButNotLaterOnes) {
  auto employees = db.repo<Employee>();
  auto ok = employees.create_all({Employee{.id = 1, .name = "a"}, Employee{.id = 2, .name = "b", .managerId = 1},
                                  Employee{.id = 3, .managerId = 3}});
  ASSERT_TRUE(ok) << ok.error().message();
  const shop::store before = db;
  auto later = employees.create_all({Employee{.id = 10, .managerId = 11}, Employee{.id = 11, .name = "boss"}});
  ASSERT_FALSE(later);
  EXPECT_EQ(later.error().code, errc::foreign_key_violation);
  EXPECT_TRUE(has(later.error().message(), "element 0")) << later.error().message();
  EXPECT_TRUE(has(later.error().message(), "Employee.managerId = 11")) << later.error().message();
  EXPECT_TRUE(db == before);
}

// ------------------------------------------------------------ key changes

TEST_F(Integrity, AKeyThatOrdersReferenceCannotChangeThroughAnyUpdate) {
  const shop::store before = db;
  auto customers = db.repo<Customer>();
  auto patched = customers.update_by_id(ada.id, relstore::patch<Customer>{}.set(&Customer::id, 50));
  ASSERT_FALSE(patched);
  EXPECT_EQ(patched.error().code, errc::restrict_violation);
  EXPECT_TRUE(has(patched.error().message(), "Customer.id")) << patched.error().message();
  EXPECT_TRUE(has(patched.error().message(), "to 50")) << patched.error().message();
  EXPECT_TRUE(has(patched.error().message(), "2 Order")) << patched.error().message();
  EXPECT_TRUE(has(patched.error().message(), "Customer.orders")) << patched.error().message();
  EXPECT_TRUE(db == before);

  auto replaced = customers.replace_by_id(ada.id, {.id = 50, .name = "Ada"});
  ASSERT_FALSE(replaced);
  EXPECT_EQ(replaced.error().code, errc::restrict_violation);
  EXPECT_TRUE(db == before);

  auto all = customers.update_all(relstore::patch<Customer>{}.set(&Customer::id, 50), field(&Customer::id) == ada.id);
  ASSERT_FALSE(all);
  EXPECT_EQ(all.error().code, errc::restrict_violation);
  EXPECT_TRUE(db == before);
}

TEST_F(Integrity, AKeyIsProtectedWhateverTheRelationsDeletePolicy) {
  const shop::store before = db;
  // Order.lines cascades and Coupon.orders sets null on delete; a key change
  // is still rejected, never cascaded.
  auto order = db.repo<Order>().update_by_id(o1.id, relstore::patch<Order>{}.set(&Order::id, 40));
  ASSERT_FALSE(order);
  EXPECT_EQ(order.error().code, errc::restrict_violation);
  EXPECT_TRUE(has(order.error().message(), "Order.lines")) << order.error().message();
  EXPECT_TRUE(db == before);
  auto cpn = db.repo<Coupon>().update_by_id(coupon.id, relstore::patch<Coupon>{}.set(&Coupon::id, 41));
  ASSERT_FALSE(cpn);
  EXPECT_EQ(cpn.error().code, errc::restrict_violation);
  EXPECT_TRUE(has(cpn.error().message(), "Coupon.orders")) << cpn.error().message();
  EXPECT_TRUE(db == before);
}

TEST_F(Integrity, AKeyWithoutChildrenCanChangeAndTheNewKeyIsFindable) {
  auto customers = db.repo<Customer>();
  auto moved = customers.update_by_id(bob.id, relstore::patch<Customer>{}.set(&Customer::id, 50));
  ASSERT_TRUE(moved) << moved.error().message();
  EXPECT_EQ(moved->id, 50);
  auto found = customers.find_by_id(50);
  ASSERT_TRUE(found) << found.error().message();
  EXPECT_EQ(found->name, "Bob");
  EXPECT_FALSE(customers.exists(bob.id));
  EXPECT_TRUE(customers.related<"orders">(50).create({.total = 1})) << "the new key is a valid parent";
  const shop::store before = db;
  auto old_key = customers.related<"orders">(bob.id).create({.total = 1});
  ASSERT_FALSE(old_key);
  EXPECT_EQ(old_key.error().code, errc::foreign_key_violation);
  EXPECT_TRUE(db == before);
}

TEST_F(Integrity, AKeyChangeToATakenKeyIsAlreadyExists) {
  const shop::store before = db;
  auto r = db.repo<Customer>().update_by_id(bob.id, relstore::patch<Customer>{}.set(&Customer::id, ada.id));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::already_exists);
  EXPECT_TRUE(db == before);
}

TEST_F(Integrity, SettingAReferencedKeyToItsOwnValueIsAllowed) {
  auto customers = db.repo<Customer>();
  auto same = customers.update_by_id(
      ada.id, relstore::patch<Customer>{}.set(&Customer::id, ada.id).set(&Customer::name, "Ada L."));
  ASSERT_TRUE(same) << same.error().message();
  EXPECT_EQ(customers.find_by_id(ada.id)->name, "Ada L.");
  auto replaced = customers.replace_by_id(ada.id, {.id = ada.id, .name = "Ada K."});
  ASSERT_TRUE(replaced) << replaced.error().message();
  EXPECT_EQ(customers.find_by_id(ada.id)->name, "Ada K.");
  EXPECT_EQ(customers.related<"orders">(ada.id).count().value(), 2u);
}

// ------------------------------------------------------------ self-parented rows

TEST_F(Integrity, ASelfParentedEmployeeIsCreatedInOneCreate) {
  auto employees = db.repo<Employee>();
  auto self = employees.create({.id = 7, .name = "self", .managerId = 7});
  ASSERT_TRUE(self) << self.error().message();
  auto manager = employees.belongs_to<"manager">(7);
  ASSERT_TRUE(manager) << manager.error().message();
  EXPECT_EQ(manager->id, 7);
  EXPECT_EQ(employees.related<"reports">(7).count().value(), 1u);
}

TEST_F(Integrity, ASelfParentedEmployeeIsItsOwnChildAndCannotChangeItsId) {
  auto employees = db.repo<Employee>();
  ASSERT_TRUE(employees.create({.id = 7, .name = "self", .managerId = 7}));
  const shop::store before = db;
  auto r = employees.update_by_id(7, relstore::patch<Employee>{}.set(&Employee::id, 8));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::restrict_violation);
  EXPECT_TRUE(has(r.error().message(), "Employee.reports")) << r.error().message();
  EXPECT_TRUE(db == before);
  // Moving both the key and the self reference at once is still a change of
  // a referenced key.
  auto both = employees.update_by_id(7, relstore::patch<Employee>{}.set(&Employee::id, 8).set(&Employee::managerId, 8));
  ASSERT_FALSE(both);
  EXPECT_EQ(both.error().code, errc::restrict_violation);
  EXPECT_TRUE(db == before);
  auto same = employees.update_by_id(7, relstore::patch<Employee>{}.set(&Employee::id, 7).set(&Employee::name, "me"));
  EXPECT_TRUE(same) << "setting its key to its own value is not a change";
}

// ------------------------------------------------------------ key_from fields

TEST_F(Integrity, AnAccountCodeThatSessionsReferenceCannotChange) {
  auto accounts = db.repo<Account>();
  auto acct = accounts.create({.code = "K"}).value();
  ASSERT_TRUE(accounts.related<"sessions">("K").create({.token = "t"}));
  const shop::store before = db;
  auto r = accounts.update_by_id(acct.id, relstore::patch<Account>{}.set(&Account::code, "L"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::restrict_violation);
  EXPECT_TRUE(has(r.error().message(), "Account.code")) << r.error().message();
  EXPECT_TRUE(has(r.error().message(), "Account.sessions")) << r.error().message();
  EXPECT_TRUE(db == before);
  auto replaced = accounts.replace_by_id(acct.id, {.code = "L"});
  ASSERT_FALSE(replaced);
  EXPECT_EQ(replaced.error().code, errc::restrict_violation);
  EXPECT_TRUE(db == before);
}

TEST_F(Integrity, AnAccountIdCanChangeWhileSessionsReferenceItsCode) {
  auto accounts = db.repo<Account>();
  auto acct = accounts.create({.code = "K"}).value();
  auto session = accounts.related<"sessions">("K").create({.token = "t"}).value();
  auto moved = accounts.update_by_id(acct.id, relstore::patch<Account>{}.set(&Account::id, 30));
  ASSERT_TRUE(moved) << moved.error().message();
  EXPECT_EQ(db.repo<Session>().belongs_to<"account">("t")->id, 30);
  EXPECT_EQ(db.repo<Session>().find_by_id("t").value(), session);
}

TEST_F(Integrity, AnAccountCodeWithoutSessionsCanChange) {
  auto accounts = db.repo<Account>();
  auto acct = accounts.create({.code = "K"}).value();
  ASSERT_TRUE(accounts.update_by_id(acct.id, relstore::patch<Account>{}.set(&Account::code, "L")));
  EXPECT_TRUE(accounts.related<"sessions">("L").create({.token = "t"}));
  const shop::store before = db;
  auto old_code = accounts.related<"sessions">("K").create({.token = "u"});
  ASSERT_FALSE(old_code);
  EXPECT_EQ(old_code.error().code, errc::foreign_key_violation);
  EXPECT_TRUE(has(old_code.error().message(), "Session.accountCode = \"K\"")) << old_code.error().message();
  EXPECT_TRUE(db == before);
}

TEST_F(Integrity, ADuplicateAccountCodeIsAlreadyExists) {
  auto accounts = db.repo<Account>();
  ASSERT_TRUE(accounts.create({.code = "K"}));
  auto other = accounts.create({.code = "M"}).value();
  const shop::store before = db;
  auto dup = accounts.create({.code = "K"});
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, errc::already_exists);
  EXPECT_TRUE(has(dup.error().message(), "Account.code = \"K\"")) << dup.error().message();
  EXPECT_TRUE(db == before);
  auto changed = accounts.update_by_id(other.id, relstore::patch<Account>{}.set(&Account::code, "K"));
  ASSERT_FALSE(changed);
  EXPECT_EQ(changed.error().code, errc::already_exists);
  EXPECT_TRUE(db == before);
  auto batch = accounts.create_all({Account{.code = "N"}, Account{.code = "N"}});
  ASSERT_FALSE(batch);
  EXPECT_EQ(batch.error().code, errc::already_exists);
  EXPECT_TRUE(db == before);
}

// Found by the 10^6-operation differential run: a single-row write that
// moves a row's key and points its self relation at the old key left a
// dangling key (the old row still stood when its parent was looked up).
TEST_F(Integrity, ARowWhoseKeyMovesCannotStayItsOwnOldParent) {
  auto employees = db.repo<Employee>();
  auto e = employees.create({.id = 8, .name = "e"}).value();
  const shop::store before = db;
  auto replaced = employees.replace_by_id(e.id, {.id = 2, .name = "e", .managerId = 8});
  ASSERT_FALSE(replaced);
  EXPECT_EQ(replaced.error().code, errc::foreign_key_violation);
  EXPECT_TRUE(has(replaced.error().message(), "Employee.managerId = 8")) << replaced.error().message();
  EXPECT_TRUE(db == before);
  auto patched = employees.update_by_id(
      e.id, relstore::patch<Employee>{}.set(&Employee::id, std::int64_t{2}).set(&Employee::managerId, 8));
  ASSERT_FALSE(patched);
  EXPECT_EQ(patched.error().code, errc::foreign_key_violation);
  EXPECT_TRUE(db == before);
  // Its new key is fine: a row may be its own parent.
  ASSERT_TRUE(employees.replace_by_id(e.id, {.id = 2, .name = "e", .managerId = 2}));
  EXPECT_EQ(employees.find_by_id(2).value().managerId, 2);
}

// ------------------------------------------------------------ counts

}  // namespace

}  // namespace integrity_test
