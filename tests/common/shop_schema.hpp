// The shared test schema: a shop (customers, orders, order lines, coupons)
// and an organisation chart (a self-relation).
//
//   Customer --orders (restrict)--> Order --lines (cascade)--> OrderLine
//   Coupon --orders (set_null, optional couponId)--> Order
//   Employee --reports (cascade, inverse manager)--> Employee
//   Account(code) --sessions (key_from code, key_to accountCode, cascade)--> Session
#pragma once

#include <relstore/relstore.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace shop {

struct Customer {
  std::int64_t id = 0;
  std::string name;
  std::optional<std::string> email;
  friend bool operator==(const Customer&, const Customer&) = default;
};
RELSTORE_MODEL(Customer, id, name, email)

struct Coupon {
  std::int64_t id = 0;
  std::string label;
  friend bool operator==(const Coupon&, const Coupon&) = default;
};
RELSTORE_MODEL(Coupon, id, label)

struct Order {
  std::int64_t id = 0;
  std::int64_t customerId = 0;
  double total = 0;
  std::string note;
  std::optional<std::int64_t> couponId;
  friend bool operator==(const Order&, const Order&) = default;
};
RELSTORE_MODEL(Order, id, customerId, total, note, couponId)

struct OrderLine {
  std::int64_t id = 0;
  std::int64_t orderId = 0;
  std::string sku;
  std::int32_t qty = 0;
  friend bool operator==(const OrderLine&, const OrderLine&) = default;
};
RELSTORE_MODEL(OrderLine, id, orderId, sku, qty)

struct Employee {
  std::int64_t id = 0;
  std::string name;
  std::optional<std::int64_t> managerId;
  friend bool operator==(const Employee&, const Employee&) = default;
};
RELSTORE_MODEL(Employee, id, name, managerId)

struct Account {
  std::int64_t id = 0;
  std::string code;
  friend bool operator==(const Account&, const Account&) = default;
};
RELSTORE_MODEL(Account, id, code)

struct Session {
  std::string token;
  std::string accountCode;
  bool active = true;
  friend bool operator==(const Session&, const Session&) = default;
};
RELSTORE_MODEL_KEY(Session, token, token, accountCode, active)

using customer_orders = relstore::has_many<"orders", Customer, Order>;
using order_lines = relstore::has_many<"lines", Order, OrderLine, relstore::on_delete::cascade>;
using coupon_orders = relstore::has_many<"orders", Coupon, Order, relstore::key_to<&Order::couponId>,
                                         relstore::inverse<"coupon">, relstore::on_delete::set_null>;
using reports = relstore::has_many<"reports", Employee, Employee, relstore::key_to<&Employee::managerId>,
                                   relstore::inverse<"manager">, relstore::on_delete::cascade>;
using account_sessions = relstore::has_many<"sessions", Account, Session, relstore::key_from<&Account::code>,
                                            relstore::key_to<&Session::accountCode>, relstore::on_delete::cascade>;

using schema = relstore::schema<relstore::models<Customer, Coupon, Order, OrderLine, Employee, Account, Session>,
                                customer_orders, order_lines, coupon_orders, reports, account_sessions>;
RELSTORE_SCHEMA(schema)  // relation names as template arguments are checked against it
using store = relstore::store<schema>;

}  // namespace shop

// Compiled once, in shop_schema.cpp and shop_tables.cpp, instead of in each
// test file.
RELSTORE_EXTERN_TABLES(shop::schema, shop::Customer, shop::Coupon, shop::Order, shop::OrderLine, shop::Employee,
                       shop::Account, shop::Session)
RELSTORE_EXTERN_MODELS(shop::Customer, shop::Coupon, shop::Order, shop::OrderLine, shop::Employee, shop::Account,
                       shop::Session)
