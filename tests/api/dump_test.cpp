// dump_dataset: a snapshot's rows as JSON Lines, through the query pipeline.
#include "relstore/dump.hpp"

#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "common/shop_schema.hpp"
#include "common/snapshot_helpers.hpp"

namespace {

using namespace shop;
using relstore::errc;

relstore::dataset sample() {
  store db;
  auto ada = db.repo<Customer>().create({.name = "Ada"}).value();
  for (double t : {30.0, 5.0, 12.0}) EXPECT_TRUE(db.repo<Customer>().related<"orders">(ada.id).create({.total = t}));
  return test::dataset_of(db);
}

TEST(Dump, WritesEveryModelInKeyOrderAsJsonLines) {
  std::ostringstream out;
  auto n = relstore::dump_dataset(sample(), "", "", out);
  ASSERT_TRUE(n) << n.error().message;
  EXPECT_EQ(*n, 4u);
  EXPECT_EQ(out.str(),
            "{\"model\":\"Customer\",\"row\":{\"id\":1,\"name\":\"Ada\",\"email\":null}}\n"
            "{\"model\":\"Order\",\"row\":{\"id\":1,\"customerId\":1,\"total\":30,\"note\":\"\",\"couponId\":null}}\n"
            "{\"model\":\"Order\",\"row\":{\"id\":2,\"customerId\":1,\"total\":5,\"note\":\"\",\"couponId\":null}}\n"
            "{\"model\":\"Order\",\"row\":{\"id\":3,\"customerId\":1,\"total\":12,\"note\":\"\",\"couponId\":null}}\n");
}

TEST(Dump, AppliesWhereOrderLimitAndFields) {
  std::ostringstream out;
  auto n = relstore::dump_dataset(sample(), "Order",
                                  R"({"where":{"total":{"gt":6}},"order":["total ASC"],"fields":["id","total"]})", out);
  ASSERT_TRUE(n) << n.error().message;
  EXPECT_EQ(out.str(),
            "{\"model\":\"Order\",\"row\":{\"id\":3,\"total\":12}}\n"
            "{\"model\":\"Order\",\"row\":{\"id\":1,\"total\":30}}\n");
}

TEST(Dump, RefusesAnUnknownModelABadFilterAndAFilterWithoutAModel) {
  std::ostringstream out;
  EXPECT_EQ(relstore::dump_dataset(sample(), "Ghost", "", out).error().code, errc::invalid_argument);
  EXPECT_EQ(relstore::dump_dataset(sample(), "", R"({"limit":1})", out).error().code, errc::invalid_argument);
  auto bad = relstore::dump_dataset(sample(), "Order", R"({"where":{"nope":1}})", out);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, errc::invalid_filter);
  EXPECT_NE(bad.error().message.find("nope"), std::string::npos);
  EXPECT_TRUE(out.str().empty());
}

}  // namespace
