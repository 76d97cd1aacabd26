// The deferred messages of errors.hpp: a typed store's rejected write keeps
// its code and key and words the message when it is read, with the same text
// as the eager form, and the error stays readable after the store is gone.
#include "relstore/detail/errors.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/shop_schema.hpp"
#include "relstore/detail/integrity.hpp"

namespace errors_test {

namespace {

using relstore::errc;
using relstore::error;
using relstore::result;
using relstore::value_view;
using shop::Account;
using shop::Customer;
using shop::Order;
using shop::Session;

// Every number kind a deferred payload holds, at its edges.
std::vector<value_view> number_keys() {
  return {value_view{std::int64_t{0}},
          value_view{std::int64_t{99}},
          value_view{std::int64_t{-1}},
          value_view{std::numeric_limits<std::int64_t>::min()},
          value_view{std::numeric_limits<std::int64_t>::max()},
          value_view{std::uint64_t{9223372036854775808u}},
          value_view{std::numeric_limits<std::uint64_t>::max()},
          value_view{0.1},
          value_view{-0.0},
          value_view{1e300},
          value_view{-2.5},
          value_view{std::numeric_limits<double>::infinity()},
          value_view{true},
          value_view{false}};
}

std::size_t orders_relation() { return relstore::detail::has_many_index<shop::schema, shop::customer_orders>; }

// ---------------------------------------------- deferred text == eager text

TEST(DeferredError, DanglingKeyWordsEveryNumberKeyAsTheEagerForm) {
  const relstore::registry& reg = shop::schema::registry();
  const std::size_t r = orders_relation();
  for (const value_view& key : number_keys()) {
    const error lazy = relstore::detail::dangling_error<shop::schema>({r, key});
    const error eager = relstore::detail::dangling_key(reg, reg.relations()[r], key);
    EXPECT_TRUE(lazy.is_deferred()) << eager.message();
    EXPECT_FALSE(eager.is_deferred());
    EXPECT_EQ(lazy.code, errc::foreign_key_violation);
    EXPECT_EQ(lazy.code, eager.code);
    EXPECT_EQ(lazy.message(), eager.message());
  }
  EXPECT_EQ(relstore::detail::dangling_error<shop::schema>({r, std::int64_t{-7}}).message(),
            "Order.customerId = -7: no Customer with id -7 (relation Customer.orders)");
}

TEST(DeferredError, DuplicateKeyWordsEveryNumberKeyAsTheEagerForm) {
  const relstore::model_info& m = relstore::model_info_of<Order>();
  // The primary key ("Order with id 7 already exists") and another field
  // ("Order.customerId = 7 already exists").
  for (std::size_t field : {m.primary_key, std::size_t{1}}) {
    for (const value_view& key : number_keys()) {
      const error lazy = relstore::detail::deferred_duplicate_key(m, field, key);
      const error eager = relstore::detail::duplicate_key(m, field, key);
      EXPECT_TRUE(lazy.is_deferred());
      EXPECT_EQ(lazy.code, errc::already_exists);
      EXPECT_EQ(lazy.message(), eager.message());
    }
  }
  EXPECT_EQ(relstore::detail::deferred_duplicate_key(m, 1, std::uint64_t{18446744073709551615u}).message(),
            "Order.customerId = 18446744073709551615 already exists");
}

TEST(DeferredError, NotFoundWordsEveryNumberKeyAsTheEagerForm) {
  const relstore::model_info& m = relstore::model_info_of<Customer>();
  for (const value_view& key : number_keys()) {
    const error lazy = relstore::detail::deferred_not_found(m, key);
    const error eager = relstore::detail::not_found(m, key);
    EXPECT_TRUE(lazy.is_deferred());
    EXPECT_EQ(lazy.code, errc::not_found);
    EXPECT_EQ(lazy.message(), eager.message());
  }
  EXPECT_EQ(relstore::detail::deferred_not_found(m, 2.5).message(), "Customer with id 2.5 not found");
}

TEST(DeferredError, AStringKeyIsWordedEagerlyWithTheSameText) {
  const relstore::registry& reg = shop::schema::registry();
  const std::size_t r = relstore::detail::has_many_index<shop::schema, shop::account_sessions>;
  for (std::string_view key : {"", "A", "a key longer than a short string's inline room", "quote \" and \\"}) {
    const error lazy = relstore::detail::dangling_error<shop::schema>({r, key});
    EXPECT_FALSE(lazy.is_deferred()) << "a string key is copied into the text";
    EXPECT_EQ(lazy.message(), relstore::detail::dangling_key(reg, reg.relations()[r], key).message());
    const relstore::model_info& m = relstore::model_info_of<Session>();
    EXPECT_EQ(relstore::detail::deferred_not_found(m, key).message(), relstore::detail::not_found(m, key).message());
    EXPECT_EQ(relstore::detail::deferred_duplicate_key(m, m.primary_key, key).message(),
              relstore::detail::duplicate_key(m, m.primary_key, key).message());
  }
  EXPECT_EQ(relstore::detail::dangling_error<shop::schema>({r, std::string_view("X")}).message(),
            "Session.accountCode = \"X\": no Account with code \"X\" (relation Account.sessions)");
}

// ------------------------------------------------ through a typed store

class DeferredStoreErrors : public ::testing::Test {
 protected:
  void SetUp() override {
    db = std::make_unique<shop::store>();
    ada = db->repo<Customer>().create({.name = "Ada"}).value();
    acme = db->repo<Account>().create({.code = "acme"}).value();
  }
  std::unique_ptr<shop::store> db;
  Customer ada;
  Account acme;
};

TEST_F(DeferredStoreErrors, RejectedWritesWithNumberKeysAreDeferred) {
  auto dangling = db->repo<Order>().create({.customerId = 99});
  ASSERT_FALSE(dangling);
  EXPECT_TRUE(dangling.error().is_deferred());
  EXPECT_EQ(dangling.error().code, errc::foreign_key_violation);
  EXPECT_EQ(dangling.error().message(), "Order.customerId = 99: no Customer with id 99 (relation Customer.orders)");

  auto taken = db->repo<Customer>().create({.id = ada.id, .name = "Eve"});
  ASSERT_FALSE(taken);
  EXPECT_TRUE(taken.error().is_deferred());
  EXPECT_EQ(taken.error().message(), "Customer with id " + std::to_string(ada.id) + " already exists");

  auto missing = db->repo<Customer>().find_by_id(404);
  ASSERT_FALSE(missing);
  EXPECT_TRUE(missing.error().is_deferred());
  EXPECT_EQ(missing.error().message(), "Customer with id 404 not found");

  std::ostringstream out;
  out << missing.error();
  EXPECT_EQ(out.str(), "not_found: Customer with id 404 not found");
}

TEST_F(DeferredStoreErrors, AStringKeyStaysEager) {
  auto dangling = db->repo<Session>().create({.token = "t", .accountCode = "nope"});
  ASSERT_FALSE(dangling);
  EXPECT_FALSE(dangling.error().is_deferred());
  EXPECT_EQ(dangling.error().message(),
            "Session.accountCode = \"nope\": no Account with code \"nope\" (relation Account.sessions)");
}

TEST_F(DeferredStoreErrors, ABatchPrefixesTheWordedMessage) {
  auto r = db->repo<Order>().create_all({{.customerId = ada.id}, {.customerId = 77}});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::foreign_key_violation);
  EXPECT_EQ(r.error().message(),
            "create_all: element 1 rejected, nothing created: Order.customerId = 77: no Customer with id 77 "
            "(relation Customer.orders)");
}

// --------------------------------------------------------------- lifetime

TEST_F(DeferredStoreErrors, AnErrorOutlivesTheStoreThatMadeIt) {
  const std::string text = "Order.customerId = 99: no Customer with id 99 (relation Customer.orders)";
  auto r = db->repo<Order>().create({.customerId = 99});
  ASSERT_FALSE(r);
  ASSERT_TRUE(r.error().is_deferred());
  const error copied = r.error();
  result<Order> moved = std::move(r);
  error assigned{errc::io_error, std::string(100, 'x')};  // a text on the heap, replaced
  assigned = moved.error();
  error move_assigned{errc::busy, "short"};
  move_assigned = error(copied);
  db.reset();  // the store, its tables and its nodes are gone

  EXPECT_EQ(copied.message(), text);
  EXPECT_EQ(moved.error().message(), text);
  EXPECT_EQ(assigned.message(), text);
  EXPECT_EQ(assigned.code, errc::foreign_key_violation);
  EXPECT_EQ(move_assigned.message(), text);
  result<Order> copy_of_result = moved;
  EXPECT_EQ(std::move(copy_of_result).error().message(), text);
  EXPECT_EQ(copied.message(), text) << "reading twice words it twice, the same";
}

TEST(DeferredError, CopiesAndMovesBetweenTheTwoForms) {
  const error lazy = relstore::detail::deferred_not_found(relstore::model_info_of<Customer>(), std::int64_t{5});
  error e{errc::io_error, std::string(64, 'y')};
  e = lazy;
  EXPECT_TRUE(e.is_deferred());
  EXPECT_EQ(e.message(), "Customer with id 5 not found");
  e = error{errc::io_error, "disk"};
  EXPECT_FALSE(e.is_deferred());
  EXPECT_EQ(e.message(), "disk");
  error& self = e;
  e = self;
  EXPECT_EQ(e.message(), "disk");
  error moved_from = lazy;
  error to(std::move(moved_from));
  EXPECT_EQ(to.message(), "Customer with id 5 not found");
  EXPECT_EQ(error{}.message(), "");
}

}  // namespace

}  // namespace errors_test
