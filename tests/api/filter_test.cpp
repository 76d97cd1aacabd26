// The typed filter builder: operators, null semantics, order, paging,
// projection, and index use.
#include <gtest/gtest.h>

#include <vector>

#include "common/shop_schema.hpp"

namespace {

using namespace shop;
using relstore::access_kind;
using relstore::errc;
using relstore::field;
using relstore::filter;

class Filter : public ::testing::Test {
 protected:
  void SetUp() override {
    auto a = db.repo<Customer>().create({.name = "Ada"}).value();
    auto b = db.repo<Customer>().create({.name = "Bob"}).value();
    coupon = db.repo<Coupon>().create({.label = "C"}).value();
    struct row {
      std::int64_t customer;
      double total;
      const char* note;
      bool with_coupon;
    };
    for (const row& r : {row{a.id, 5, "apple", true}, row{a.id, 15, "banana", false}, row{b.id, 25, "apricot", true},
                         row{b.id, 15, "cherry", false}, row{a.id, 35, "a_c", false}, row{b.id, 45, "abc", true}}) {
      ASSERT_TRUE(orders.create({.customerId = r.customer,
                                 .total = r.total,
                                 .note = r.note,
                                 .couponId = r.with_coupon ? std::optional<std::int64_t>(coupon.id) : std::nullopt}));
    }
  }
  std::vector<std::int64_t> ids(const filter<Order>& f) {
    auto r = orders.find(f);
    EXPECT_TRUE(r) << r.error().message;
    std::vector<std::int64_t> out;
    if (r) {
      for (const auto& o : *r) out.push_back(o->id);
    }
    return out;
  }
  using ids_t = std::vector<std::int64_t>;
  store db;
  relstore::repository<schema, Order> orders = db.repo<Order>();
  Coupon coupon;
};

TEST_F(Filter, ComparisonOperators) {
  EXPECT_EQ(ids(filter<Order>{}.where(field(&Order::total) == 15.0)), (ids_t{2, 4}));
  EXPECT_EQ(ids(filter<Order>{}.where(field(&Order::total) != 15.0)), (ids_t{1, 3, 5, 6}));
  EXPECT_EQ(ids(filter<Order>{}.where(field(&Order::total) > 25.0)), (ids_t{5, 6}));
  EXPECT_EQ(ids(filter<Order>{}.where(field(&Order::total) >= 25.0)), (ids_t{3, 5, 6}));
  EXPECT_EQ(ids(filter<Order>{}.where(field(&Order::total) < 15.0)), (ids_t{1}));
  EXPECT_EQ(ids(filter<Order>{}.where(field(&Order::total) <= 15.0)), (ids_t{1, 2, 4}));
  EXPECT_EQ(ids(filter<Order>{}.where(field(&Order::note) > std::string("b"))), (ids_t{2, 4}));
}

TEST_F(Filter, ListAndRangeOperators) {
  EXPECT_EQ(ids(filter<Order>{}.where(field(&Order::total).inq({5.0, 45.0}))), (ids_t{1, 6}));
  EXPECT_EQ(ids(filter<Order>{}.where(field(&Order::total).nin({5.0, 45.0}))), (ids_t{2, 3, 4, 5}));
  EXPECT_EQ(ids(filter<Order>{}.where(field(&Order::total).between(15.0, 35.0))), (ids_t{2, 3, 4, 5}));
  EXPECT_EQ(ids(filter<Order>{}.where(field(&Order::total).between(35.0, 15.0))), ids_t{});
  EXPECT_EQ(ids(filter<Order>{}.where(field(&Order::id).inq(std::vector<std::int64_t>{}))), ids_t{});
}

TEST_F(Filter, LikeIsAnchoredWithPercentAndUnderscore) {
  EXPECT_EQ(ids(filter<Order>{}.where(field(&Order::note).like("ap%"))), (ids_t{1, 3}));
  EXPECT_EQ(ids(filter<Order>{}.where(field(&Order::note).like("%an%"))), (ids_t{2}));
  EXPECT_EQ(ids(filter<Order>{}.where(field(&Order::note).like("a_c"))), (ids_t{5, 6}));
  EXPECT_EQ(ids(filter<Order>{}.where(field(&Order::note).like("p%"))), ids_t{}) << "anchored at the start";
  EXPECT_EQ(ids(filter<Order>{}.where(field(&Order::note).like("%e"))), (ids_t{1})) << "anchored at the end";
  EXPECT_EQ(ids(filter<Order>{}.where(field(&Order::note).like("%a%a%"))), (ids_t{2}));
  EXPECT_EQ(ids(filter<Order>{}.where(field(&Order::note).nlike("a%"))), (ids_t{2, 4}));
  EXPECT_TRUE(relstore::detail::like_match("", "%"));
  EXPECT_FALSE(relstore::detail::like_match("", "_"));
  EXPECT_TRUE(relstore::detail::like_match("aXbXc", "a%b%c"));
  EXPECT_FALSE(relstore::detail::like_match("abbc", "a_c"));
}

TEST_F(Filter, NestedAndOr) {
  auto w = (field(&Order::total) < 10.0 || field(&Order::total) > 40.0) && field(&Order::note).like("a%");
  EXPECT_EQ(ids(filter<Order>{}.where(w)), (ids_t{1, 6}));
  auto deeper = field(&Order::customerId) == std::int64_t{1} &&
                (field(&Order::note) == "banana" || (field(&Order::total) > 30.0 && field(&Order::note).like("a%")));
  EXPECT_EQ(ids(filter<Order>{}.where(deeper)), (ids_t{2, 5}));
}

TEST_F(Filter, NullSemantics) {
  EXPECT_EQ(ids(filter<Order>{}.where(field(&Order::couponId).is_null())), (ids_t{2, 4, 5}));
  EXPECT_EQ(ids(filter<Order>{}.where(field(&Order::couponId) == relstore::null)), (ids_t{2, 4, 5}));
  EXPECT_EQ(ids(filter<Order>{}.where(field(&Order::couponId).is_not_null())), (ids_t{1, 3, 6}));
  EXPECT_EQ(ids(filter<Order>{}.where(field(&Order::couponId) != coupon.id)), (ids_t{2, 4, 5}))
      << "neq matches null fields";
  EXPECT_EQ(ids(filter<Order>{}.where(field(&Order::couponId) > std::int64_t{0})), (ids_t{1, 3, 6}))
      << "gt is false on null";
  EXPECT_EQ(ids(filter<Order>{}.where(field(&Order::couponId).nin({coupon.id}))), (ids_t{2, 4, 5}));
}

TEST_F(Filter, OrderOnSeveralFieldsWithKeyTiebreak) {
  EXPECT_EQ(ids(filter<Order>{}.order(&Order::total, relstore::desc)), (ids_t{6, 5, 3, 2, 4, 1}));
  EXPECT_EQ(ids(filter<Order>{}.order(&Order::total).order(&Order::note, relstore::desc)), (ids_t{1, 4, 2, 3, 5, 6}));
  EXPECT_EQ(ids(filter<Order>{}.order(&Order::customerId, relstore::desc).order(&Order::total)),
            (ids_t{4, 3, 6, 1, 2, 5}));
  EXPECT_EQ(ids(filter<Order>{}.order(&Order::couponId)), (ids_t{2, 4, 5, 1, 3, 6})) << "nulls first ascending";
}

TEST_F(Filter, LimitAndSkip) {
  EXPECT_EQ(ids(filter<Order>{}.limit(2)), (ids_t{1, 2}));
  EXPECT_EQ(ids(filter<Order>{}.skip(4)), (ids_t{5, 6}));
  EXPECT_EQ(ids(filter<Order>{}.skip(2).limit(2)), (ids_t{3, 4}));
  EXPECT_EQ(ids(filter<Order>{}.skip(10)), ids_t{});
  EXPECT_EQ(ids(filter<Order>{}.limit(0)), ids_t{});
  EXPECT_EQ(ids(filter<Order>{}.order(&Order::total, relstore::desc).limit(1)), (ids_t{6}));
}

TEST_F(Filter, FieldsProjectAndValueInitialiseTheRest) {
  auto rows = orders.find(filter<Order>{}.fields(&Order::id, &Order::note).limit(1)).value();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0]->id, 1);
  EXPECT_EQ(rows[0]->note, "apple");
  EXPECT_EQ(rows[0]->total, 0.0);
  EXPECT_EQ(rows[0]->customerId, 0);
  EXPECT_EQ(rows[0].to_json(), R"({"id":1,"note":"apple"})");
}

TEST_F(Filter, NumbersCompareAcrossIntegerAndDouble) {
  EXPECT_EQ(ids(filter<Order>{}.where(field(&Order::customerId) > 1.5)), (ids_t{3, 4, 6}));
  EXPECT_EQ(ids(filter<Order>{}.where(field(&Order::total) == 15)), (ids_t{2, 4}));
}

TEST_F(Filter, WhereOnThePrimaryKeyUsesItsIndex) {
  auto plan = orders.explain(filter<Order>{}.where(field(&Order::id) == std::int64_t{3})).value();
  EXPECT_EQ(plan.access, access_kind::index_equal);
  EXPECT_EQ(plan.index, "id");
  EXPECT_EQ(plan.examined, 1u);
  auto range = orders.explain(filter<Order>{}.where(field(&Order::id) > std::int64_t{4})).value();
  EXPECT_EQ(range.access, access_kind::index_range);
  EXPECT_EQ(range.examined, 2u);
}

TEST_F(Filter, WhereOnAForeignKeyUsesItsIndexNotAScan) {
  for (int c = 0; c < 50; ++c) {
    auto cust = db.repo<Customer>().create({.name = "x"}).value();
    for (int i = 0; i < 10; ++i) ASSERT_TRUE(orders.create({.customerId = cust.id, .total = i * 1.0}));
  }
  const std::int64_t target = 20;
  auto plan =
      orders.explain(filter<Order>{}.where(field(&Order::customerId) == target && field(&Order::total) > 4.0)).value();
  EXPECT_EQ(plan.access, access_kind::index_equal);
  EXPECT_EQ(plan.index, "customerId");
  EXPECT_EQ(plan.examined, 10u) << "only that customer's orders are examined";
  EXPECT_EQ(plan.matched, 5u);
  auto in = orders.explain(filter<Order>{}.where(field(&Order::customerId).inq({std::int64_t{20}, std::int64_t{21}})))
                .value();
  EXPECT_EQ(in.access, access_kind::index_in);
  EXPECT_EQ(in.examined, 20u);
  auto scan = orders.explain(filter<Order>{}.where(field(&Order::total) > 4.0)).value();
  EXPECT_EQ(scan.access, access_kind::full_scan);
  EXPECT_EQ(scan.examined, db.size<Order>());
  auto coupon_plan = orders.explain(filter<Order>{}.where(field(&Order::couponId) == coupon.id)).value();
  EXPECT_EQ(coupon_plan.index, "couponId");
  EXPECT_EQ(coupon_plan.examined, 3u);
}

TEST_F(Filter, ABuilderWhereWithANullOrderingIsInvalidFilter) {
  auto r = orders.find(filter<Order>{}.where(
      relstore::where<Order>(relstore::detail::where_node{relstore::op::gt, 4, {relstore::null}, {}})));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::invalid_filter);
  EXPECT_NE(r.error().message.find("Order.couponId"), std::string::npos) << r.error().message;
}

}  // namespace
