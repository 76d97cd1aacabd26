// The typed filter builder: every where operator, null semantics, order,
// paging, projection, numeric and string comparison, and index use.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "common/filter_seed.hpp"
#include "common/shop_schema.hpp"
#include "common/test_helpers.hpp"

namespace filter_test {

namespace {

using namespace shop;
using relstore::access_kind;
using relstore::errc;
using relstore::field;
using relstore::filter;
using ids_t = std::vector<std::int64_t>;

class Filter : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_NO_FATAL_FAILURE(filter_seed::seed(db, data)); }

  // The ids find(f) returns, in result order.
  ids_t ids(const filter<Order>& f) { return test::found_ids(orders, f); }
  ids_t ids(const relstore::where<Order>& w) { return ids(filter<Order>{}.where(w)); }

  static std::uint64_t bit(const char* name) {
    auto f = relstore::model_info_of<Order>().find_field(name);
    EXPECT_TRUE(f.has_value()) << name;
    return std::uint64_t{1} << f.value_or(0);
  }

  // Adds 50 customers with 10 orders each, created round robin so that no
  // customer's orders are contiguous in key order. Returns the customers' ids.
  std::vector<std::int64_t> seed_many() {
    std::vector<std::int64_t> out;
    for (int c = 0; c < 50; ++c) {
      std::string name = "c";  // not "c" + to_string(c): GCC 12's false -Wrestrict at -O3
      name += std::to_string(c);
      auto cust = db.repo<Customer>().create({.name = name});
      EXPECT_TRUE(cust) << cust.error().message();
      if (cust) out.push_back(cust->id);
    }
    for (int i = 0; i < 10; ++i) {
      for (std::int64_t c : out) {
        auto o = orders.create({.customerId = c, .total = static_cast<double>(i)});
        EXPECT_TRUE(o) << o.error().message();
      }
    }
    return out;
  }
  // How many orders the customer has, counted without any index.
  std::size_t orders_of(std::int64_t customer) const {
    std::size_t n = 0;
    db.for_each<Order>([&](const Order& o) { n += o.customerId == customer ? 1 : 0; });
    return n;
  }

  store db;
  filter_seed::seeded data;
  relstore::repository<schema, Order> orders = db.repo<Order>();
};

// ------------------------------------------------------------ operators

TEST_F(Filter, EqMatchesEqualValuesOnly) {
  EXPECT_EQ(ids(field(&Order::total) == 15.0), (ids_t{2, 4}));
  EXPECT_EQ(ids(field(&Order::note) == "banana"), (ids_t{4}));
  EXPECT_EQ(ids(field(&Order::customerId) == data.bob.id), (ids_t{3, 4, 6}));
  EXPECT_EQ(ids(field(&Order::total) == 16.0), ids_t{});
}

TEST_F(Filter, NeqMatchesEverythingElse) {
  EXPECT_EQ(ids(field(&Order::total) != 15.0), (ids_t{1, 3, 5, 6}));
  EXPECT_EQ(ids(field(&Order::note) != "banana"), (ids_t{1, 2, 3, 5, 6}));
}

TEST_F(Filter, GtAndGteCompareStrictlyAndInclusively) {
  EXPECT_EQ(ids(field(&Order::total) > 25.0), (ids_t{5, 6}));
  EXPECT_EQ(ids(field(&Order::total) >= 25.0), (ids_t{3, 5, 6}));
  EXPECT_EQ(ids(field(&Order::total) > 45.0), ids_t{});
  EXPECT_EQ(ids(field(&Order::total) >= 45.0), (ids_t{6}));
}

TEST_F(Filter, LtAndLteCompareStrictlyAndInclusively) {
  EXPECT_EQ(ids(field(&Order::total) < 15.0), (ids_t{1}));
  EXPECT_EQ(ids(field(&Order::total) <= 15.0), (ids_t{1, 2, 4}));
  EXPECT_EQ(ids(field(&Order::total) < 5.0), ids_t{});
  EXPECT_EQ(ids(field(&Order::total) <= 5.0), (ids_t{1}));
}

TEST_F(Filter, InqMatchesAnyListedValue) {
  EXPECT_EQ(ids(field(&Order::total).inq({5.0, 45.0})), (ids_t{1, 6}));
  EXPECT_EQ(ids(field(&Order::note).inq({std::string("apple"), std::string("nope")})), (ids_t{6}));
  EXPECT_EQ(ids(field(&Order::total).inq(std::vector<double>{})), ids_t{}) << "an empty inq matches nothing";
}

TEST_F(Filter, NinMatchesNoListedValue) {
  EXPECT_EQ(ids(field(&Order::total).nin({5.0, 45.0})), (ids_t{2, 3, 4, 5}));
  EXPECT_EQ(ids(field(&Order::total).nin(std::vector<double>{})), (ids_t{1, 2, 3, 4, 5, 6}))
      << "an empty nin matches everything";
}

TEST_F(Filter, BetweenIsInclusiveAtBothEnds) {
  EXPECT_EQ(ids(field(&Order::total).between(15.0, 35.0)), (ids_t{2, 3, 4, 5}));
  EXPECT_EQ(ids(field(&Order::total).between(15.0, 15.0)), (ids_t{2, 4}));
  EXPECT_EQ(ids(field(&Order::total).between(35.0, 15.0)), ids_t{}) << "reversed bounds match nothing";
  EXPECT_EQ(ids(field(&Order::id).between(std::int64_t{2}, std::int64_t{4})), (ids_t{2, 3, 4}));
}

TEST_F(Filter, LikePercentIsAnchoredAtBothEnds) {
  EXPECT_EQ(ids(field(&Order::note).like("ab%")), (ids_t{1, 3})) << "\"ab%\" matches abc, not xabc";
  EXPECT_EQ(ids(field(&Order::note).like("%c")), (ids_t{1, 2, 3, 5}));
  EXPECT_EQ(ids(field(&Order::note).like("b%")), (ids_t{4}));
  EXPECT_EQ(ids(field(&Order::note).like("abc")), (ids_t{1})) << "no wildcard: the whole text";
  EXPECT_EQ(ids(field(&Order::note).like("%")), (ids_t{1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(ids(field(&Order::note).like("")), ids_t{});
}

TEST_F(Filter, LikeUnderscoreMatchesExactlyOneCharacter) {
  EXPECT_EQ(ids(field(&Order::note).like("a_c")), (ids_t{1, 5})) << "matches abc and a_c, not abbc";
  EXPECT_EQ(ids(field(&Order::note).like("a__c")), (ids_t{3}));
  EXPECT_EQ(ids(field(&Order::note).like("_____")), (ids_t{6}));
}

TEST_F(Filter, LikeWithSeveralPercentSigns) {
  EXPECT_EQ(ids(field(&Order::note).like("%b%c")), (ids_t{1, 2, 3}));
  EXPECT_EQ(ids(field(&Order::note).like("%a%a%")), (ids_t{4}));
  EXPECT_EQ(ids(field(&Order::note).like("a%b%c")), (ids_t{1, 3}));
  EXPECT_EQ(ids(field(&Order::note).like("%%p%l%")), (ids_t{6}));
}

TEST_F(Filter, NlikeIsTheNegationOfLike) {
  EXPECT_EQ(ids(field(&Order::note).nlike("ab%")), (ids_t{2, 4, 5, 6}));
  EXPECT_EQ(ids(field(&Order::note).nlike("a_c")), (ids_t{2, 3, 4, 6}));
  EXPECT_EQ(ids(field(&Order::note).nlike("%")), ids_t{});
}

TEST_F(Filter, IlikeMatchesAsciiLettersInEitherCase) {
  EXPECT_EQ(ids(field(&Order::note).like("AB%")), ids_t{}) << "like is case-sensitive";
  EXPECT_EQ(ids(field(&Order::note).ilike("AB%")), (ids_t{1, 3}));
  EXPECT_EQ(ids(field(&Order::note).ilike("%A%A%")), (ids_t{4}));
  EXPECT_EQ(ids(field(&Order::note).nilike("A_C")), (ids_t{2, 3, 4, 6}));
  EXPECT_EQ(ids(field(&Order::note).nilike("%")), ids_t{});
}

TEST_F(Filter, IlikeInJsonAndOnlyOnStrings) {
  auto hits = orders.find(R"({"where":{"note":{"ilike":"APP%"}}})");
  ASSERT_TRUE(hits);
  ASSERT_EQ(hits->size(), 1u);
  EXPECT_EQ((*hits)[0].value.note, "apple");
  auto bad = orders.find(R"({"where":{"total":{"nilike":"1%"}}})");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, relstore::errc::invalid_filter);
  EXPECT_NE(bad.error().message().find("total"), std::string::npos) << bad.error().message();
}

TEST_F(Filter, AndOrNest) {
  EXPECT_EQ(ids(field(&Order::total) > 10.0 && field(&Order::total) < 30.0), (ids_t{2, 3, 4}));
  EXPECT_EQ(ids(field(&Order::total) < 10.0 || field(&Order::total) > 40.0), (ids_t{1, 6}));
  EXPECT_EQ(ids((field(&Order::total) < 10.0 || field(&Order::total) > 40.0) && field(&Order::note).like("a%")),
            (ids_t{1, 6}));
  auto deeper = field(&Order::customerId) == data.ada.id &&
                (field(&Order::note) == "xabc" || (field(&Order::total) > 30.0 && field(&Order::note).like("a%")));
  EXPECT_EQ(ids(deeper), (ids_t{2, 5}));
  auto either = (field(&Order::customerId) == data.bob.id && field(&Order::total) < 20.0) ||
                (field(&Order::customerId) == data.ada.id && field(&Order::total) > 20.0);
  EXPECT_EQ(ids(either), (ids_t{4, 5}));
}

TEST_F(Filter, AnEmptyWhereMatchesEverything) {
  EXPECT_EQ(ids(relstore::where<Order>{}), (ids_t{1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(ids(filter<Order>{}), (ids_t{1, 2, 3, 4, 5, 6}));
}

// ------------------------------------------------------------ null

TEST_F(Filter, IsNullAndEqualsNullMatchNullFieldsOnly) {
  EXPECT_EQ(ids(field(&Order::couponId).is_null()), (ids_t{2, 4, 5}));
  EXPECT_EQ(ids(field(&Order::couponId) == relstore::null), (ids_t{2, 4, 5}));
  EXPECT_EQ(ids(field(&Order::couponId) == std::nullopt), (ids_t{2, 4, 5}));
}

TEST_F(Filter, IsNotNullMatchesSetFieldsOnly) {
  EXPECT_EQ(ids(field(&Order::couponId).is_not_null()), (ids_t{1, 3, 6}));
  EXPECT_EQ(ids(field(&Order::couponId) != relstore::null), (ids_t{1, 3, 6}));
}

TEST_F(Filter, NeqAValueMatchesNullFields) {
  EXPECT_EQ(ids(field(&Order::couponId) != data.coupon.id), (ids_t{2, 4, 5}));
  EXPECT_EQ(ids(field(&Order::couponId) != data.coupon.id + 1), (ids_t{1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(ids(field(&Order::couponId).nin({data.coupon.id})), (ids_t{2, 4, 5}));
}

TEST_F(Filter, OrderingComparisonsOnANullFieldAreFalse) {
  EXPECT_EQ(ids(field(&Order::couponId) > std::int64_t{0}), (ids_t{1, 3, 6}));
  EXPECT_EQ(ids(field(&Order::couponId) < data.coupon.id + 100), (ids_t{1, 3, 6}));
  EXPECT_EQ(ids(field(&Order::couponId).between(std::int64_t{-100}, data.coupon.id + 100)), (ids_t{1, 3, 6}));
  EXPECT_EQ(ids(field(&Order::couponId) == data.coupon.id), (ids_t{1, 3, 6}));
}

TEST_F(Filter, LikeOnANullStringIsFalseAndNlikeTrue) {
  auto customers = db.repo<Customer>();
  auto like = customers.find(filter<Customer>{}.where(field(&Customer::email).like("%"))).value();
  ASSERT_EQ(like.size(), 1u);
  EXPECT_EQ(like[0]->id, data.ada.id);
  auto nlike = customers.find(filter<Customer>{}.where(field(&Customer::email).nlike("%"))).value();
  ASSERT_EQ(nlike.size(), 1u);
  EXPECT_EQ(nlike[0]->id, data.bob.id);
  auto gt = customers.find(filter<Customer>{}.where(field(&Customer::email) > "")).value();
  ASSERT_EQ(gt.size(), 1u);
  EXPECT_EQ(gt[0]->id, data.ada.id);
}

// ------------------------------------------------------------ order

TEST_F(Filter, WithoutOrderResultsAreInKeyOrder) {
  EXPECT_EQ(ids(field(&Order::total) >= 15.0), (ids_t{2, 3, 4, 5, 6}));
}

TEST_F(Filter, OrderDescendingBreaksTiesByAscendingKey) {
  EXPECT_EQ(ids(filter<Order>{}.order(&Order::total, relstore::desc)), (ids_t{6, 5, 3, 2, 4, 1}));
  EXPECT_EQ(ids(filter<Order>{}.order(&Order::total)), (ids_t{1, 2, 4, 3, 5, 6}));
}

TEST_F(Filter, OrderOnSeveralFieldsAppliesThemInTurn) {
  EXPECT_EQ(ids(filter<Order>{}.order(&Order::total).order(&Order::note, relstore::desc)), (ids_t{1, 2, 4, 3, 5, 6}));
  EXPECT_EQ(ids(filter<Order>{}.order(&Order::total).order(&Order::note)), (ids_t{1, 4, 2, 3, 5, 6}));
  EXPECT_EQ(ids(filter<Order>{}.order(&Order::customerId, relstore::desc).order(&Order::total)),
            (ids_t{4, 3, 6, 1, 2, 5}));
  EXPECT_EQ(ids(filter<Order>{}.order(&Order::customerId).order(&Order::total, relstore::desc)),
            (ids_t{5, 2, 1, 6, 3, 4}));
}

TEST_F(Filter, OrderOnAStringFieldIsByteOrder) {
  EXPECT_EQ(ids(filter<Order>{}.order(&Order::note)), (ids_t{5, 3, 1, 6, 4, 2}));
  EXPECT_EQ(ids(filter<Order>{}.order(&Order::note, relstore::desc)), (ids_t{2, 4, 6, 1, 3, 5}));
}

TEST_F(Filter, OrderPutsNullsFirstAscendingAndLastDescending) {
  EXPECT_EQ(ids(filter<Order>{}.order(&Order::couponId)), (ids_t{2, 4, 5, 1, 3, 6}));
  EXPECT_EQ(ids(filter<Order>{}.order(&Order::couponId, relstore::desc)), (ids_t{1, 3, 6, 2, 4, 5}));
}

TEST_F(Filter, OrderAppliesToTheMatchesOfAWhere) {
  EXPECT_EQ(ids(filter<Order>{}.where(field(&Order::customerId) == data.ada.id).order(&Order::total, relstore::desc)),
            (ids_t{5, 2, 1}));
}

// ------------------------------------------------------------ paging

TEST_F(Filter, LimitKeepsTheFirstRows) {
  EXPECT_EQ(ids(filter<Order>{}.limit(2)), (ids_t{1, 2}));
  EXPECT_EQ(ids(filter<Order>{}.limit(6)), (ids_t{1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(ids(filter<Order>{}.limit(100)), (ids_t{1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(ids(filter<Order>{}.limit(0)), ids_t{});
}

TEST_F(Filter, SkipDropsTheFirstRows) {
  EXPECT_EQ(ids(filter<Order>{}.skip(4)), (ids_t{5, 6}));
  EXPECT_EQ(ids(filter<Order>{}.skip(0)), (ids_t{1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(ids(filter<Order>{}.skip(5)), (ids_t{6}));
}

TEST_F(Filter, SkipAtOrBeyondTheEndGivesNothing) {
  EXPECT_EQ(ids(filter<Order>{}.skip(6)), ids_t{});
  EXPECT_EQ(ids(filter<Order>{}.skip(1000)), ids_t{});
  EXPECT_EQ(ids(filter<Order>{}.skip(7).limit(3)), ids_t{});
}

TEST_F(Filter, SkipAndLimitPageAfterWhereAndOrder) {
  EXPECT_EQ(ids(filter<Order>{}.skip(2).limit(2)), (ids_t{3, 4}));
  EXPECT_EQ(ids(filter<Order>{}.order(&Order::total, relstore::desc).skip(1).limit(3)), (ids_t{5, 3, 2}));
  EXPECT_EQ(ids(filter<Order>{}.where(field(&Order::total) > 10.0).skip(3).limit(10)), (ids_t{5, 6}));
}

// ------------------------------------------------------------ fields

TEST_F(Filter, FieldsFillOnlyTheSelectedFields) {
  auto rows =
      orders.find(filter<Order>{}.fields(&Order::id, &Order::note).where(field(&Order::id) == std::int64_t{3})).value();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0]->id, 3);
  EXPECT_EQ(rows[0]->note, "abbc");
  EXPECT_EQ(rows[0]->customerId, 0) << "unselected fields are value-initialised";
  EXPECT_EQ(rows[0]->total, 0.0);
  EXPECT_EQ(rows[0]->couponId, std::nullopt);
}

TEST_F(Filter, FieldsSetTheRowsMask) {
  auto some = orders.find(filter<Order>{}.fields(&Order::id, &Order::note).limit(1)).value();
  ASSERT_EQ(some.size(), 1u);
  EXPECT_EQ(some[0].fields, bit("id") | bit("note"));
  auto all = orders.find(filter<Order>{}.limit(1)).value();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].fields & (bit("id") | bit("customerId") | bit("total") | bit("note") | bit("couponId")),
            bit("id") | bit("customerId") | bit("total") | bit("note") | bit("couponId"))
      << "without fields, every field is selected";
}

TEST_F(Filter, ToJsonOmitsUnselectedFields) {
  auto rows = orders.find(filter<Order>{}.fields(&Order::id, &Order::note).limit(1)).value();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].to_json(), R"({"id":1,"note":"abc"})");
  auto full = orders.find(filter<Order>{}.limit(1)).value();
  ASSERT_EQ(full.size(), 1u);
  EXPECT_EQ(full[0].to_json(), R"({"id":1,"customerId":1,"total":5,"note":"abc","couponId":1})");
}

TEST_F(Filter, WhereAndOrderStillSeeUnselectedFields) {
  auto rows = orders
                  .find(filter<Order>{}
                            .fields(&Order::id)
                            .where(field(&Order::total) > 20.0)
                            .order(&Order::total, relstore::desc))
                  .value();
  ids_t got;
  for (const auto& r : rows) {
    got.push_back(r->id);
    EXPECT_EQ(r->total, 0.0);
  }
  EXPECT_EQ(got, (ids_t{6, 5, 3}));
}

TEST_F(Filter, FieldsWithoutTheKeyValueInitialiseTheKey) {
  auto rows = orders.find(filter<Order>{}.fields(&Order::total).order(&Order::total, relstore::desc).limit(1)).value();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0]->id, 0);
  EXPECT_EQ(rows[0]->total, 45.0);
  EXPECT_EQ(rows[0].to_json(), R"({"total":45})");
}

// ------------------------------------------------------------ comparison across types

TEST_F(Filter, AnIntegerFieldComparesNumericallyWithADoubleOperand) {
  const ids_t bobs{3, 4, 6}, adas{1, 2, 5};
  EXPECT_EQ(ids(field(&Order::customerId) > 1.5), bobs);
  EXPECT_EQ(ids(field(&Order::customerId) >= 1.5), bobs);
  EXPECT_EQ(ids(field(&Order::customerId) < 1.5), adas);
  EXPECT_EQ(ids(field(&Order::customerId) <= 1.5), adas);
  EXPECT_EQ(ids(field(&Order::customerId) == 1.5), ids_t{}) << "no integer equals 1.5";
  EXPECT_EQ(ids(field(&Order::customerId) != 1.5), (ids_t{1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(ids(field(&Order::customerId) == 2.0), bobs);
}

TEST_F(Filter, ADoubleFieldComparesNumericallyWithAnIntegerOperand) {
  EXPECT_EQ(ids(field(&Order::total) == 15), (ids_t{2, 4}));
  EXPECT_EQ(ids(field(&Order::total) > 14), (ids_t{2, 3, 4, 5, 6}));
  EXPECT_EQ(ids(field(&Order::total).between(5, 15)), (ids_t{1, 2, 4}));
}

TEST_F(Filter, AWideIntegerOperandIsNotTruncatedToANarrowField) {
  auto order = orders.find_by_id(1).value();
  ASSERT_TRUE(db.repo<Order>().related<"lines">(order.id).create({.sku = "a", .qty = 1}));
  ASSERT_TRUE(db.repo<Order>().related<"lines">(order.id).create({.sku = "b", .qty = 7}));
  auto lines = db.repo<OrderLine>();
  const std::int64_t wide = (std::int64_t{1} << 32) + 1;  // 1 when truncated to 32 bits
  EXPECT_EQ(lines.count(field(&OrderLine::qty) == wide).value(), 0u);
  EXPECT_EQ(lines.count(field(&OrderLine::qty) < wide).value(), 2u);
  EXPECT_EQ(lines.count(field(&OrderLine::qty) == std::int64_t{7}).value(), 1u);
}

TEST_F(Filter, StringsCompareByteWise) {
  EXPECT_EQ(ids(field(&Order::note) > "b"), (ids_t{2, 4}));
  EXPECT_EQ(ids(field(&Order::note) >= "banana"), (ids_t{2, 4}));
  EXPECT_EQ(ids(field(&Order::note) < "abc"), (ids_t{3, 5})) << "\"abbc\" and \"a_c\" sort before \"abc\"";
  EXPECT_EQ(ids(field(&Order::note) <= "abc"), (ids_t{1, 3, 5}));
  EXPECT_EQ(ids(field(&Order::note).between(std::string("ab"), std::string("b"))), (ids_t{1, 3, 6}));
  EXPECT_EQ(ids(field(&Order::note) == "ABC"), ids_t{}) << "case-sensitive";
}

// ------------------------------------------------------------ invalid builder filters

TEST_F(Filter, AnOrderingComparisonWithNullIsInvalidFilter) {
  auto r = orders.find(
      filter<Order>{}.where(relstore::detail::spec_access::make<relstore::where<Order>>(relstore::detail::where_node{
          relstore::op::gt,
          static_cast<std::uint32_t>(relstore::model_info_of<Order>().find_field("couponId").value()),
          {relstore::null},
          {}})));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::invalid_filter);
  EXPECT_NE(r.error().message().find("Order.couponId"), std::string::npos) << r.error().message();
  EXPECT_NE(r.error().message().find("null"), std::string::npos) << r.error().message();
}

// ------------------------------------------------------------ index use

TEST_F(Filter, EqualityOnThePrimaryKeyUsesTheIdIndexAndExaminesOne) {
  ASSERT_EQ(seed_many().size(), 50u);
  auto f = filter<Order>{}.where(field(&Order::id) == std::int64_t{123});
  auto plan = orders.explain(f).value();
  EXPECT_EQ(plan.model, "Order");
  EXPECT_EQ(plan.access, access_kind::index_equal);
  EXPECT_EQ(plan.index, "id");
  EXPECT_EQ(plan.examined, 1u);
  EXPECT_EQ(plan.matched, 1u);
  auto rows = orders.find(f).value();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0]->id, 123);
}

TEST_F(Filter, EqualityOnAMissingPrimaryKeyExaminesNothing) {
  auto plan = orders.explain(filter<Order>{}.where(field(&Order::id) == std::int64_t{100000})).value();
  EXPECT_EQ(plan.access, access_kind::index_equal);
  EXPECT_EQ(plan.examined, 0u);
  EXPECT_EQ(plan.matched, 0u);
}

TEST_F(Filter, EqualityOnAForeignKeyExaminesOnlyThatParentsChildren) {
  const auto customers = seed_many();
  const std::int64_t target = customers[20];
  ASSERT_EQ(orders_of(target), 10u);
  auto f = filter<Order>{}.where(field(&Order::customerId) == target);
  auto plan = orders.explain(f).value();
  EXPECT_EQ(plan.access, access_kind::index_equal);
  EXPECT_EQ(plan.index, "customerId");
  EXPECT_EQ(plan.examined, orders_of(target));
  EXPECT_EQ(plan.matched, orders_of(target));
  auto rows = orders.find(f).value();
  ASSERT_EQ(rows.size(), orders_of(target));
  for (const auto& r : rows) EXPECT_EQ(r->customerId, target);
}

TEST_F(Filter, InqOnAForeignKeyLooksUpEachValue) {
  const auto customers = seed_many();
  const std::int64_t a = customers[20], b = customers[21];
  auto plan = orders.explain(filter<Order>{}.where(field(&Order::customerId).inq({a, b}))).value();
  EXPECT_EQ(plan.access, access_kind::index_in);
  EXPECT_EQ(plan.index, "customerId");
  EXPECT_EQ(plan.examined, orders_of(a) + orders_of(b));
  EXPECT_EQ(plan.matched, orders_of(a) + orders_of(b));
}

// Every index hashes, so a range on the primary key is a scan that still
// returns the right rows in key order.
TEST_F(Filter, ARangeOnThePrimaryKeyScansAndReturnsTheRangeInKeyOrder) {
  ASSERT_EQ(seed_many().size(), 50u);
  const std::size_t n = db.size<Order>();
  ASSERT_GT(n, 490u);
  auto gt = orders.explain(filter<Order>{}.where(field(&Order::id) > std::int64_t{490})).value();
  EXPECT_EQ(gt.access, access_kind::full_scan);
  EXPECT_EQ(gt.examined, n);
  EXPECT_EQ(gt.matched, n - 490);
  auto lte = orders.explain(filter<Order>{}.where(field(&Order::id) <= std::int64_t{3})).value();
  EXPECT_EQ(lte.matched, 3u);
  auto between = filter<Order>{}.where(field(&Order::id).between(std::int64_t{10}, std::int64_t{19}));
  EXPECT_EQ(orders.explain(between).value().matched, 10u);
  EXPECT_EQ(ids(between), (ids_t{10, 11, 12, 13, 14, 15, 16, 17, 18, 19}));
  // With an equality on the primary key in the same and, the key is looked up.
  auto one =
      orders.explain(filter<Order>{}.where(field(&Order::id) > std::int64_t{3} && field(&Order::id) == std::int64_t{7}))
          .value();
  EXPECT_EQ(one.access, access_kind::index_equal);
  EXPECT_EQ(one.examined, 1u);
  EXPECT_EQ(one.matched, 1u);
}

TEST_F(Filter, AWhereOnANonIndexedFieldScansEverything) {
  ASSERT_EQ(seed_many().size(), 50u);
  std::size_t expected = 0;
  db.for_each<Order>([&](const Order& o) { expected += o.total > 4.0 ? 1 : 0; });
  auto plan = orders.explain(filter<Order>{}.where(field(&Order::total) > 4.0)).value();
  EXPECT_EQ(plan.access, access_kind::full_scan);
  EXPECT_EQ(plan.index, "");
  EXPECT_EQ(plan.examined, db.size<Order>());
  EXPECT_EQ(plan.matched, expected);
}

TEST_F(Filter, AnAndOfAnIndexedEqualityAndAnotherConditionUsesTheIndex) {
  const auto customers = seed_many();
  const std::int64_t target = customers[7];
  auto f = filter<Order>{}.where(field(&Order::total) > 4.0 && field(&Order::customerId) == target);
  auto plan = orders.explain(f).value();
  EXPECT_EQ(plan.access, access_kind::index_equal);
  EXPECT_EQ(plan.index, "customerId");
  EXPECT_EQ(plan.examined, orders_of(target));
  EXPECT_EQ(plan.matched, 5u) << "totals 5..9 of 0..9";
  auto rows = orders.find(f).value();
  ASSERT_EQ(rows.size(), 5u);
  for (const auto& r : rows) {
    EXPECT_EQ(r->customerId, target);
    EXPECT_GT(r->total, 4.0);
  }
}

TEST_F(Filter, IndexedResultsAreStillInKeyOrder) {
  const auto customers = seed_many();
  const std::int64_t a = customers[30], b = customers[2];
  auto rows = orders.find(filter<Order>{}.where(field(&Order::customerId).inq({a, b}))).value();
  ASSERT_EQ(rows.size(), orders_of(a) + orders_of(b));
  for (std::size_t i = 1; i < rows.size(); ++i) EXPECT_LT(rows[i - 1]->id, rows[i]->id);
}

TEST_F(Filter, ExplainRejectsAnInvalidFilter) {
  auto plan = orders.explain(filter<Order>{}.where(relstore::detail::spec_access::make<relstore::where<Order>>(
      relstore::detail::where_node{relstore::op::between, 0, {std::int64_t{1}}, {}})));
  ASSERT_FALSE(plan);
  EXPECT_EQ(plan.error().code, errc::invalid_filter);
  EXPECT_NE(plan.error().message().find("Order.id"), std::string::npos) << plan.error().message();
}

}  // namespace

}  // namespace filter_test
