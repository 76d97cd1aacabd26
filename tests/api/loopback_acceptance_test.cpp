// LoopBack 4's hasMany acceptance cases (semantics.md, "LoopBack's hasMany
// acceptance cases"), one named test each. Case 13 is skipped in LoopBack and
// required here.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "common/shop_schema.hpp"
#include "common/test_helpers.hpp"

namespace loopback_acceptance_test {

namespace {

using test::has;
using test::values_of;
using namespace shop;
using relstore::errc;
using relstore::field;

class LoopbackAcceptance : public ::testing::Test {
 protected:
  store db;
  relstore::repository<schema, Customer> customers = db.repo<Customer>();
  relstore::repository<schema, Order> orders = db.repo<Order>();
};

// 1. Create through the relation: the foreign key is filled in, and the stored row matches.
TEST_F(LoopbackAcceptance, Case01_CreateThroughRelationFillsForeignKey) {
  auto c = customers.create({.name = "a customer"}).value();
  auto o = customers.related<"orders">(c.id).create({.total = 42, .note = "order 1"});
  ASSERT_TRUE(o) << o.error().message();
  EXPECT_EQ(o->customerId, c.id);
  EXPECT_NE(o->id, 0);
  EXPECT_EQ(o->total, 42.0);
  EXPECT_EQ(o->note, "order 1");
  auto stored = orders.find_by_id(o->id);
  ASSERT_TRUE(stored) << stored.error().message();
  EXPECT_EQ(*stored, *o);
  EXPECT_EQ(db.size<Order>(), 1u);
}

// 2. Find through the relation returns only this parent's children, the same as
//    a plain find with where customerId = X.
TEST_F(LoopbackAcceptance, Case02_FindThroughRelationReturnsOnlyThisParentsChildren) {
  auto a = customers.create({.name = "a"}).value();
  auto b = customers.create({.name = "b"}).value();
  ASSERT_TRUE(customers.related<"orders">(a.id).create({.total = 1, .note = "a1"}));
  ASSERT_TRUE(customers.related<"orders">(b.id).create({.total = 2, .note = "b1"}));
  ASSERT_TRUE(customers.related<"orders">(a.id).create({.total = 3, .note = "a2"}));

  auto related = customers.related<"orders">(a.id).find();
  ASSERT_TRUE(related) << related.error().message();
  auto plain = orders.find(relstore::filter<Order>{}.where(field(&Order::customerId) == a.id));
  ASSERT_TRUE(plain) << plain.error().message();
  EXPECT_EQ(values_of(*related), values_of(*plain));
  ASSERT_EQ(related->size(), 2u);
  for (const auto& r : *related) EXPECT_EQ(r->customerId, a.id);

  // order and limit pass through and agree with the plain find too.
  auto related_top =
      customers.related<"orders">(a.id).find(relstore::filter<Order>{}.order(&Order::total, relstore::desc).limit(1));
  auto plain_top = orders.find(
      relstore::filter<Order>{}.where(field(&Order::customerId) == a.id).order(&Order::total, relstore::desc).limit(1));
  ASSERT_TRUE(related_top);
  ASSERT_TRUE(plain_top);
  ASSERT_EQ(related_top->size(), 1u);
  EXPECT_EQ((*related_top)[0]->note, "a2");
  EXPECT_EQ(values_of(*related_top), values_of(*plain_top));
}

// 3. The relation works with a non-primary-key keyFrom (Account.code -> Session.accountCode).
TEST_F(LoopbackAcceptance, Case03_RelationWorksWithANonPrimaryKeyKeyFrom) {
  auto accounts = db.repo<Account>();
  auto other = accounts.create({.code = "ACC-1"}).value();
  auto acct = accounts.create({.code = "ACC-7"}).value();
  ASSERT_NE(acct.id, 0);

  auto s = accounts.related<"sessions">(acct.code).create({.token = "t1"});
  ASSERT_TRUE(s) << s.error().message();
  EXPECT_EQ(s->accountCode, "ACC-7");
  ASSERT_TRUE(accounts.related<"sessions">(other.code).create({.token = "t0"}));
  ASSERT_TRUE(accounts.related<"sessions">(acct.code).create({.token = "t2", .accountCode = "ACC-7"}));

  auto found = accounts.related<"sessions">("ACC-7").find();
  ASSERT_TRUE(found) << found.error().message();
  ASSERT_EQ(found->size(), 2u);
  EXPECT_EQ((*found)[0]->token, "t1");
  EXPECT_EQ((*found)[1]->token, "t2");
  for (const auto& r : *found) EXPECT_EQ(r->accountCode, "ACC-7");

  auto parent = db.repo<Session>().belongs_to<"account">("t1");
  ASSERT_TRUE(parent) << parent.error().message();
  EXPECT_EQ(*parent, acct);

  auto wrong = accounts.related<"sessions">(acct.code).create({.token = "t3", .accountCode = "ACC-1"});
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().code, errc::constraint_violation);
  EXPECT_EQ(wrong.error().message(),
            "Property \"accountCode\" cannot be changed! (Session.accountCode = \"ACC-1\"; this view holds the "
            "Session rows of Account \"ACC-7\")");
  EXPECT_FALSE(db.repo<Session>().exists("t3"));
}

// 4. Patch many returns count 2, both rows change, and the foreign key is kept.
TEST_F(LoopbackAcceptance, Case04_PatchManyReturnsCountAndKeepsForeignKey) {
  auto c = customers.create({.name = "c"}).value();
  auto d = customers.create({.name = "d"}).value();
  auto rel = customers.related<"orders">(c.id);
  ASSERT_TRUE(rel.create({.note = "x"}));
  ASSERT_TRUE(rel.create({.note = "y"}));
  auto bystander = customers.related<"orders">(d.id).create({.note = "z"}).value();

  auto n = rel.patch(relstore::patch<Order>{}.set(&Order::total, 9.0));
  ASSERT_TRUE(n) << n.error().message();
  EXPECT_EQ(*n, 2u);
  auto mine = rel.find().value();
  ASSERT_EQ(mine.size(), 2u);
  for (const auto& o : mine) {
    EXPECT_EQ(o->total, 9.0);
    EXPECT_EQ(o->customerId, c.id);
  }
  EXPECT_EQ(orders.find_by_id(bystander.id).value(), bystander);
}

// 5. A patch that tries to change the foreign key fails with LoopBack's message.
TEST_F(LoopbackAcceptance, Case05_PatchThatChangesTheForeignKeyFails) {
  auto c = customers.create({.name = "c"}).value();
  auto other = customers.create({.name = "d"}).value();
  auto rel = customers.related<"orders">(c.id);
  ASSERT_TRUE(rel.create({.note = "x"}));
  const store before = db;
  auto n = rel.patch(relstore::patch<Order>{}.set(&Order::note, "changed").set(&Order::customerId, other.id));
  ASSERT_FALSE(n);
  EXPECT_EQ(n.error().code, errc::constraint_violation);
  EXPECT_EQ(n.error().message(),
            "Property \"customerId\" cannot be changed! (Order.customerId = " + std::to_string(other.id) +
                "; this view holds the Order rows of Customer " + std::to_string(c.id) + ")");
  EXPECT_TRUE(db == before);
  EXPECT_EQ(customers.related<"orders">(other.id).count().value(), 0u);
}

// 6. Delete many returns count 2, and a later find is empty.
TEST_F(LoopbackAcceptance, Case06_DeleteManyReturnsCountAndLaterFindIsEmpty) {
  auto c = customers.create({.name = "c"}).value();
  auto rel = customers.related<"orders">(c.id);
  ASSERT_TRUE(rel.create({.note = "x"}));
  ASSERT_TRUE(rel.create({.note = "y"}));
  auto n = rel.delete_all();
  ASSERT_TRUE(n) << n.error().message();
  EXPECT_EQ(*n, 2u);
  auto later = rel.find();
  ASSERT_TRUE(later);
  EXPECT_TRUE(later->empty());
  EXPECT_EQ(db.size<Order>(), 0u);
}

// 7. Delete does not touch children of another parent.
TEST_F(LoopbackAcceptance, Case07_DeleteDoesNotTouchChildrenOfAnotherParent) {
  auto a = customers.create({.name = "a"}).value();
  auto b = customers.create({.name = "b"}).value();
  ASSERT_TRUE(customers.related<"orders">(a.id).create({.note = "a1"}));
  ASSERT_TRUE(customers.related<"orders">(a.id).create({.note = "a2"}));
  auto kept1 = customers.related<"orders">(b.id).create({.note = "b1"}).value();
  auto kept2 = customers.related<"orders">(b.id).create({.note = "b2"}).value();
  auto n = customers.related<"orders">(a.id).delete_all();
  ASSERT_TRUE(n) << n.error().message();
  EXPECT_EQ(*n, 2u);
  auto left = orders.find().value();
  EXPECT_EQ(values_of(left), (std::vector<Order>{kept1, kept2}));
}

// 8. Writing a parent that carries its navigational property is rejected.
TEST_F(LoopbackAcceptance, Case08_WritingAParentWithItsNavigationalPropertyIsRejected) {
  // The typed API cannot carry children: no model field is named like a relation.
  static_assert(relstore::detail::field_index<Customer>("orders") == relstore::detail::npos);
  static_assert(relstore::detail::field_index<Order>("customer") == relstore::detail::npos);

  auto r = customers.create_json(R"({"name":"c","orders":[{"total":1}]})");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::invalid_argument);
  EXPECT_TRUE(has(r.error().message(), "Navigational propert")) << r.error().message();
  EXPECT_TRUE(has(r.error().message(), "\"orders\"")) << r.error().message();
  EXPECT_TRUE(has(r.error().message(), "Customer")) << r.error().message();
  EXPECT_EQ(db.size<Customer>(), 0u);
  EXPECT_EQ(db.size<Order>(), 0u);

  // The same through a patch of an existing parent, and for a belongs_to name.
  auto c = customers.create({.name = "c"}).value();
  auto p = customers.parse_patch(R"({"orders":[]})");
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().code, errc::invalid_argument);
  EXPECT_TRUE(has(p.error().message(), "\"orders\"")) << p.error().message();
  auto q = orders.parse_patch(R"({"customer":{"name":"x"}})");
  ASSERT_FALSE(q);
  EXPECT_EQ(q.error().code, errc::invalid_argument);
  EXPECT_TRUE(has(q.error().message(), "\"customer\"")) << q.error().message();
  EXPECT_EQ(customers.find_by_id(c.id).value(), c);
}

// 9. Self-relation: an employee has many employees through managerId.
TEST_F(LoopbackAcceptance, Case09_SelfRelationCreateChildThroughParentAndGetParentFromChild) {
  auto employees = db.repo<Employee>();
  auto boss = employees.create({.name = "boss"}).value();
  auto report = employees.related<"reports">(boss.id).create({.name = "report"});
  ASSERT_TRUE(report) << report.error().message();
  EXPECT_EQ(report->managerId, boss.id);
  EXPECT_NE(report->id, boss.id);

  auto manager = employees.belongs_to<"manager">(report->id);
  ASSERT_TRUE(manager) << manager.error().message();
  EXPECT_EQ(*manager, boss);

  auto reports = employees.related<"reports">(boss.id).find();
  ASSERT_TRUE(reports);
  ASSERT_EQ(reports->size(), 1u);
  EXPECT_EQ((*reports)[0].value, *report);

  // The boss has no manager.
  auto none = employees.belongs_to<"manager">(boss.id);
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, errc::not_found);
}

// 10. Include with an unknown relation is rejected.
TEST_F(LoopbackAcceptance, Case10_IncludeWithAnUnknownRelationIsRejected) {
  auto c = customers.create({.name = "c"}).value();
  ASSERT_TRUE(customers.related<"orders">(c.id).create({.note = "o"}));

  auto r = customers.find(R"({"include":["bogus"]})");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::invalid_filter);
  EXPECT_TRUE(has(r.error().message(), "Invalid \"filter.include\" entries")) << r.error().message();
  EXPECT_TRUE(has(r.error().message(), "bogus")) << r.error().message();

  auto typed = customers.find(relstore::filter<Customer>{}.include("bogus"));
  ASSERT_FALSE(typed);
  EXPECT_EQ(typed.error().code, errc::invalid_filter);
  EXPECT_TRUE(has(typed.error().message(), "bogus")) << typed.error().message();

  auto nested = customers.find(R"({"include":[{"relation":"orders","scope":{"include":["nope"]}}]})");
  ASSERT_FALSE(nested);
  EXPECT_EQ(nested.error().code, errc::invalid_filter);
  EXPECT_TRUE(has(nested.error().message(), "nope")) << nested.error().message();

  auto by_id = customers.find_by_id(c.id, relstore::filter<Customer>{}.include("bogus"));
  ASSERT_FALSE(by_id);
  EXPECT_EQ(by_id.error().code, errc::invalid_filter);
}

// 11. Include: one parent with one child; several parents, each with exactly its
//     own children in order; find by id with include; a non-id keyFrom with include.
TEST_F(LoopbackAcceptance, Case11_IncludeGivesEachParentItsOwnChildren) {
  {
    SCOPED_TRACE("one parent with one child");
    auto solo = customers.create({.name = "solo"}).value();
    auto only = customers.related<"orders">(solo.id).create({.note = "only"}).value();
    auto rows = customers.find(relstore::filter<Customer>{}.include("orders"));
    ASSERT_TRUE(rows) << rows.error().message();
    ASSERT_EQ(rows->size(), 1u);
    EXPECT_EQ((*rows)[0].value, solo);
    ASSERT_EQ((*rows)[0].many<Order>("orders").size(), 1u);
    EXPECT_EQ((*rows)[0].many<Order>("orders")[0].value, only);
  }

  db.clear();
  auto a = customers.create({.name = "a"}).value();
  auto b = customers.create({.name = "b"}).value();
  auto empty = customers.create({.name = "empty"}).value();
  auto a1 = customers.related<"orders">(a.id).create({.note = "a1"}).value();
  auto b1 = customers.related<"orders">(b.id).create({.note = "b1"}).value();
  auto a2 = customers.related<"orders">(a.id).create({.note = "a2"}).value();
  auto b2 = customers.related<"orders">(b.id).create({.note = "b2"}).value();
  auto a3 = customers.related<"orders">(a.id).create({.note = "a3"}).value();
  {
    SCOPED_TRACE("several parents, each with exactly its own children in order");
    auto all = customers.find(R"({"include":["orders"]})");
    ASSERT_TRUE(all) << all.error().message();
    ASSERT_EQ(all->size(), 3u);
    EXPECT_EQ((*all)[0].value, a);
    EXPECT_EQ(values_of((*all)[0].many<Order>("orders")), (std::vector<Order>{a1, a2, a3}));
    EXPECT_EQ((*all)[1].value, b);
    EXPECT_EQ(values_of((*all)[1].many<Order>("orders")), (std::vector<Order>{b1, b2}));
    EXPECT_EQ((*all)[2].value, empty);
    EXPECT_TRUE((*all)[2].has("orders")) << "a parent without children must get an empty list";
    EXPECT_TRUE((*all)[2].many<Order>("orders").empty());
  }
  {
    SCOPED_TRACE("find by id with include");
    auto one = customers.find_by_id(b.id, relstore::filter<Customer>{}.include("orders"));
    ASSERT_TRUE(one) << one.error().message();
    EXPECT_EQ(one->value, b);
    EXPECT_EQ(values_of(one->many<Order>("orders")), (std::vector<Order>{b1, b2}));
  }
  {
    SCOPED_TRACE("a non-id keyFrom with include");
    auto accounts = db.repo<Account>();
    auto k = accounts.create({.code = "K"}).value();
    auto j = accounts.create({.code = "J"}).value();
    auto k_s2 = accounts.related<"sessions">(k.code).create({.token = "s2"}).value();
    auto j_s1 = accounts.related<"sessions">(j.code).create({.token = "s1"}).value();
    auto k_s0 = accounts.related<"sessions">(k.code).create({.token = "s0"}).value();
    auto with_sessions = accounts.find(R"({"include":["sessions"]})");
    ASSERT_TRUE(with_sessions) << with_sessions.error().message();
    ASSERT_EQ(with_sessions->size(), 2u);
    EXPECT_EQ((*with_sessions)[0].value, k);
    EXPECT_EQ(values_of((*with_sessions)[0].many<Session>("sessions")), (std::vector<Session>{k_s0, k_s2}));
    EXPECT_EQ((*with_sessions)[1].value, j);
    EXPECT_EQ(values_of((*with_sessions)[1].many<Session>("sessions")), (std::vector<Session>{j_s1}));
    auto by_id = accounts.find_by_id(j.id, relstore::filter<Account>{}.include("sessions"));
    ASSERT_TRUE(by_id) << by_id.error().message();
    EXPECT_EQ(values_of(by_id->many<Session>("sessions")), (std::vector<Session>{j_s1}));
  }
}

// 12. Include reflects foreign-key changes made by replace and update.
TEST_F(LoopbackAcceptance, Case12_IncludeReflectsForeignKeyChangesByReplaceAndUpdate) {
  auto a = customers.create({.name = "a"}).value();
  auto b = customers.create({.name = "b"}).value();
  auto o1 = customers.related<"orders">(a.id).create({.note = "1"}).value();
  auto o2 = customers.related<"orders">(a.id).create({.note = "2"}).value();
  auto with_orders = relstore::filter<Customer>{}.include("orders");

  auto start = customers.find(with_orders).value();
  ASSERT_EQ(start.size(), 2u);
  EXPECT_EQ(start[0].many<Order>("orders").size(), 2u);
  EXPECT_TRUE(start[1].many<Order>("orders").empty());

  Order moved = o1;
  moved.customerId = b.id;
  moved.note = "1 moved";
  auto replaced = orders.replace_by_id(o1.id, moved);
  ASSERT_TRUE(replaced) << replaced.error().message();
  auto mid = customers.find(with_orders).value();
  EXPECT_EQ(values_of(mid[0].many<Order>("orders")), (std::vector<Order>{o2}));
  EXPECT_EQ(values_of(mid[1].many<Order>("orders")), (std::vector<Order>{moved}));

  auto updated = orders.update_by_id(o2.id, relstore::patch<Order>{}.set(&Order::customerId, b.id));
  ASSERT_TRUE(updated) << updated.error().message();
  auto end = customers.find(with_orders).value();
  EXPECT_TRUE(end[0].many<Order>("orders").empty());
  EXPECT_EQ(values_of(end[1].many<Order>("orders")), (std::vector<Order>{moved, *updated}));

  // The belongs_to side agrees.
  auto back = orders.find(relstore::filter<Order>{}.include("customer")).value();
  ASSERT_EQ(back.size(), 2u);
  for (const auto& o : back) {
    ASSERT_NE(o.one<Customer>("customer"), nullptr);
    EXPECT_EQ(o.one<Customer>("customer")->value, b);
  }
}

// 13. (Skipped in LoopBack, required here.) Creating a child of a missing parent is rejected.
TEST_F(LoopbackAcceptance, Case13_CreateChildOfMissingParentIsRejected) {
  ASSERT_TRUE(customers.create({.name = "existing"}));
  const store before = db;
  auto r = customers.related<"orders">(999).create({.note = "orphan"});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::foreign_key_violation);
  EXPECT_TRUE(has(r.error().message(), "customerId")) << r.error().message();
  EXPECT_TRUE(has(r.error().message(), "Customer")) << r.error().message();
  EXPECT_TRUE(has(r.error().message(), "999")) << r.error().message();
  EXPECT_TRUE(db == before);

  auto direct = orders.create({.customerId = 999, .note = "orphan"});
  ASSERT_FALSE(direct);
  EXPECT_EQ(direct.error().code, errc::foreign_key_violation);
  EXPECT_EQ(db.size<Order>(), 0u);
}

// Deliberate difference: LoopBack coerces `{"customerId":"1"}` and
// `inq [1,"2"]` to numbers (its HTTP layer hands it strings); relstore is
// typed and refuses them, naming the field and the value
// (docs/loopback_semantics.md, "Strings for numbers").
TEST_F(LoopbackAcceptance, Refused_StringsForNumberFieldsAreNotCoerced) {
  auto c = customers.create({.name = "c"}).value();
  ASSERT_TRUE(customers.related<"orders">(c.id).create({.total = 1}));
  for (const char* json : {R"({"where":{"customerId":"1"}})", R"({"where":{"customerId":{"inq":[1,"2"]}}})"}) {
    auto r = orders.find(json);
    ASSERT_FALSE(r) << json;
    EXPECT_EQ(r.error().code, errc::invalid_filter) << json;
    EXPECT_TRUE(has(r.error().message(), "Order.customerId")) << r.error().message();
  }
  auto p = orders.parse_patch(R"({"total":"2"})");
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().code, errc::invalid_argument);
  EXPECT_TRUE(has(p.error().message(), "\"2\"")) << p.error().message();
}

}  // namespace

namespace {

// LoopBack: orderRepo.create({customerId: null}) through customerRepo.orders(1)
// is rejected, because the constraint sees a key given with another value. A
// field set explicitly (JSON, or a typed patch) counts as given.
TEST_F(LoopbackAcceptance, Mirrored_ConstrainedCreateWithAnExplicitNullOrZeroForeignKeyIsRejected) {
  auto c = customers.create({.name = "c"}).value();
  auto coupons = db.repo<Coupon>();
  auto x = coupons.create({.label = "X"}).value();
  const store before = db;

  auto json_null = coupons.related<"orders">(x.id).create_json(R"({"customerId":1,"couponId":null})");
  ASSERT_FALSE(json_null);
  EXPECT_EQ(json_null.error().code, errc::constraint_violation);
  EXPECT_EQ(json_null.error().message(),
            "Property \"couponId\" cannot be changed! (Order.couponId = null; this view "
            "holds the Order rows of Coupon " +
                std::to_string(x.id) + ")");

  auto typed_null = coupons.related<"orders">(x.id).create(
      relstore::patch<Order>{}.set(&Order::customerId, c.id).set(&Order::couponId, relstore::null));
  ASSERT_FALSE(typed_null);
  EXPECT_EQ(typed_null.error().code, errc::constraint_violation);

  auto json_zero = customers.related<"orders">(c.id).create_json(R"({"customerId":0,"total":5})");
  ASSERT_FALSE(json_zero);
  EXPECT_EQ(json_zero.error().code, errc::constraint_violation);
  EXPECT_NE(json_zero.error().message().find("Order.customerId = 0;"), std::string::npos)
      << json_zero.error().message();

  auto typed_zero = customers.related<"orders">(c.id).create(relstore::patch<Order>{}.set(&Order::customerId, 0));
  ASSERT_FALSE(typed_zero);
  EXPECT_EQ(typed_zero.error().code, errc::constraint_violation);
  EXPECT_TRUE(db == before);

  // Left out, or given with this parent's key, it is filled in or kept.
  auto left_out = customers.related<"orders">(c.id).create_json(R"({"total":5,"note":"n"})");
  ASSERT_TRUE(left_out) << left_out.error().message();
  EXPECT_EQ(left_out->customerId, c.id);
  EXPECT_EQ(left_out->total, 5.0);
  auto same = customers.related<"orders">(c.id).create(
      relstore::patch<Order>{}.set(&Order::customerId, c.id).set(&Order::note, "same"));
  ASSERT_TRUE(same) << same.error().message();
  EXPECT_EQ(orders.find_by_id(same->id).value(), *same);
  auto linked = coupons.related<"orders">(x.id).create_json(R"({"customerId":)" + std::to_string(c.id) +
                                                            R"(,"couponId":)" + std::to_string(x.id) + "}");
  ASSERT_TRUE(linked) << linked.error().message();
  EXPECT_EQ(linked->couponId, x.id);

  // A typed entity cannot say "given": an empty optional or a 0 means left
  // out there, and is filled in (documented on create(C)).
  auto typed_entity = customers.related<"orders">(c.id).create({.customerId = 0, .total = 1});
  ASSERT_TRUE(typed_entity) << typed_entity.error().message();
  EXPECT_EQ(typed_entity->customerId, c.id);
}

// A constrained JSON create keeps every rule of a plain one: unknown fields,
// bad types and a missing parent are refused, and nothing is written.
TEST_F(LoopbackAcceptance, Mirrored_ConstrainedJsonCreateKeepsThePlainCreatesChecks) {
  auto c = customers.create({.name = "c"}).value();
  const store before = db;
  auto unknown = customers.related<"orders">(c.id).create_json(R"({"totl":1})");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, errc::invalid_argument);
  EXPECT_EQ(unknown.error().message(), "Order has no field \"totl\"");
  auto typed = customers.related<"orders">(c.id).create_json(R"({"total":"1"})");
  ASSERT_FALSE(typed);
  EXPECT_EQ(typed.error().code, errc::invalid_argument);
  auto orphan = customers.related<"orders">(c.id + 100).create_json(R"({"total":1})");
  ASSERT_FALSE(orphan);
  EXPECT_EQ(orphan.error().code, errc::foreign_key_violation);
  EXPECT_TRUE(db == before);
}

}  // namespace

}  // namespace loopback_acceptance_test
