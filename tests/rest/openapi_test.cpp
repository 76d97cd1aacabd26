// The OpenAPI document's schemas of the field types a game uses, and their
// routes: an array field is a JSON array of exactly its length.
#include <relstore/rest/openapi.hpp>
#include <relstore/rest/router.hpp>

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>

#include "common/game_schema.hpp"
#include "rest/game_backend.hpp"

namespace openapi_test {

namespace {

namespace json = boost::json;

TEST(OpenApi, AnArrayFieldIsAnArrayOfItsLength) {
  const json::value doc = json::parse(relstore::rest::openapi_document(game::store::registry(), "game", false));
  const auto& body = doc.at("components").at("schemas").at("Body").at("properties");
  const auto& position = body.at("position");
  EXPECT_EQ(position.at("type").as_string(), "array");
  EXPECT_EQ(position.at("minItems").as_int64(), 3);
  EXPECT_EQ(position.at("maxItems").as_int64(), 3);
  EXPECT_EQ(position.at("items").at("type").as_string(), "number");
  EXPECT_EQ(position.at("items").at("format").as_string(), "float");
  EXPECT_EQ(body.at("tilt").at("items").at("minimum").as_int64(), -128);
  EXPECT_EQ(body.at("tags").at("items").at("maximum").as_uint64(), UINT64_MAX);
  EXPECT_TRUE(body.at("color").at("nullable").as_bool());
  EXPECT_FALSE(body.at("color").at("items").as_object().contains("nullable"));
}

TEST(OpenApi, ArraysGoThroughTheRoutes) {
  game::store db;
  relstore::rest::store_backend<game::schema> backend{db};
  relstore::rest::router routes{backend};
  auto r = routes.handle({"POST", "/bodies", R"({"id":1,"position":[1,2.5,3],"color":[1,2,3,4]})"});
  ASSERT_EQ(r.status, 201u) << r.body;
  r = routes.handle({"GET", R"(/bodies?filter={"where":{"position":[1,2.5,3]}})", ""});
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.body, R"([{"id":1,"position":[1,2.5,3],"tilt":[0,0],"tags":[0,0],"velocity":[0,0],)"
                    R"("color":[1,2,3,4]}])");
  r = routes.handle({"PATCH", "/bodies/1", R"({"position":[1,2]})"});
  EXPECT_EQ(r.status, 422u) << r.body;
  EXPECT_NE(r.body.find("Body.position"), std::string::npos) << r.body;
  r = routes.handle({"GET", R"(/bodies?filter={"where":{"position":{"gt":[1,2,3]}}})", ""});
  EXPECT_EQ(r.status, 400u) << r.body;
}

}  // namespace

}  // namespace openapi_test
