// A cascade meeting a restrict (semantics.md): the end state is judged, so a
// restrict rejects a delete only if a child of a deleted parent would
// survive the whole operation, however deep the chain.
#include <gtest/gtest.h>

#include <cstdint>

#include "common/chain_schema.hpp"
#include "common/test_helpers.hpp"

namespace cascade_meets_restrict_test {

namespace {

using relstore::errc;
using relstore::field;
using test::has;

TEST(CascadeMeetsRestrict, ACascadeMeetingARestrictThreeLevelsDownRejectsTheWholeDelete) {
  relstore::store<chain::deep> cdb;
  ASSERT_TRUE(cdb.repo<chain::A>().create_all({{.id = 1}, {.id = 2}}));
  ASSERT_TRUE(cdb.repo<chain::B>().create_all({{.id = 1, .aId = 1}, {.id = 2, .aId = 2}}));
  ASSERT_TRUE(cdb.repo<chain::C>().create_all({{.id = 1, .bId = 1}, {.id = 2, .bId = 1}, {.id = 3, .bId = 2}}));
  ASSERT_TRUE(cdb.repo<chain::D>().create_all({{.id = 1, .cId = 2}, {.id = 2, .cId = 2}, {.id = 3, .cId = 3}}));
  const auto before = cdb;
  auto r = cdb.repo<chain::A>().delete_by_id(1);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::restrict_violation);
  EXPECT_TRUE(has(r.error().message(), "C.ds")) << r.error().message();
  EXPECT_TRUE(has(r.error().message(), "2 D")) << r.error().message();
  EXPECT_TRUE(cdb == before);
  EXPECT_EQ(cdb.size<chain::B>(), 2u);
  EXPECT_EQ(cdb.size<chain::C>(), 3u);

  // Once the blocking Ds are gone, the cascade runs through all three levels
  // and leaves the other chain alone.
  ASSERT_EQ(cdb.repo<chain::D>().delete_all(field(&chain::D::cId) == std::int64_t{2}).value(), 2u);
  ASSERT_TRUE(cdb.repo<chain::A>().delete_by_id(1));
  EXPECT_FALSE(cdb.repo<chain::B>().exists(1));
  EXPECT_FALSE(cdb.repo<chain::C>().exists(1));
  EXPECT_FALSE(cdb.repo<chain::C>().exists(2));
  EXPECT_EQ(cdb.size<chain::A>() + cdb.size<chain::B>() + cdb.size<chain::C>() + cdb.size<chain::D>(), 4u);
  EXPECT_TRUE(cdb.repo<chain::D>().exists(3));
}

// P -> Q cascade, P -> R cascade, Q -> R restrict.
TEST(CascadeMeetsRestrict, CascadeMeetsRestrictSucceedsWhenTheRestrictedChildIsDeletedToo) {
  relstore::store<chain::mixed> mdb;
  ASSERT_TRUE(mdb.repo<chain::P>().create_all({{.id = 1}, {.id = 2}}));
  ASSERT_TRUE(mdb.repo<chain::Q>().create_all({{.id = 1, .pId = 1}, {.id = 2, .pId = 1}, {.id = 3, .pId = 2}}));
  ASSERT_TRUE(mdb.repo<chain::R>().create_all(
      {{.id = 1, .pId = 1, .qId = 1}, {.id = 2, .pId = 1, .qId = 2}, {.id = 3, .pId = 2, .qId = 3}}));
  auto r = mdb.repo<chain::P>().delete_by_id(1);
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_FALSE(mdb.repo<chain::Q>().exists(1));
  EXPECT_FALSE(mdb.repo<chain::Q>().exists(2));
  EXPECT_FALSE(mdb.repo<chain::R>().exists(1));
  EXPECT_FALSE(mdb.repo<chain::R>().exists(2));
  EXPECT_EQ(mdb.size<chain::Q>(), 1u);
  EXPECT_EQ(mdb.size<chain::R>(), 1u);
}

TEST(CascadeMeetsRestrict, CascadeMeetsRestrictIsRejectedWhenTheRestrictedChildWouldSurvive) {
  relstore::store<chain::mixed> mdb;
  ASSERT_TRUE(mdb.repo<chain::P>().create_all({{.id = 1}, {.id = 2}}));
  ASSERT_TRUE(mdb.repo<chain::Q>().create({.id = 1, .pId = 1}));
  // R 1 belongs to P 2 but references Q 1 of P 1: deleting P 1 would leave it
  // pointing at a deleted Q.
  ASSERT_TRUE(mdb.repo<chain::R>().create({.id = 1, .pId = 2, .qId = 1}));
  const auto before = mdb;
  auto r = mdb.repo<chain::P>().delete_by_id(1);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::restrict_violation);
  EXPECT_TRUE(has(r.error().message(), "Q.rs")) << r.error().message();
  EXPECT_TRUE(has(r.error().message(), "1 R")) << r.error().message();
  EXPECT_TRUE(mdb == before);
  EXPECT_EQ(mdb.size<chain::Q>(), 1u);
}

// ------------------------------------------------------------ foreign keys

}  // namespace

}  // namespace cascade_meets_restrict_test
