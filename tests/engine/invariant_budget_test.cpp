// Boost.MultiIndex invariant checking within a budget (invariant_budget.hpp):
// a small container is checked after every write, a big one about once per
// n/64 writes, and checking builds really route Boost's check through it.
#include <gtest/gtest.h>

#include <cstddef>
#include <string>

#include <relstore/detail/table_layout.hpp>

namespace invariant_budget_test {

namespace {

using relstore::detail::invariant_always_up_to;
using relstore::detail::invariant_check_due;

TEST(InvariantBudget, ASmallContainerIsCheckedAfterEveryWrite) {
  for (std::size_t size = 0; size <= invariant_always_up_to; ++size) {
    for (int write = 0; write < 100; ++write) ASSERT_TRUE(invariant_check_due(size)) << size;
  }
}

TEST(InvariantBudget, ABigContainerIsCheckedAboutOncePerItsSizeOver64Writes) {
  for (const std::size_t size : {std::size_t{128}, std::size_t{6'400}, std::size_t{100'000}}) {
    const int writes = 2'000'000;
    int checks = 0;
    for (int w = 0; w < writes; ++w) checks += invariant_check_due(size) ? 1 : 0;
    const double expected =
        static_cast<double>(writes) * static_cast<double>(invariant_always_up_to) / static_cast<double>(size);
    EXPECT_GT(checks, expected * 0.8) << size;
    EXPECT_LT(checks, expected * 1.2) << size;
  }
}

#ifdef BOOST_MULTI_INDEX_ENABLE_INVARIANT_CHECKING
#define RELSTORE_TEST_STR2(...) #__VA_ARGS__
#define RELSTORE_TEST_STR(...) RELSTORE_TEST_STR2(__VA_ARGS__)
TEST(InvariantBudget, BoostChecksTheInvariantThroughTheBudget) {
  const std::string assert_text = RELSTORE_TEST_STR(BOOST_MULTI_INDEX_INVARIANT_ASSERT(x));
  EXPECT_NE(assert_text.find("invariant_check_due"), std::string::npos) << assert_text;
}
#endif

}  // namespace

}  // namespace invariant_budget_test
