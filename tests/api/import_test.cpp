// import_json: a dataset from JSON, with the checks a snapshot read applies.
#include "relstore/import.hpp"

#include <gtest/gtest.h>

#include <string>

#include "relstore/verify.hpp"

namespace {

using relstore::errc;

constexpr const char* schema = R"({"models":[
  {"name":"Customer","fields":[{"name":"id","type":"int64"},{"name":"name","type":"string"}]},
  {"name":"Order","fields":[{"name":"id","type":"int64"},{"name":"customerId","type":"int64"},
                            {"name":"total","type":"float64"}]}],
  "relations":[{"name":"orders","source":"Customer","target":"Order","onDelete":"cascade"}]})";

TEST(Import, BuildsADatasetAssigningMissingKeysPastTheGivenOnes) {
  auto ds = relstore::import_json(
      R"({"Customer":[{"id":5,"name":"Ada"},{"name":"Bob"}],"Order":[{"customerId":5,"total":2.5}]})", schema);
  ASSERT_TRUE(ds) << ds.error().message;
  const auto c = *ds->find_model("Customer");
  EXPECT_EQ(ds->rows(c), 2u);
  EXPECT_EQ(ds->get(c, 1, 0), relstore::value_view(std::int64_t{6}));
  EXPECT_TRUE(relstore::verify_dataset(*ds).empty());
  const auto& r = ds->schema().relations()[0];
  EXPECT_EQ(r.policy, relstore::on_delete::cascade);
  EXPECT_EQ(ds->schema().declaration(0).key_to, "customerId") << "LoopBack's inference";
}

TEST(Import, RefusesADanglingKeyWithTheVerifyCode) {
  auto ds = relstore::import_json(R"({"Order":[{"id":1,"customerId":9,"total":1}]})", schema);
  ASSERT_FALSE(ds);
  EXPECT_EQ(ds.error().code, errc::foreign_key_violation);
  EXPECT_NE(ds.error().message.find("Order.customerId = 9: no Customer with id 9"), std::string::npos)
      << ds.error().message;
  auto dup = relstore::import_json(R"({"Customer":[{"id":1,"name":"a"},{"id":1,"name":"b"}]})", schema);
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, errc::already_exists);
}

TEST(Import, RefusesWhatTheRegistryRefuses) {
  auto twice = relstore::import_json("{}", R"({"models":[{"name":"M","fields":[{"name":"id","type":"int64"},
                                                                               {"name":"id","type":"string"}]}]})");
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().code, errc::schema_error);
  EXPECT_NE(twice.error().message.find("field id appears twice"), std::string::npos) << twice.error().message;
  auto key = relstore::import_json("{}", R"({"models":[{"name":"P","fields":[{"name":"id","type":"int64"}]},
                          {"name":"C","fields":[{"name":"id","type":"int64"},{"name":"pId","type":"float64"}]}],
                "relations":[{"name":"cs","source":"P","target":"C"}]})");
  ASSERT_FALSE(key);
  EXPECT_NE(key.error().message.find("foreign key C.pId is float64 but P.id is int64"), std::string::npos)
      << key.error().message;
}

TEST(Import, SchemaJsonRoundTrips) {
  auto ds = relstore::import_json(R"({"Customer":[{"id":1,"name":"Ada"}]})", schema);
  ASSERT_TRUE(ds);
  const std::string text = relstore::schema_json(*ds);
  auto again = relstore::import_json("{}", text);
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(relstore::schema_json(*again), text);
}

// The checks a snapshot read applies, applied before anything is written.
TEST(Import, AppliesTheReadersChecksBeforeWriting) {
  auto exhausted =
      relstore::import_json(R"({"Customer":[{"id":9223372036854775807,"name":"edge"},{"name":"next"}]})", schema);
  ASSERT_FALSE(exhausted);
  EXPECT_EQ(exhausted.error().code, errc::key_space_exhausted);
  auto twice = relstore::import_json(R"({"Customer":[{"id":1,"name":"a"}],"Customer":[{"id":2,"name":"b"}]})", schema);
  ASSERT_FALSE(twice);
  EXPECT_NE(twice.error().message.find("names the key \"Customer\" twice"), std::string::npos) << twice.error().message;
  auto inf = relstore::import_json(R"({"Order":[]})", schema);
  ASSERT_TRUE(inf);
  auto huge =
      relstore::import_json(R"({"Customer":[{"id":1,"name":"a"}],"Order":[{"customerId":1,"total":1e400}]})", schema);
  ASSERT_FALSE(huge);
  EXPECT_NE(huge.error().message.find("beyond the range of a double"), std::string::npos) << huge.error().message;
  std::string models = R"({"models":[)";
  for (int i = 0; i < 4097; ++i) {
    models.append(i ? "," : "")
        .append(R"({"name":"M)")
        .append(std::to_string(i))
        .append(R"(","fields":[{"name":"id","type":"int64"}]})");
  }
  models += "]}";
  auto too_many = relstore::import_json("{}", models);
  ASSERT_FALSE(too_many);
  EXPECT_NE(too_many.error().message.find("4097 models (at most 4096)"), std::string::npos) << too_many.error().message;
  auto bad_name =
      relstore::import_json("{}", R"({"models":[{"name":"A\u001b[2J","fields":[{"name":"id","type":"int64"}]}]})");
  ASSERT_FALSE(bad_name);
  EXPECT_EQ(bad_name.error().code, errc::schema_error);
  EXPECT_EQ(bad_name.error().message.find('\x1b'), std::string::npos) << "escaped in the message";
}

}  // namespace
