// The REST router without sockets: every route and every error status, and
// the store's state after each write.
#include <relstore/rest/paths.hpp>
#include <relstore/rest/router.hpp>

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "common/clinic_schema.hpp"
#include "common/shop_world.hpp"
#include "common/supplier_schema.hpp"
#include "rest/clinic_backend.hpp"
#include "rest/shop_backend.hpp"
#include "rest/supplier_backend.hpp"

namespace router_test {

namespace {

namespace json = boost::json;
using relstore::rest::request;
using relstore::rest::response;
using shop::Customer;
using shop::Order;
using shop::OrderLine;

class Router : public test::ShopWorld {
 protected:
  response call(std::string_view method, std::string_view target, std::string_view body = {}) {
    return routes.handle(request{method, target, body});
  }
  // The error's code, checking LoopBack's body shape on the way.
  static std::string code_of(const response& r) {
    const json::value v = json::parse(r.body);
    const auto& e = v.at("error");
    EXPECT_EQ(e.at("statusCode").as_int64(), static_cast<std::int64_t>(r.status)) << r.body;
    EXPECT_EQ(e.at("name").as_string(), relstore::rest::status_name(r.status));
    EXPECT_TRUE(e.at("message").is_string());
    return std::string(e.at("code").as_string());
  }
  static json::value body(const response& r) { return json::parse(r.body); }

  relstore::rest::store_backend<shop::schema> backend{db};
  relstore::rest::router routes{backend};
};

TEST(RestPaths, LoopBackNames) {
  using relstore::rest::path_of;
  EXPECT_EQ(path_of("Customer"), "customers");
  EXPECT_EQ(path_of("OrderLine"), "order-lines");
  EXPECT_EQ(path_of("Address"), "addresses");
  EXPECT_EQ(path_of("Category"), "categories");
  EXPECT_EQ(path_of("Key"), "keys");
  EXPECT_EQ(path_of("Box"), "boxes");
  EXPECT_EQ(path_of("HTTPLog"), "httplogs");
}

// A backend whose finds throw: a bug behind one route.
class throwing_backend final : public relstore::rest::backend {
 public:
  explicit throwing_backend(relstore::rest::backend& b) : b_(b) {}
  const relstore::registry& schema() const noexcept override { return b_.schema(); }
  relstore::result<std::string> find(std::size_t, std::string_view) const override {
    throw std::logic_error("a find went wrong");
  }
  relstore::result<std::size_t> count(std::size_t m, std::string_view w) const override { return b_.count(m, w); }
  relstore::result<std::string> find_by_id(std::size_t m, const relstore::value& id,
                                           std::string_view f) const override {
    return b_.find_by_id(m, id, f);
  }
  relstore::result<std::string> create(std::size_t m, std::string_view d) override { return b_.create(m, d); }
  relstore::result<std::size_t> update_all(std::size_t m, std::string_view w, std::string_view d) override {
    return b_.update_all(m, w, d);
  }
  relstore::result<void> update_by_id(std::size_t m, const relstore::value& id, std::string_view d) override {
    return b_.update_by_id(m, id, d);
  }
  relstore::result<void> replace_by_id(std::size_t m, const relstore::value& id, std::string_view d) override {
    return b_.replace_by_id(m, id, d);
  }
  relstore::result<void> delete_by_id(std::size_t m, const relstore::value& id) override {
    return b_.delete_by_id(m, id);
  }
  relstore::result<std::string> related_find(std::size_t r, const relstore::value& id,
                                             std::string_view f) const override {
    return b_.related_find(r, id, f);
  }
  relstore::result<std::string> related_create(std::size_t r, const relstore::value& id, std::string_view d) override {
    return b_.related_create(r, id, d);
  }
  relstore::result<std::size_t> related_patch(std::size_t r, const relstore::value& id, std::string_view w,
                                              std::string_view d) override {
    return b_.related_patch(r, id, w, d);
  }
  relstore::result<std::size_t> related_delete(std::size_t r, const relstore::value& id, std::string_view w) override {
    return b_.related_delete(r, id, w);
  }

 private:
  relstore::rest::backend& b_;
};

// An exception behind a route (a bug) is a 500 naming it, and the router goes
// on serving: a request must not stop the program that embeds the server.
TEST_F(Router, AnExceptionBehindARouteIs500AndTheNextRequestIsServed) {
  throwing_backend failing(backend);
  relstore::rest::router broken(failing);
  const response r = broken.handle(request{"GET", "/customers", {}});
  EXPECT_EQ(r.status, 500u);
  EXPECT_EQ(code_of(r), "INTERNAL_ERROR");
  EXPECT_NE(r.body.find("a find went wrong"), std::string::npos) << r.body;
  const response next = broken.handle(request{"GET", "/customers/count", {}});
  EXPECT_EQ(next.status, 200u) << next.body;
}

TEST_F(Router, FindAllFilteredAndCounted) {
  auto r = call("GET", "/customers");
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(body(r).as_array().size(), 2u);
  r = call("GET", R"(/customers?filter={"where":{"name":"Ada"}})");  // raw, as LoopBack clients send
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(body(r).as_array().at(0).at("name").as_string(), "Ada");
  r = call("GET", "/customers?filter=%7B%22where%22%3A%7B%22name%22%3A%22Bob%22%7D%7D");  // percent-encoded
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(body(r).as_array().at(0).at("name").as_string(), "Bob");
  r = call("GET", "/orders?filter[where][total][gt]=1&filter[limit]=5&filter[order][0]=id%20DESC");
  ASSERT_EQ(r.status, 200u) << r.body;
  ASSERT_EQ(body(r).as_array().size(), 1u);
  EXPECT_EQ(body(r).as_array().at(0).at("id").as_int64(), o2.id);
  r = call("GET", "/orders?filter[where][id][inq]=1&filter[where][id][inq]=2&filter[fields][]=id");
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(body(r).as_array().size(), 2u);
  EXPECT_FALSE(body(r).as_array().at(0).as_object().contains("total"));
  r = call("GET", "/customers/count");
  EXPECT_EQ(r.body, R"({"count":2})");
  r = call("GET", R"(/orders/count?where={"total":{"gte":2}})");
  EXPECT_EQ(r.body, R"({"count":1})");
  r = call("GET", "/orders/count?where[total]=1");
  EXPECT_EQ(r.body, R"({"count":1})");
}

TEST_F(Router, BadFiltersAre400) {
  for (const char* target : {R"(/customers?filter={"where":)", R"(/customers?filter={"limit":-1})",
                             R"(/customers?filter={"where":{"nope":1}})", R"(/customers/count?where=[)",
                             "/customers?filter=%zz", R"(/customers/1?filter={"include":["nope"]})"}) {
    const auto r = call("GET", target);
    EXPECT_EQ(r.status, 400u) << target << " " << r.body;
  }
  EXPECT_EQ(code_of(call("GET", R"(/customers?filter={"limit":-1})")), "INVALID_FILTER");
}

// Regressions: a first null was taken for "not set yet" and overwritten by
// the repeated key's next value; a number past a double's range became
// "not valid JSON".
TEST_F(Router, BracketFormKeepsANullAndNamesANumberOutOfRange) {
  ASSERT_TRUE(db.repo<Customer>().related<"orders">(bob.id).create({.total = 3}));  // no coupon
  auto r = call("GET", "/orders/count?where[couponId][inq]=null&where[couponId][inq]=999");
  ASSERT_EQ(r.status, 200u) << r.body;
  const std::string none = call("GET", R"(/orders/count?where={"couponId":{"inq":[null,999]}})").body;
  EXPECT_EQ(r.body, none);
  EXPECT_EQ(r.body, R"({"count":1})");
  r = call("GET", "/orders?filter[where][total]=1e400");
  ASSERT_EQ(r.status, 400u) << r.body;
  EXPECT_EQ(code_of(r), "INVALID_FILTER");
  EXPECT_NE(r.body.find("filter[where][total] = 1e400 is a number beyond the range of a double"), std::string::npos)
      << r.body;
}

// Regression: name[a]=1 then name[a][b]=2 replaced the 1 by {b: 2}, and a
// repeated parameter kept its first value only: a DELETE meant for one row
// deleted them all. Each such query is now refused and changes nothing.
TEST_F(Router, AConditionGivenTwoWaysIs400AndChangesNothing) {
  const std::string orders = call("GET", "/orders/count").body;
  const std::string one = "/customers/" + std::to_string(ada.id) + "/orders";
  for (const std::string& query :
       std::vector<std::string>{"?where[id]=" + std::to_string(o1.id) + "&where[id][gt]=0",
                                "?where[id][gt]=0&where[id]=1", "?where[id]=1&where[id][]=2",
                                R"(?where={"id":1}&where={"id":{"gt":0}})", R"(?where={"id":1}&where[id][gt]=0)"}) {
    const auto r = call("DELETE", one + query);
    EXPECT_EQ(r.status, 400u) << query << " " << r.body;
    EXPECT_EQ(code_of(r), "INVALID_FILTER") << query;
    EXPECT_EQ(call("GET", "/orders/count").body, orders) << query;
  }
  auto r = call("GET", R"(/orders?filter={"limit":1}&filter={"limit":2})");
  ASSERT_EQ(r.status, 400u) << r.body;
  EXPECT_NE(r.body.find("query parameter filter is given more than once"), std::string::npos) << r.body;
  // A condition in the parameter the route does not read (REGRESSION: ignored).
  for (const std::string& target : std::vector<std::string>{one + "?filter[where][id]=" + std::to_string(o1.id),
                                                            one + R"(?filter={"where":{"id":1}})"}) {
    const auto d = call("DELETE", target);
    EXPECT_EQ(d.status, 400u) << target << " " << d.body;
    EXPECT_EQ(call("GET", "/orders/count").body, orders) << target;
  }
  r = call("GET", "/orders?where[id]=1");
  ASSERT_EQ(r.status, 400u) << r.body;
  EXPECT_NE(r.body.find("query parameter where[id] is not read by this route, which takes filter"), std::string::npos)
      << r.body;
  EXPECT_EQ(call("PATCH", "/orders?filter[where][id]=1", R"({"note":"x"})").status, 400u);
  EXPECT_EQ(call("GET", R"(/orders/count?filter={"where":{"id":1}})").status, 400u);
  r = call("GET", "/orders/count?where[id]=1&where[id][gt]=0");
  EXPECT_NE(r.body.find("where[id][gt] names a part of what an earlier parameter set to a value"), std::string::npos)
      << r.body;
}

// Regression: a condition a route does not read was ignored: GET by id
// returned a row its where excludes, the belongsTo route dropped its whole
// filter, and a misspelled or empty where on DELETE deleted every child.
TEST_F(Router, AConditionNoRouteReadsIs400AndChangesNothing) {
  const std::string orders = call("GET", "/orders/count").body;
  const std::string one = "/customers/" + std::to_string(ada.id) + "/orders";
  const std::string o1_path = "/orders/" + std::to_string(o1.id);
  for (const auto& [method, target] :
       std::vector<std::pair<std::string, std::string>>{{"GET", o1_path + "?filter[where][total][gt]=1000"},
                                                        {"GET", o1_path + "/customer?filter[where][name]=Bob"},
                                                        {"DELETE", one + "?Where[total][gt]=50"},
                                                        {"DELETE", one + "?where="},
                                                        {"DELETE", one + "?where"},
                                                        {"DELETE", one + "?where%20[id]=999"},
                                                        {"DELETE", one + "?where%0A[id]=999"},
                                                        {"DELETE", one + "?where%C2%A0[id]=999"},
                                                        {"PATCH", "/orders?where%0D[id]=999"},
                                                        {"GET", "/openapi.json?where=1"},
                                                        {"DELETE", o1_path + "?filter[where][total][gt]=1000"},
                                                        {"PATCH", "/orders?FILTER[where][id]=999"},
                                                        {"POST", one + "?where[id]=1"}}) {
    const auto r = call(method, target, method == "PATCH" || method == "POST" ? R"({"note":"x"})" : "");
    EXPECT_EQ(r.status, 400u) << method << " " << target << " " << r.body;
    EXPECT_EQ(call("GET", "/orders/count").body, orders) << target;
  }
  EXPECT_EQ(call("GET", "/orders/count?where[note]=x").body, R"({"count":0})");
  // An empty filter or where on a read is absent, as LoopBack reads it.
  EXPECT_EQ(call("GET", "/orders/count?where=").body, orders);
  EXPECT_EQ(call("GET", "/orders?filter=").status, 200u);
  EXPECT_EQ(call("GET", o1_path + "?filter=").status, 200u);
  EXPECT_EQ(call("GET", o1_path + R"(?filter={"fields":["id"]})").status, 200u);
  auto typed =
      db.repo<Order>().find_by_id(o1.id, relstore::filter<Order>{}.where(relstore::field(&Order::total) > 1000.0));
  ASSERT_FALSE(typed);
  EXPECT_EQ(typed.error().code, relstore::errc::invalid_filter);
}

// Regression: a bracket-form number was read by Boost.JSON 1.81, one unit
// in the last place off for some decimals, so it missed the row the JSON
// form finds.
TEST_F(Router, ABracketNumberIsReadAsExactlyAsTheJsonForm) {
  ASSERT_TRUE(db.repo<Order>().update_by_id(o1.id, relstore::patch<Order>{}.set(&Order::total, 474.59380568556355)));
  EXPECT_EQ(call("GET", R"(/orders/count?where={"total":474.59380568556355})").body, R"({"count":1})");
  EXPECT_EQ(call("GET", "/orders/count?where[total]=474.59380568556355").body, R"({"count":1})");
  const auto r = call("GET", "/orders?filter[where][total]=474.59380568556355");
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(body(r).as_array().size(), 1u) << r.body;
}

// Regression: the decoded id's raw bytes went into the message, so the body
// was not JSON (JSON text is UTF-8).
TEST_F(Router, AnErrorEchoingBytesThatAreNotUtf8IsStillJson) {
  for (const char* target : {"/customers/%FF", "/customers/%C3", "/\xff\xfe", "/customers/%ED%A0%80"}) {
    const auto r = call("GET", target);
    EXPECT_TRUE(r.status == 400u || r.status == 404u) << target << " " << r.status;
    boost::system::error_code ec;
    const json::value v = json::parse(r.body, ec);
    ASSERT_FALSE(ec) << target << ": " << r.body;
    EXPECT_NE(std::string(v.at("error").at("message").as_string()).find("\xEF\xBF\xBD"), std::string::npos) << target;
  }
}

TEST_F(Router, FindById) {
  auto r = call("GET", "/customers/1");
  ASSERT_EQ(r.status, 200u);
  EXPECT_EQ(body(r).at("name").as_string(), "Ada");
  r = call("GET", R"(/customers/1?filter={"include":["orders"]})");
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(body(r).at("orders").as_array().size(), 2u);
  r = call("GET", "/customers/99");
  EXPECT_EQ(r.status, 404u);
  EXPECT_EQ(code_of(r), "NOT_FOUND");
  r = call("GET", "/customers/abc");
  EXPECT_EQ(r.status, 400u);
  EXPECT_EQ(code_of(r), "INVALID_PARAMETER_VALUE");
  EXPECT_EQ(call("GET", "/customers/1x").status, 400u);
}

TEST_F(Router, CreateAndItsErrors) {
  auto r = call("POST", "/customers", R"({"name":"Cy"})");
  ASSERT_EQ(r.status, 201u) << r.body;
  EXPECT_EQ(body(r).at("id").as_int64(), 3);
  EXPECT_EQ(db.size<Customer>(), 3u);

  r = call("POST", "/customers", R"({"name":)");
  EXPECT_EQ(r.status, 400u) << r.body;
  EXPECT_EQ(call("POST", "/customers", "[1]").status, 400u);
  EXPECT_EQ(call("POST", "/customers").status, 400u);
  r = call("POST", "/customers", R"({"name":"X","age":3})");
  EXPECT_EQ(r.status, 422u) << r.body;
  EXPECT_EQ(code_of(r), "INVALID_ARGUMENT");
  EXPECT_EQ(call("POST", "/customers", R"({"name":5})").status, 422u);
  EXPECT_EQ(call("POST", "/customers", R"({"name":"X","orders":[]})").status, 422u);
  r = call("POST", "/customers", R"({"id":1,"name":"Twin"})");
  EXPECT_EQ(r.status, 409u);
  EXPECT_EQ(code_of(r), "ALREADY_EXISTS");
  r = call("POST", "/orders", R"({"customerId":99,"total":1})");
  EXPECT_EQ(r.status, 422u);
  EXPECT_EQ(code_of(r), "FOREIGN_KEY_VIOLATION");
  EXPECT_EQ(db.size<Customer>(), 3u);
  EXPECT_EQ(db.size<Order>(), 2u);
}

// Regression: 400 or 422 was chosen by searching the message for "is not
// valid JSON", and a message quotes the body's property names.
TEST_F(Router, MalformedBodyIs400ByTheBodyNotTheMessage) {
  for (const char* quoting : {R"({"x is not valid JSON":1})", R"({"y must be a JSON object":1})"}) {
    const auto r = call("POST", "/customers", quoting);
    EXPECT_EQ(r.status, 422u) << r.body;
    EXPECT_EQ(code_of(r), "INVALID_ARGUMENT");
  }
  for (const char* malformed : {R"({"name":)", "[1]", "7"}) {
    for (const auto& [method, target] : {std::pair{"POST", "/customers"},
                                         {"PATCH", "/customers"},
                                         {"PATCH", "/customers/1"},
                                         {"PUT", "/customers/1"},
                                         {"POST", "/customers/1/orders"},
                                         {"PATCH", "/customers/1/orders"}}) {
      const auto r = call(method, target, malformed);
      EXPECT_EQ(r.status, 400u) << method << " " << target << " " << malformed << " " << r.body;
      EXPECT_EQ(code_of(r), "INVALID_ARGUMENT");
    }
  }
  // Well-formed but refused: 422. Deeper than the parser's limit: malformed.
  EXPECT_EQ(call("POST", "/customers", R"({"name":"a","name":"b"})").status, 422u);
  EXPECT_EQ(call("POST", "/customers", "{\"name\":" + std::string(70, '[') + std::string(70, ']') + "}").status, 400u);
  EXPECT_EQ(db.size<Customer>(), 2u);
  EXPECT_EQ(db.size<Order>(), 2u);
}

TEST_F(Router, PatchPutDeleteById) {
  auto r = call("PATCH", "/customers/1", R"({"email":"ada@x"})");
  ASSERT_EQ(r.status, 204u) << r.body;
  EXPECT_TRUE(r.body.empty());
  EXPECT_EQ(db.repo<Customer>().find_by_id(1)->email, "ada@x");
  EXPECT_EQ(call("PATCH", "/customers/99", R"({"name":"N"})").status, 404u);
  EXPECT_EQ(call("PATCH", "/orders/1", R"({"customerId":99})").status, 422u);
  EXPECT_EQ(call("PATCH", "/customers/1", R"({"id":7})").status, 409u);  // referenced key: restrict

  r = call("PUT", "/orders/1", R"({"customerId":2,"total":5})");
  ASSERT_EQ(r.status, 204u) << r.body;
  const Order o = db.repo<Order>().find_by_id(1).value();
  EXPECT_EQ(o.customerId, bob.id);
  EXPECT_EQ(o.note, "");  // left out: the default
  EXPECT_FALSE(o.couponId);
  EXPECT_EQ(call("PUT", "/orders/1", R"({"id":2,"customerId":2})").status, 422u);
  EXPECT_EQ(call("PUT", "/orders/99", R"({"customerId":2})").status, 404u);

  r = call("DELETE", "/customers/1");
  EXPECT_EQ(r.status, 409u);
  EXPECT_EQ(code_of(r), "RESTRICT_VIOLATION");
  EXPECT_EQ(call("DELETE", "/orders/2").status, 204u);
  EXPECT_EQ(db.size<OrderLine>(), 2u);  // o2's line cascaded
  EXPECT_EQ(call("DELETE", "/orders/2").status, 404u);
}

TEST_F(Router, UpdateAll) {
  auto r = call("PATCH", R"(/orders?where={"total":{"gt":0}})", R"({"note":"all"})");
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.body, R"({"count":2})");
  EXPECT_EQ(db.repo<Order>().count(R"({"note":"all"})").value(), 2u);
}

TEST_F(Router, HasMany) {
  auto r = call("GET", "/customers/1/orders");
  ASSERT_EQ(r.status, 200u);
  EXPECT_EQ(body(r).as_array().size(), 2u);
  r = call("GET", R"(/customers/1/orders?filter={"where":{"total":{"gt":1}},"limit":5})");
  ASSERT_EQ(body(r).as_array().size(), 1u);
  EXPECT_EQ(call("GET", "/customers/2/orders").body, "[]");
  // fields and include take the copying path, the rest reads in place.
  r = call("GET", R"(/customers/1/orders?filter={"fields":["id"],"order":["id DESC"]})");
  EXPECT_EQ(r.body, R"([{"id":2},{"id":1}])");
  r = call("GET", R"(/customers/1/orders?filter={"include":["lines"],"limit":1})");
  EXPECT_EQ(body(r).as_array().at(0).at("lines").as_array().size(), 2u);
  EXPECT_EQ(call("GET", "/customers/99/orders").status, 404u);

  r = call("POST", "/customers/2/orders", R"({"total":7})");
  ASSERT_EQ(r.status, 201u) << r.body;
  EXPECT_EQ(body(r).at("customerId").as_int64(), bob.id);
  r = call("POST", "/customers/99/orders", R"({"total":7})");  // LoopBack: 200 and a dangling order
  EXPECT_EQ(r.status, 404u);
  r = call("POST", "/customers/2/orders", R"({"customerId":1,"total":7})");
  EXPECT_EQ(r.status, 422u);
  EXPECT_EQ(code_of(r), "CONSTRAINT_VIOLATION");
  EXPECT_EQ(db.size<Order>(), 3u);

  r = call("PATCH", R"(/customers/1/orders?where={"total":1})", R"({"note":"patched"})");
  EXPECT_EQ(r.body, R"({"count":1})");
  EXPECT_EQ(db.repo<Order>().find_by_id(1)->note, "patched");
  r = call("PATCH", "/customers/1/orders", R"({"customerId":2})");  // LoopBack: an opaque 500
  EXPECT_EQ(r.status, 422u);
  EXPECT_EQ(db.repo<Order>().find_by_id(1)->customerId, ada.id);
  EXPECT_EQ(call("PATCH", "/customers/99/orders", R"({"note":"x"})").status, 404u);

  r = call("DELETE", R"(/customers/1/orders?where={"total":2})");
  EXPECT_EQ(r.body, R"({"count":1})");
  EXPECT_EQ(db.size<OrderLine>(), 2u);  // cascaded
  r = call("DELETE", "/customers/2/orders");
  EXPECT_EQ(r.body, R"({"count":1})");
  EXPECT_EQ(db.size<Order>(), 1u);  // Ada's first order untouched
}

TEST_F(Router, BelongsTo) {
  auto r = call("GET", "/orders/1/customer");
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(body(r).at("name").as_string(), "Ada");
  r = call("GET", "/orders/1/coupon");
  EXPECT_EQ(body(r).at("label").as_string(), "C");
  EXPECT_EQ(call("GET", "/orders/99/customer").status, 404u);
  EXPECT_EQ(call("PATCH", "/orders/1", R"({"couponId":null})").status, 204u);
  EXPECT_EQ(call("GET", "/orders/1/coupon").status, 404u);  // a null key
  r = call("POST", "/orders/1/customer", "{}");
  EXPECT_EQ(r.status, 405u);
  EXPECT_EQ(r.allow, "GET");
}

TEST_F(Router, StringKeysAndKeyFrom) {
  ASSERT_EQ(call("POST", "/accounts", R"({"code":"A-1"})").status, 201u);
  auto r = call("POST", "/accounts/1/sessions", R"({"token":"t 1"})");
  ASSERT_EQ(r.status, 201u) << r.body;
  EXPECT_EQ(body(r).at("accountCode").as_string(), "A-1");
  r = call("GET", "/sessions/t%201");
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(call("GET", "/sessions/t%201/account").status, 200u);
  EXPECT_EQ(body(call("GET", "/accounts/1/sessions")).as_array().size(), 1u);
}

TEST_F(Router, RoutesAndMethods) {
  auto r = call("GET", "/nothing");
  EXPECT_EQ(r.status, 404u);
  EXPECT_EQ(code_of(r), "ENDPOINT_NOT_FOUND");
  EXPECT_EQ(call("GET", "/customers/1/nope").status, 404u);
  EXPECT_EQ(call("GET", "/customers/1/orders/1").status, 404u);
  EXPECT_EQ(call("GET", "/").status, 404u);
  r = call("PUT", "/customers", "{}");
  EXPECT_EQ(r.status, 405u);
  EXPECT_EQ(r.allow, "GET, POST, PATCH");
  EXPECT_EQ(call("POST", "/customers/1", "{}").status, 405u);
  EXPECT_EQ(call("PUT", "/customers/1/orders", "{}").status, 405u);
  EXPECT_EQ(call("DELETE", "/customers/count").status, 405u);
  EXPECT_EQ(call("GET", "customers").status, 400u);
  EXPECT_EQ(call("GET", "/customers/").status, 200u);
}

TEST_F(Router, ReadOnlyRefusesWrites) {
  relstore::rest::router ro(backend, {.read_only = true});
  EXPECT_EQ(ro.handle({"GET", "/customers", ""}).status, 200u);
  for (const auto& [method, target] :
       std::vector<std::pair<const char*, const char*>>{{"POST", "/customers"},
                                                        {"PATCH", "/customers"},
                                                        {"PATCH", "/customers/1"},
                                                        {"PUT", "/customers/1"},
                                                        {"DELETE", "/customers/2"},
                                                        {"POST", "/customers/1/orders"},
                                                        {"DELETE", "/customers/1/orders"}}) {
    const auto r = ro.handle({method, target, R"({"name":"X"})"});
    EXPECT_EQ(r.status, 403u) << method << " " << target;
    EXPECT_EQ(code_of(r), "READ_ONLY");
  }
  EXPECT_EQ(db.size<Customer>(), 2u);
  EXPECT_EQ(db.size<Order>(), 2u);
}

TEST_F(Router, OpenApiAndSnapshotRoute) {
  auto r = call("GET", "/openapi.json");
  ASSERT_EQ(r.status, 200u);
  const json::value doc = body(r);
  EXPECT_EQ(doc.at("openapi").as_string(), "3.0.0");
  const auto& paths = doc.at("paths").as_object();
  for (const char* p : {"/customers", "/customers/count", "/customers/{id}", "/customers/{id}/orders",
                        "/orders/{id}/customer", "/order-lines/{id}/order", "/employees/{id}/reports"}) {
    EXPECT_TRUE(paths.contains(p)) << p;
  }
  EXPECT_FALSE(paths.contains("/snapshot"));
  EXPECT_EQ(doc.at("components").at("schemas").at("Order").at("properties").at("total").at("type").as_string(),
            "number");
  EXPECT_EQ(call("POST", "/snapshot").status, 404u);

  int saves = 0;
  relstore::rest::router with_save(backend, {.save = [&]() -> relstore::result<std::string> {
                                     ++saves;
                                     return std::string("/tmp/x.snap");
                                   }});
  r = with_save.handle({"POST", "/snapshot", ""});
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.body, R"({"saved":"/tmp/x.snap"})");
  EXPECT_EQ(saves, 1);
  EXPECT_TRUE(body(with_save.handle({"GET", "/openapi.json", ""})).at("paths").as_object().contains("/snapshot"));

  // A save that only starts (relstore-server's background save): 202, and
  // busy while the last one runs is 409.
  bool running = false;
  relstore::rest::router starts(backend, {.save = [&]() -> relstore::result<std::string> {
                                            if (running) return relstore::make_error(relstore::errc::busy, "busy");
                                            running = true;
                                            return std::string("/tmp/x.snap");
                                          },
                                          .save_starts = true});
  r = starts.handle({"POST", "/snapshot", ""});
  EXPECT_EQ(r.status, 202u);
  EXPECT_EQ(r.body, R"({"saving":"/tmp/x.snap"})");
  EXPECT_EQ(starts.handle({"POST", "/snapshot", ""}).status, 409u);
  const auto saves_doc = body(with_save.handle({"GET", "/openapi.json", ""})).at("paths").at("/snapshot").at("post");
  const auto starts_doc = body(starts.handle({"GET", "/openapi.json", ""})).at("paths").at("/snapshot").at("post");
  EXPECT_TRUE(saves_doc.at("responses").as_object().contains("200"));
  EXPECT_FALSE(saves_doc.at("responses").as_object().contains("202"));
  EXPECT_TRUE(starts_doc.at("responses").as_object().contains("202"));
  EXPECT_TRUE(starts_doc.at("responses").as_object().contains("409"));
  EXPECT_FALSE(starts_doc.at("responses").as_object().contains("200"));
}

TEST(RestStatus, EveryErrorCode) {
  using relstore::errc;
  using relstore::rest::status_of;
  auto s = [](errc c, std::string m = "x") { return status_of(relstore::make_error(c, std::move(m))); };
  EXPECT_EQ(s(errc::not_found), 404u);
  EXPECT_EQ(s(errc::already_exists), 409u);
  EXPECT_EQ(s(errc::busy), 409u);
  EXPECT_EQ(s(errc::restrict_violation), 409u);
  EXPECT_EQ(s(errc::foreign_key_violation), 422u);
  EXPECT_EQ(s(errc::constraint_violation), 422u);
  EXPECT_EQ(s(errc::invalid_argument), 422u);
  // Whatever its message says (error_response reads the body instead).
  EXPECT_EQ(s(errc::invalid_argument, "data for Order is not valid JSON: syntax error"), 422u);
  EXPECT_EQ(s(errc::invalid_filter), 400u);
  EXPECT_EQ(s(errc::limit_exceeded), 400u);
  EXPECT_EQ(s(errc::key_space_exhausted), 409u);
  EXPECT_EQ(s(errc::io_error), 500u);
  EXPECT_EQ(s(errc::schema_error), 500u);
}

TEST(RestHasOne, GetCreatePatchDelete) {
  suppliers::store db;
  using suppliers::Account;
  relstore::rest::store_backend<suppliers::schema> b(db);
  relstore::rest::router routes(b);
  ASSERT_EQ(routes.handle({"POST", "/suppliers", R"({"name":"S"})"}).status, 201u);
  EXPECT_EQ(routes.handle({"GET", "/suppliers/1/account", ""}).status, 404u);  // none yet
  auto r = routes.handle({"POST", "/suppliers/1/account", R"({"balance":5})"});
  ASSERT_EQ(r.status, 201u) << r.body;
  EXPECT_EQ(routes.handle({"POST", "/suppliers/1/account", R"({"balance":6})"}).status, 409u);  // at most one
  r = routes.handle({"GET", "/suppliers/1/account", ""});
  ASSERT_EQ(r.status, 200u);
  EXPECT_EQ(json::parse(r.body).at("balance").to_number<double>(), 5.0);
  // Regression: a where was parsed and then ignored on a has_one, so these
  // patched and deleted the account it excludes.
  EXPECT_EQ(routes.handle({"PATCH", R"(/suppliers/1/account?where={"balance":{"gt":100}})", R"({"balance":1})"}).body,
            R"({"count":0})");
  EXPECT_EQ(routes.handle({"DELETE", "/suppliers/1/account?where[balance][gt]=100", ""}).body, R"({"count":0})");
  EXPECT_EQ(db.repo<Account>().find_by_id(1)->balance, 5.0);
  EXPECT_EQ(routes.handle({"PATCH", "/suppliers/1/account?where[balance]=5", R"({"balance":9})"}).body,
            R"({"count":1})");
  EXPECT_EQ(db.repo<Account>().find_by_id(1)->balance, 9.0);
  // A condition in a parameter the route does not read is refused there too.
  EXPECT_EQ(routes.handle({"DELETE", "/suppliers/1/account?filter[where][balance][gt]=100", ""}).status, 400u);
  EXPECT_EQ(routes.handle({"GET", "/suppliers/1/account?where[balance]=1", ""}).status, 400u);
  EXPECT_EQ(db.size<Account>(), 1u);
  EXPECT_EQ(routes.handle({"DELETE", "/suppliers/1/account", ""}).body, R"({"count":1})");
  EXPECT_EQ(db.size<Account>(), 0u);
}

TEST(RestThrough, FindAndCreate) {
  clinic::store db;
  using clinic::Appointment;
  relstore::rest::store_backend<clinic::schema> b(db);
  relstore::rest::router routes(b);
  ASSERT_EQ(routes.handle({"POST", "/patients", R"({"name":"P"})"}).status, 201u);
  auto r = routes.handle({"POST", "/patients/1/doctors", R"({"name":"D","rank":2})"});
  ASSERT_EQ(r.status, 201u) << r.body;
  EXPECT_EQ(db.size<Appointment>(), 1u);  // linked
  r = routes.handle({"GET", "/patients/1/doctors", ""});
  ASSERT_EQ(r.status, 200u);
  EXPECT_EQ(json::parse(r.body).as_array().size(), 1u);
  EXPECT_EQ(routes.handle({"GET", "/doctors/1/patients", ""}).status, 200u);
  // A condition in a parameter the route does not read is refused, nothing deleted.
  EXPECT_EQ(routes.handle({"DELETE", "/patients/1/doctors?filter[where][rank]=9", ""}).status, 400u);
  EXPECT_EQ(routes.handle({"DELETE", "/patients/1/doctors?Where[rank]=9", ""}).status, 400u);
  EXPECT_EQ(routes.handle({"DELETE", "/patients/1/doctors?where[rank]=9", ""}).body, R"({"count":0})");
  EXPECT_EQ(db.size<clinic::Doctor>(), 1u);
  // The links go first, then the doctors they led to.
  EXPECT_EQ(routes.handle({"DELETE", "/patients/1/doctors", ""}).body, R"({"count":1})");
  EXPECT_EQ(db.size<clinic::Doctor>(), 0u);
  EXPECT_EQ(db.size<Appointment>(), 0u);
}

}  // namespace

}  // namespace router_test
