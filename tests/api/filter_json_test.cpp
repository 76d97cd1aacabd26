// JSON filters in LoopBack's shape: the same meaning as the builder, and a
// clear invalid_filter (never a crash) for anything malformed.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/shop_schema.hpp"

namespace {

using namespace shop;
using relstore::errc;
using relstore::field;
using relstore::filter;

class FilterJson : public ::testing::Test {
 protected:
  void SetUp() override {
    auto a = db.repo<Customer>().create({.name = "Ada"}).value();
    auto b = db.repo<Customer>().create({.name = "Bob"}).value();
    auto c = db.repo<Coupon>().create({.label = "C"}).value();
    const double totals[] = {5, 15, 25, 15, 35, 45};
    const char* notes[] = {"apple", "banana", "apricot", "cherry", "a_c", "abc"};
    for (int i = 0; i < 6; ++i) {
      ASSERT_TRUE(orders.create({.customerId = i % 2 ? b.id : a.id,
                                 .total = totals[i],
                                 .note = notes[i],
                                 .couponId = i % 3 == 0 ? std::optional<std::int64_t>(c.id) : std::nullopt}));
    }
  }
  std::vector<std::int64_t> json_ids(const std::string& json) {
    auto r = orders.find(json);
    EXPECT_TRUE(r) << json << ": " << r.error().message;
    return r ? ids(*r) : std::vector<std::int64_t>{};
  }
  std::vector<std::int64_t> typed_ids(const filter<Order>& f) { return ids(orders.find(f).value()); }
  static std::vector<std::int64_t> ids(const relstore::rows<Order>& rows) {
    std::vector<std::int64_t> out;
    for (const auto& o : rows) out.push_back(o->id);
    return out;
  }
  relstore::error bad(const std::string& json) {
    auto r = orders.find(json);
    EXPECT_FALSE(r) << json;
    return r ? relstore::error{} : r.error();
  }
  store db;
  relstore::repository<schema, Order> orders = db.repo<Order>();
};

TEST_F(FilterJson, EveryOperatorMeansWhatTheBuilderMeans) {
  EXPECT_EQ(json_ids(R"({"where":{"total":15}})"), typed_ids(filter<Order>{}.where(field(&Order::total) == 15.0)));
  EXPECT_EQ(json_ids(R"({"where":{"total":{"eq":15}}})"),
            typed_ids(filter<Order>{}.where(field(&Order::total) == 15.0)));
  EXPECT_EQ(json_ids(R"({"where":{"total":{"neq":15}}})"),
            typed_ids(filter<Order>{}.where(field(&Order::total) != 15.0)));
  EXPECT_EQ(json_ids(R"({"where":{"total":{"gt":15}}})"),
            typed_ids(filter<Order>{}.where(field(&Order::total) > 15.0)));
  EXPECT_EQ(json_ids(R"({"where":{"total":{"gte":15}}})"),
            typed_ids(filter<Order>{}.where(field(&Order::total) >= 15.0)));
  EXPECT_EQ(json_ids(R"({"where":{"total":{"lt":25}}})"),
            typed_ids(filter<Order>{}.where(field(&Order::total) < 25.0)));
  EXPECT_EQ(json_ids(R"({"where":{"total":{"lte":25}}})"),
            typed_ids(filter<Order>{}.where(field(&Order::total) <= 25.0)));
  EXPECT_EQ(json_ids(R"({"where":{"total":{"inq":[5,45]}}})"),
            typed_ids(filter<Order>{}.where(field(&Order::total).inq({5.0, 45.0}))));
  EXPECT_EQ(json_ids(R"({"where":{"total":{"nin":[5,45]}}})"),
            typed_ids(filter<Order>{}.where(field(&Order::total).nin({5.0, 45.0}))));
  EXPECT_EQ(json_ids(R"({"where":{"total":{"between":[15,35]}}})"),
            typed_ids(filter<Order>{}.where(field(&Order::total).between(15.0, 35.0))));
  EXPECT_EQ(json_ids(R"({"where":{"note":{"like":"a%c%"}}})"),
            typed_ids(filter<Order>{}.where(field(&Order::note).like("a%c%"))));
  EXPECT_EQ(json_ids(R"({"where":{"note":{"nlike":"a%"}}})"),
            typed_ids(filter<Order>{}.where(field(&Order::note).nlike("a%"))));
  EXPECT_EQ(json_ids(R"({"where":{"couponId":null}})"),
            typed_ids(filter<Order>{}.where(field(&Order::couponId).is_null())));
  EXPECT_EQ(json_ids(R"({"where":{"couponId":{"neq":null}}})"),
            typed_ids(filter<Order>{}.where(field(&Order::couponId).is_not_null())));
}

TEST_F(FilterJson, TheIssuesExample) {
  auto r = orders.find(R"({"where":{"total":{"gt":10}},"order":["total DESC"],"limit":5})").value();
  std::vector<double> totals;
  for (const auto& o : r) totals.push_back(o->total);
  EXPECT_EQ(totals, (std::vector<double>{45, 35, 25, 15, 15}));
}

TEST_F(FilterJson, ConditionsCombineWithAndAndOr) {
  EXPECT_EQ(json_ids(R"({"where":{"total":{"gt":10,"lt":30}}})"), (std::vector<std::int64_t>{2, 3, 4}));
  EXPECT_EQ(json_ids(R"({"where":{"customerId":1,"total":{"gt":10}}})"), (std::vector<std::int64_t>{3, 5}));
  EXPECT_EQ(
      json_ids(R"({"where":{"or":[{"total":5},{"and":[{"customerId":2},{"or":[{"total":45},{"note":"banana"}]}]}]}})"),
      (std::vector<std::int64_t>{1, 2, 6}));
}

TEST_F(FilterJson, OrderForms) {
  EXPECT_EQ(json_ids(R"({"order":"total DESC"})"), (std::vector<std::int64_t>{6, 5, 3, 2, 4, 1}));
  EXPECT_EQ(json_ids(R"({"order":["total desc","note ASC"]})"), (std::vector<std::int64_t>{6, 5, 3, 2, 4, 1}));
  EXPECT_EQ(json_ids(R"({"order":["total","note DESC"]})"), (std::vector<std::int64_t>{1, 4, 2, 3, 5, 6}));
}

TEST_F(FilterJson, FieldsForms) {
  auto arr = orders.find(R"({"fields":["id","note"],"limit":1})").value();
  EXPECT_EQ(arr[0].to_json(), R"({"id":1,"note":"apple"})");
  auto on = orders.find(R"({"fields":{"id":true},"limit":1})").value();
  EXPECT_EQ(on[0].to_json(), R"({"id":1})");
  auto off = orders.find(R"({"fields":{"note":false,"couponId":false},"limit":1})").value();
  EXPECT_EQ(off[0].to_json(), R"({"id":1,"customerId":1,"total":5})");
}

TEST_F(FilterJson, SkipWithoutLimitHasNoHiddenLimit) {
  for (int i = 0; i < 150; ++i) ASSERT_TRUE(orders.create({.customerId = 1}));
  EXPECT_EQ(orders.find(R"({"skip":2})").value().size(), 154u);
  EXPECT_EQ(json_ids(R"({"offset":1,"limit":2})"), (std::vector<std::int64_t>{2, 3}));
}

TEST_F(FilterJson, MalformedFiltersAreInvalidFilterWithAReason) {
  struct expectation {
    const char* json;
    const char* says;
  };
  const expectation cases[] = {
      {"{", "not valid JSON"},
      {"[1,2]", "must be a JSON object"},
      {R"({"wher":{}})", "unknown filter key \"wher\""},
      {R"({"where":{"totl":1}})", "unknown field \"totl\""},
      {R"({"where":{"total":{"greater":1}}})", "unknown operator \"greater\""},
      {R"({"where":{"total":"much"}})", "operand \"much\" is a string, but the field is float64"},
      {R"({"where":{"note":{"gt":3}}})", "Order.note"},
      {R"({"where":{"total":{"inq":5}}})", "inq needs an array"},
      {R"({"where":{"total":{"between":[1]}}})", "exactly 2 values, got 1"},
      {R"({"where":{"total":{"between":[1,2,3]}}})", "exactly 2 values, got 3"},
      {R"({"order":"total SIDEWAYS"})", "direction must be ASC or DESC"},
      {R"({"order":"nope"})", "unknown field \"nope\""},
      {R"({"order":5})", "order entries must be strings"},
      {R"({"limit":-1})", "limit must not be negative"},
      {R"({"limit":1.5})", "non-negative integer"},
      {R"({"limit":"5"})", "non-negative integer"},
      {R"({"skip":-3})", "skip must not be negative"},
      {R"({"fields":["id","nope"]})", "unknown field \"nope\""},
      {R"({"where":{"total":{"like":"a%"}}})", "needs a string field"},
      {R"({"where":{"total":{"gt":null}}})", "null is only allowed"},
      {R"({"where":{"and":{"total":1}}})", "needs an array"},
      {R"({"where":{"total":{}}})", "empty condition"},
      {R"({"where":{"total":{"gt":[1]}}})", "not a scalar"},
  };
  for (const auto& c : cases) {
    relstore::error e = bad(c.json);
    EXPECT_EQ(e.code, errc::invalid_filter) << c.json;
    EXPECT_NE(e.message.find(c.says), std::string::npos) << c.json << " -> " << e.message;
  }
}

TEST_F(FilterJson, HostileInputNeverCrashes) {
  const std::string deep = std::string(10000, '[') + std::string(10000, ']');
  EXPECT_EQ(bad(deep).code, errc::invalid_filter);
  std::string nested = R"({"where":)";
  for (int i = 0; i < 200; ++i) nested += R"({"or":[)";
  nested += R"({"total":1})";
  for (int i = 0; i < 200; ++i) nested += "]}";
  nested += "}";
  EXPECT_EQ(bad(nested).code, errc::invalid_filter);
  auto huge = orders.find(R"({"where":{"total":{"gt":1e300}}})");
  ASSERT_TRUE(huge);
  EXPECT_TRUE(huge->empty());
  auto big_int = orders.find(R"({"where":{"id":{"gt":18446744073709551615}}})");
  EXPECT_FALSE(big_int);
}

TEST_F(FilterJson, BadWheresOnCountAndDeleteChangeNothing) {
  const store before = db;
  EXPECT_EQ(orders.count(R"({"nope":1})").error().code, errc::invalid_filter);
  EXPECT_EQ(orders.delete_all(R"({"total":{"inq":"x"}})").error().code, errc::invalid_filter);
  EXPECT_EQ(orders.parse_where("not json").error().code, errc::invalid_filter);
  EXPECT_TRUE(db == before);
}

}  // namespace
