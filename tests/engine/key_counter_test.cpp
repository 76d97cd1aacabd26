// key_counter: the one place that assigns automatic int64 keys.
#include "relstore/detail/key_counter.hpp"

#include <gtest/gtest.h>

#include <limits>

namespace key_counter_test {

namespace {

using relstore::detail::key_counter;
constexpr std::int64_t max = std::numeric_limits<std::int64_t>::max();

TEST(KeyCounter, StartsAtOneAndIncreases) {
  key_counter k;
  EXPECT_EQ(k.peek(), 1);
  EXPECT_EQ(k.take(), 1);
  EXPECT_EQ(k.take(), 2);
  EXPECT_EQ(k.peek(), 3);
}

TEST(KeyCounter, JumpsPastEveryKeySeenAndIgnoresSmallerOnes) {
  key_counter k;
  k.observe(41);
  EXPECT_EQ(k.take(), 42);
  k.observe(7);
  k.observe(-5);
  EXPECT_EQ(k.take(), 43);
}

TEST(KeyCounter, TheLargestKeyExhaustsItInsteadOfWrapping) {
  key_counter k;
  k.observe(max - 1);
  EXPECT_EQ(k.take(), max);
  EXPECT_FALSE(k.peek().has_value()) << "after INT64_MAX there is no automatic key";
  k.observe(5);
  EXPECT_FALSE(k.peek().has_value());

  key_counter seen;
  seen.observe(max);
  EXPECT_FALSE(seen.peek().has_value());
  seen.reset();
  EXPECT_EQ(seen.peek(), 1);
}

}  // namespace

}  // namespace key_counter_test
