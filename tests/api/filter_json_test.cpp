// JSON filters in LoopBack's shape: the same meaning as the typed builder, and
// a clear invalid_filter (never a crash) for anything malformed.
#include <gtest/gtest.h>

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include "common/filter_seed.hpp"
#include "common/shop_schema.hpp"

namespace filter_json_test {

namespace {

using namespace shop;
using relstore::errc;
using relstore::field;
using relstore::filter;
using ids_t = std::vector<std::int64_t>;

class FilterJson : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_NO_FATAL_FAILURE(filter_seed::seed(db, data)); }

  static ids_t ids(const relstore::rows<Order>& rows) {
    ids_t out;
    for (const auto& o : rows) out.push_back(o->id);
    return out;
  }
  ids_t json_ids(const std::string& json) {
    auto r = orders.find(json);
    EXPECT_TRUE(r) << json << ": " << r.error().message();
    return r ? ids(*r) : ids_t{};
  }
  ids_t typed_ids(const filter<Order>& f) {
    auto r = orders.find(f);
    EXPECT_TRUE(r) << r.error().message();
    return r ? ids(*r) : ids_t{};
  }
  // The JSON filter returns exactly the rows, in the same order, that the
  // builder's filter returns; and those are `expected`.
  void expect_same(const std::string& json, const filter<Order>& typed, const ids_t& expected) {
    SCOPED_TRACE(json);
    const ids_t t = typed_ids(typed);
    EXPECT_EQ(t, expected) << "the builder";
    EXPECT_EQ(json_ids(json), t) << "JSON and builder differ";
  }
  void expect_same(const std::string& json, const relstore::where<Order>& w, const ids_t& expected) {
    expect_same(R"({"where":)" + json + "}", filter<Order>{}.where(w), expected);
  }
  // find(json) fails with invalid_filter, and the message names the model and
  // every one of `says`.
  void expect_invalid(const std::string& json, std::initializer_list<const char*> says) {
    SCOPED_TRACE(json);
    auto r = orders.find(json);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, errc::invalid_filter) << r.error().message();
    EXPECT_NE(r.error().message().find("Order"), std::string::npos) << r.error().message();
    for (const char* s : says)
      EXPECT_NE(r.error().message().find(s), std::string::npos) << s << ": " << r.error().message();
  }

  store db;
  filter_seed::seeded data;
  relstore::repository<schema, Order> orders = db.repo<Order>();
};

// ------------------------------------------------------------ operators

TEST_F(FilterJson, PlainValueAndEqMeanTheBuildersEq) {
  expect_same(R"({"total":15})", field(&Order::total) == 15.0, {2, 4});
  expect_same(R"({"total":{"eq":15}})", field(&Order::total) == 15.0, {2, 4});
  expect_same(R"({"note":"banana"})", field(&Order::note) == "banana", {4});
  expect_same(R"({"customerId":2})", field(&Order::customerId) == data.bob.id, {3, 4, 6});
}

TEST_F(FilterJson, NeqMeansTheBuildersNeq) {
  expect_same(R"({"total":{"neq":15}})", field(&Order::total) != 15.0, {1, 3, 5, 6});
  expect_same(R"({"couponId":{"neq":1}})", field(&Order::couponId) != data.coupon.id, {2, 4, 5});
}

TEST_F(FilterJson, GtGteLtLteMeanTheBuilders) {
  expect_same(R"({"total":{"gt":15}})", field(&Order::total) > 15.0, {3, 5, 6});
  expect_same(R"({"total":{"gte":15}})", field(&Order::total) >= 15.0, {2, 3, 4, 5, 6});
  expect_same(R"({"total":{"lt":25}})", field(&Order::total) < 25.0, {1, 2, 4});
  expect_same(R"({"total":{"lte":25}})", field(&Order::total) <= 25.0, {1, 2, 3, 4});
  expect_same(R"({"id":{"gt":4}})", field(&Order::id) > std::int64_t{4}, {5, 6});
  expect_same(R"({"note":{"gt":"b"}})", field(&Order::note) > "b", {2, 4});
  expect_same(R"({"note":{"lte":"abc"}})", field(&Order::note) <= "abc", {1, 3, 5});
}

TEST_F(FilterJson, InqAndNinMeanTheBuilders) {
  expect_same(R"({"total":{"inq":[5,45]}})", field(&Order::total).inq({5.0, 45.0}), {1, 6});
  expect_same(R"({"total":{"nin":[5,45]}})", field(&Order::total).nin({5.0, 45.0}), {2, 3, 4, 5});
  expect_same(R"({"note":{"inq":["apple","abc"]}})", field(&Order::note).inq({std::string("apple"), "abc"}), {1, 6});
  expect_same(R"({"customerId":{"inq":[2]}})", field(&Order::customerId).inq({data.bob.id}), {3, 4, 6});
  expect_same(R"({"total":{"inq":[]}})", field(&Order::total).inq(std::vector<double>{}), {});
}

TEST_F(FilterJson, InqAndNinWithNullMatchNullFields) {
  expect_same(R"({"couponId":{"inq":[null]}})", field(&Order::couponId).is_null(), {2, 4, 5});
  expect_same(R"({"couponId":{"nin":[null]}})", field(&Order::couponId).is_not_null(), {1, 3, 6});
  EXPECT_EQ(json_ids(R"({"where":{"couponId":{"inq":[null,1]}}})"), (ids_t{1, 2, 3, 4, 5, 6}));
}

TEST_F(FilterJson, BetweenMeansTheBuildersBetween) {
  expect_same(R"({"total":{"between":[15,35]}})", field(&Order::total).between(15.0, 35.0), {2, 3, 4, 5});
  expect_same(R"({"total":{"between":[35,15]}})", field(&Order::total).between(35.0, 15.0), {});
  expect_same(R"({"id":{"between":[2,4]}})", field(&Order::id).between(std::int64_t{2}, std::int64_t{4}), {2, 3, 4});
}

TEST_F(FilterJson, LikeAndNlikeMeanTheBuilders) {
  expect_same(R"({"note":{"like":"ab%"}})", field(&Order::note).like("ab%"), {1, 3});
  expect_same(R"({"note":{"like":"a_c"}})", field(&Order::note).like("a_c"), {1, 5});
  expect_same(R"({"note":{"like":"%b%c"}})", field(&Order::note).like("%b%c"), {1, 2, 3});
  expect_same(R"({"note":{"nlike":"ab%"}})", field(&Order::note).nlike("ab%"), {2, 4, 5, 6});
}

TEST_F(FilterJson, NullValueMatchesNullFields) {
  expect_same(R"({"couponId":null})", field(&Order::couponId).is_null(), {2, 4, 5});
  expect_same(R"({"couponId":{"eq":null}})", field(&Order::couponId) == relstore::null, {2, 4, 5});
  expect_same(R"({"couponId":{"neq":null}})", field(&Order::couponId).is_not_null(), {1, 3, 6});
  expect_same(R"({"couponId":{"gt":0}})", field(&Order::couponId) > std::int64_t{0}, {1, 3, 6});
}

TEST_F(FilterJson, NumbersCompareAcrossIntegerAndDouble) {
  EXPECT_EQ(json_ids(R"({"where":{"customerId":{"gt":1.5}}})"), (ids_t{3, 4, 6}));
  EXPECT_EQ(json_ids(R"({"where":{"customerId":{"gte":1.5}}})"), (ids_t{3, 4, 6}));
  EXPECT_EQ(json_ids(R"({"where":{"customerId":{"lt":1.5}}})"), (ids_t{1, 2, 5}));
  EXPECT_EQ(json_ids(R"({"where":{"customerId":1.5}})"), ids_t{});
  EXPECT_EQ(json_ids(R"({"where":{"total":{"gt":14}}})"), (ids_t{2, 3, 4, 5, 6}));
  EXPECT_EQ(json_ids(R"({"where":{"total":15.0}})"), (ids_t{2, 4}));
}

TEST_F(FilterJson, AnIntegralDoubleEqualsAnIndexedIntegerKey) {
  // customerId and id are indexed; 2.0 and 3.0 equal the integers 2 and 3.
  EXPECT_EQ(json_ids(R"({"where":{"customerId":2.0}})"), (ids_t{3, 4, 6}));
  EXPECT_EQ(json_ids(R"({"where":{"id":3.0}})"), (ids_t{3}));
  EXPECT_EQ(json_ids(R"({"where":{"id":{"inq":[1.0,3]}}})"), (ids_t{1, 3}));
  EXPECT_EQ(orders.count(R"({"customerId":2.0})").value(), 3u);
}

// ------------------------------------------------------------ combining

TEST_F(FilterJson, TheIssuesExample) {
  const std::string json = R"({"where":{"total":{"gt":10}},"order":["total DESC"],"limit":5})";
  expect_same(json, filter<Order>{}.where(field(&Order::total) > 10.0).order(&Order::total, relstore::desc).limit(5),
              {6, 5, 3, 2, 4});
  std::vector<double> totals;
  for (const auto& o : orders.find(json).value()) totals.push_back(o->total);
  EXPECT_EQ(totals, (std::vector<double>{45, 35, 25, 15, 15}));
}

TEST_F(FilterJson, MultipleKeysAreAnded) {
  expect_same(R"({"customerId":1,"total":{"gt":10}})",
              field(&Order::customerId) == data.ada.id && field(&Order::total) > 10.0, {2, 5});
  expect_same(R"({"customerId":2,"note":{"like":"a%"},"couponId":{"neq":null}})",
              field(&Order::customerId) == data.bob.id && field(&Order::note).like("a%") &&
                  field(&Order::couponId).is_not_null(),
              {3, 6});
}

TEST_F(FilterJson, MultipleOperatorsOnOneFieldAreAnded) {
  expect_same(R"({"total":{"gt":10,"lt":30}})", field(&Order::total) > 10.0 && field(&Order::total) < 30.0, {2, 3, 4});
  expect_same(R"({"note":{"like":"a%","nlike":"%c"}})",
              field(&Order::note).like("a%") && field(&Order::note).nlike("%c"), {6});
}

TEST_F(FilterJson, AndOrNestThreeDeep) {
  expect_same(R"({"or":[{"total":5},{"and":[{"customerId":2},{"or":[{"total":45},{"note":"banana"}]}]}]})",
              field(&Order::total) == 5.0 || (field(&Order::customerId) == data.bob.id &&
                                              (field(&Order::total) == 45.0 || field(&Order::note) == "banana")),
              {1, 4, 6});
  expect_same(
      R"({"and":[{"or":[{"and":[{"total":{"gte":15}},{"total":{"lte":25}}]},{"note":"apple"}]},{"couponId":null}]})",
      ((field(&Order::total) >= 15.0 && field(&Order::total) <= 25.0) || field(&Order::note) == "apple") &&
          field(&Order::couponId).is_null(),
      {2, 4});
}

TEST_F(FilterJson, AnAndOrArrayCombinesWithSiblingFields) {
  expect_same(R"({"customerId":1,"or":[{"total":5},{"total":35}]})",
              field(&Order::customerId) == data.ada.id && (field(&Order::total) == 5.0 || field(&Order::total) == 35.0),
              {1, 5});
}

// ------------------------------------------------------------ order

TEST_F(FilterJson, OrderAsASingleString) {
  expect_same(R"({"order":"total DESC"})", filter<Order>{}.order(&Order::total, relstore::desc), {6, 5, 3, 2, 4, 1});
}

TEST_F(FilterJson, OrderAsAnArrayAppliesEachInTurn) {
  expect_same(R"({"order":["customerId DESC","total ASC"]})",
              filter<Order>{}.order(&Order::customerId, relstore::desc).order(&Order::total), {4, 3, 6, 1, 2, 5});
  expect_same(R"({"order":["total","note DESC"]})",
              filter<Order>{}.order(&Order::total).order(&Order::note, relstore::desc), {1, 2, 4, 3, 5, 6});
}

TEST_F(FilterJson, OrderDirectionIsCaseInsensitiveAndDefaultsToAscending) {
  const auto up = filter<Order>{}.order(&Order::note);
  const auto down = filter<Order>{}.order(&Order::note, relstore::desc);
  expect_same(R"({"order":"note ASC"})", up, {5, 3, 1, 6, 4, 2});
  expect_same(R"({"order":"note asc"})", up, {5, 3, 1, 6, 4, 2});
  expect_same(R"({"order":"note"})", up, {5, 3, 1, 6, 4, 2});
  expect_same(R"({"order":["note"]})", up, {5, 3, 1, 6, 4, 2});
  expect_same(R"({"order":"note DESC"})", down, {2, 4, 6, 1, 3, 5});
  expect_same(R"({"order":"note desc"})", down, {2, 4, 6, 1, 3, 5});
  expect_same(R"({"order":"note Desc"})", down, {2, 4, 6, 1, 3, 5});
}

// ------------------------------------------------------------ fields and paging

TEST_F(FilterJson, FieldsAsAnArraySelectsThoseFields) {
  auto json = orders.find(R"({"fields":["id","note"],"limit":1})").value();
  auto typed = orders.find(filter<Order>{}.fields(&Order::id, &Order::note).limit(1)).value();
  ASSERT_EQ(json.size(), 1u);
  ASSERT_EQ(typed.size(), 1u);
  EXPECT_EQ(json[0].fields, typed[0].fields);
  EXPECT_EQ(json[0].value, typed[0].value);
  EXPECT_EQ(json[0].to_json(), R"({"id":1,"note":"abc"})");
  EXPECT_EQ(json[0]->total, 0.0);
}

TEST_F(FilterJson, FieldsAsAnObjectWithTrueSelectsOnlyThose) {
  auto rows = orders.find(R"({"fields":{"id":true,"total":true},"limit":1})").value();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].to_json(), R"({"id":1,"total":5})");
  EXPECT_EQ(rows[0]->note, "");
}

TEST_F(FilterJson, FieldsAsAnObjectWithFalseDropsThose) {
  auto rows = orders.find(R"({"fields":{"note":false},"limit":1})").value();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].to_json(), R"({"id":1,"customerId":1,"total":5,"couponId":1})");
  EXPECT_EQ(rows[0]->note, "");
  EXPECT_EQ(rows[0]->customerId, 1);
}

TEST_F(FilterJson, SkipAndOffsetPageWithLimit) {
  expect_same(R"({"skip":2,"limit":2})", filter<Order>{}.skip(2).limit(2), {3, 4});
  expect_same(R"({"offset":2,"limit":2})", filter<Order>{}.skip(2).limit(2), {3, 4});
  expect_same(R"({"order":"total DESC","skip":1,"limit":3})",
              filter<Order>{}.order(&Order::total, relstore::desc).skip(1).limit(3), {5, 3, 2});
  expect_same(R"({"skip":10})", filter<Order>{}.skip(10), {});
  expect_same(R"({"limit":0})", filter<Order>{}.limit(0), {});
}

TEST_F(FilterJson, SkipWithoutLimitIsNotCappedAtOneHundred) {
  for (int i = 0; i < 150; ++i) ASSERT_TRUE(orders.create({.customerId = data.ada.id, .total = 1}));
  const std::size_t all = db.size<Order>();
  ASSERT_GT(all, 102u);
  EXPECT_EQ(orders.find(R"({"skip":2})").value().size(), all - 2);
  EXPECT_EQ(orders.find(R"({"offset":2})").value().size(), all - 2);
  EXPECT_EQ(orders.find(R"({})").value().size(), all);
}

// ------------------------------------------------------------ malformed filters

TEST_F(FilterJson, TextThatIsNotJsonIsInvalidFilter) {
  expect_invalid("{", {"JSON"});
  expect_invalid("", {"JSON"});
  expect_invalid(R"({"where":})", {"JSON"});
  expect_invalid(R"({"limit":1} trailing)", {"JSON"});
}

TEST_F(FilterJson, AFilterThatIsNotAnObjectIsInvalidFilter) {
  expect_invalid("[1,2]", {"object"});
  expect_invalid("5", {"object"});
  expect_invalid(R"("where")", {"object"});
  expect_invalid("null", {"object"});
  expect_invalid(R"({"where":[]})", {"where"});
  expect_invalid(R"({"where":5})", {"where"});
}

TEST_F(FilterJson, AnUnknownTopLevelKeyIsNamed) {
  expect_invalid(R"({"wher":{"total":1}})", {"\"wher\""});
  expect_invalid(R"({"limit":1,"sort":"total"})", {"\"sort\""});
}

TEST_F(FilterJson, AnUnknownWhereFieldIsNamedWithItsModel) {
  expect_invalid(R"({"where":{"totl":1}})", {"Order", "\"totl\""});
  expect_invalid(R"({"where":{"or":[{"total":1},{"name":"Ada"}]}})", {"Order", "\"name\""});
}

TEST_F(FilterJson, AnUnknownOperatorIsNamed) {
  expect_invalid(R"({"where":{"total":{"greater":1}}})", {"\"greater\"", "total"});
  expect_invalid(R"({"where":{"total":{"GT":1}}})", {"\"GT\""});
}

TEST_F(FilterJson, AnOperandOfTheWrongTypeNamesTheFieldAndTheValue) {
  expect_invalid(R"({"where":{"total":"much"}})", {"total", "\"much\""});
  expect_invalid(R"({"where":{"total":{"gt":"much"}}})", {"total", "\"much\""});
  expect_invalid(R"({"where":{"note":{"lt":3}}})", {"note", "3"});
  expect_invalid(R"({"where":{"customerId":true}})", {"customerId", "true"});
  expect_invalid(R"({"where":{"total":{"inq":[1,"two"]}}})", {"total", "\"two\""});
  expect_invalid(R"({"where":{"total":{"gt":[1]}}})", {"total"});
  expect_invalid(R"({"where":{"total":{"eq":{"x":1}}}})", {"total"});
}

TEST_F(FilterJson, InqAndNinNeedAnArray) {
  expect_invalid(R"({"where":{"total":{"inq":5}}})", {"total", "inq", "array"});
  expect_invalid(R"({"where":{"total":{"nin":"5"}}})", {"total", "nin", "array"});
}

TEST_F(FilterJson, BetweenNeedsExactlyTwoValues) {
  expect_invalid(R"({"where":{"total":{"between":[1]}}})", {"total", "between", "2"});
  expect_invalid(R"({"where":{"total":{"between":[1,2,3]}}})", {"total", "between", "3"});
  expect_invalid(R"({"where":{"total":{"between":[]}}})", {"total", "between"});
  expect_invalid(R"({"where":{"total":{"between":5}}})", {"total", "between"});
}

TEST_F(FilterJson, ABadSortDirectionIsNamed) {
  expect_invalid(R"({"order":"total SIDEWAYS"})", {"SIDEWAYS"});
  expect_invalid(R"({"order":["id ASC","total UP"]})", {"UP"});
  expect_invalid(R"({"order":"total DESC id"})", {"total DESC id"});
}

TEST_F(FilterJson, OrderOnAnUnknownFieldIsNamed) {
  expect_invalid(R"({"order":"nope"})", {"\"nope\""});
  expect_invalid(R"({"order":["total DESC","nope ASC"]})", {"\"nope\""});
  expect_invalid(R"({"order":5})", {"order"});
}

TEST_F(FilterJson, ANegativeLimitOrSkipIsRejected) {
  expect_invalid(R"({"limit":-1})", {"limit", "-1"});
  expect_invalid(R"({"skip":-3})", {"skip", "-3"});
  expect_invalid(R"({"offset":-3})", {"-3"});
}

TEST_F(FilterJson, ANonIntegerLimitIsRejected) {
  expect_invalid(R"({"limit":1.5})", {"limit", "1.5"});
  expect_invalid(R"({"limit":"5"})", {"limit", "\"5\""});
  expect_invalid(R"({"limit":true})", {"limit"});
  expect_invalid(R"({"limit":null})", {"limit"});
  expect_invalid(R"({"skip":0.5})", {"skip"});
}

TEST_F(FilterJson, FieldsWithAnUnknownNameAreRejected) {
  expect_invalid(R"({"fields":["id","nope"]})", {"\"nope\""});
  expect_invalid(R"({"fields":{"nope":true}})", {"\"nope\""});
  expect_invalid(R"({"fields":{"id":1}})", {"fields"});
  expect_invalid(R"({"fields":"id"})", {"fields"});
}

TEST_F(FilterJson, LikeOnANonStringFieldIsRejected) {
  expect_invalid(R"({"where":{"total":{"like":"1%"}}})", {"total", "like"});
  expect_invalid(R"({"where":{"customerId":{"nlike":"1%"}}})", {"customerId", "nlike"});
  expect_invalid(R"({"where":{"note":{"like":5}}})", {"note", "like"});
}

TEST_F(FilterJson, AnOrderingComparisonWithNullIsRejected) {
  expect_invalid(R"({"where":{"total":{"gt":null}}})", {"total", "null"});
  expect_invalid(R"({"where":{"couponId":{"lte":null}}})", {"couponId", "null"});
  expect_invalid(R"({"where":{"total":{"between":[null,5]}}})", {"total", "null"});
  expect_invalid(R"({"where":{"note":{"like":null}}})", {"note"});
}

TEST_F(FilterJson, AndAndOrNeedArrays) {
  expect_invalid(R"({"where":{"and":{"total":1}}})", {"and", "array"});
  expect_invalid(R"({"where":{"or":[5]}})", {"where"});
  expect_invalid(R"({"where":{"total":{}}})", {"total"});
}

TEST_F(FilterJson, DeeplyNestedJsonIsInvalidFilterNotACrash) {
  const std::string arrays = std::string(10000, '[') + std::string(10000, ']');
  expect_invalid(arrays, {});
  std::string objects;
  for (int i = 0; i < 10000; ++i) objects += R"({"a":)";
  objects += "1" + std::string(10000, '}');
  expect_invalid(objects, {});
  std::string ors = R"({"where":)";
  for (int i = 0; i < 5000; ++i) ors += R"({"or":[)";
  ors += R"({"total":1})";
  for (int i = 0; i < 5000; ++i) ors += "]}";
  ors += "}";
  expect_invalid(ors, {});
  expect_invalid(R"({"where":{"total":)" + arrays + "}}", {});
}

TEST_F(FilterJson, ModeratelyNestedWheresStillWork) {
  std::string ors = R"({"where":)";
  for (int i = 0; i < 20; ++i) ors += R"({"or":[)";
  ors += R"({"total":45})";
  for (int i = 0; i < 20; ++i) ors += "]}";
  ors += "}";
  EXPECT_EQ(json_ids(ors), (ids_t{6}));
}

TEST_F(FilterJson, HugeNumbersNeverCrash) {
  // Each is either accepted (and then matches nothing that is not there) or
  // invalid_filter; never a crash or a wrong match.
  const char* cases[] = {
      R"({"where":{"total":{"gt":1e30}}})",
      R"({"where":{"total":{"lt":-1e30}}})",
      R"({"where":{"id":1e30}})",
      R"({"where":{"id":{"gt":1e30}}})",
      R"({"where":{"customerId":{"inq":[1e30,-1e30]}}})",
      R"({"where":{"id":100000000000000000000000000000}})",
      R"({"where":{"id":18446744073709551615}})",
      R"({"where":{"id":{"lt":-9223372036854775809}}})",
      R"({"limit":1e30})",
      R"({"skip":18446744073709551615})",
      R"({"skip":9223372036854775807})",
  };
  for (const char* json : cases) {
    SCOPED_TRACE(json);
    auto r = orders.find(json);
    if (r) {
      EXPECT_TRUE(r->empty()) << r->size() << " rows";
    } else {
      EXPECT_EQ(r.error().code, errc::invalid_filter) << r.error().message();
    }
  }
  auto big_limit = orders.find(R"({"limit":9223372036854775807})");
  ASSERT_TRUE(big_limit) << big_limit.error().message();
  EXPECT_EQ(big_limit->size(), db.size<Order>());
}

// ------------------------------------------------------------ where on count and delete

TEST_F(FilterJson, CountAndDeleteAllUseTheSameWhereLanguage) {
  EXPECT_EQ(orders.count(R"({"couponId":null})").value(), 3u);
  EXPECT_EQ(orders.count(R"({"or":[{"total":5},{"note":{"like":"ap%"}}]})").value(), 2u);
  EXPECT_EQ(orders.count("{}").value(), 6u);
  EXPECT_EQ(orders.delete_all(R"({"total":{"gt":30}})").value(), 2u);
  EXPECT_FALSE(orders.exists(5));
  EXPECT_FALSE(orders.exists(6));
  EXPECT_EQ(db.size<Order>(), 4u);
}

TEST_F(FilterJson, BadWheresOnCountAndDeleteAreInvalidFilterAndChangeNothing) {
  const store before = db;
  const char* bad[] = {
      "not json",
      "[]",
      R"({"nope":1})",
      R"({"total":{"inq":"x"}})",
      R"({"total":"much"})",
      R"({"total":{"between":[1]}})",
      R"({"total":{"greater":1}})",
      R"({"where":{"total":1}})",
  };
  auto mine = db.repo<Customer>().related<"orders">(data.ada.id);
  for (const char* json : bad) {
    SCOPED_TRACE(json);
    auto count = orders.count(json);
    ASSERT_FALSE(count);
    EXPECT_EQ(count.error().code, errc::invalid_filter);
    auto del = orders.delete_all(json);
    ASSERT_FALSE(del);
    EXPECT_EQ(del.error().code, errc::invalid_filter);
    auto parsed = orders.parse_where(json);
    ASSERT_FALSE(parsed);
    EXPECT_EQ(parsed.error().code, errc::invalid_filter);
    auto related_count = mine.count(json);
    ASSERT_FALSE(related_count);
    EXPECT_EQ(related_count.error().code, errc::invalid_filter);
    auto related_del = mine.delete_all(json);
    ASSERT_FALSE(related_del);
    EXPECT_EQ(related_del.error().code, errc::invalid_filter);
  }
  EXPECT_TRUE(db == before);
  EXPECT_EQ(db.size<Order>(), 6u);
}

TEST_F(FilterJson, ParseFilterGivesTheSameFilterAsFind) {
  const std::string json = R"({"where":{"note":{"like":"a%"}},"order":"total DESC","skip":1,"limit":2})";
  auto parsed = orders.parse_filter(json);
  ASSERT_TRUE(parsed) << parsed.error().message();
  EXPECT_EQ(typed_ids(*parsed), json_ids(json));
  EXPECT_EQ(json_ids(json), (ids_t{5, 3}));
  auto bad = orders.parse_filter(R"({"limit":-1})");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, errc::invalid_filter);
}

}  // namespace

}  // namespace filter_json_test
