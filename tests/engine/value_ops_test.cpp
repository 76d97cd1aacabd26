// The typed order an ordered index compares with (order_field_values) is the
// run-time order find and where use (compare_for_order), for every field
// type, nulls, NaN, signed zeros and the ends of each range.
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include <relstore/detail/reflect.hpp>
#include <relstore/detail/value_ops.hpp>

#include "common/game_schema.hpp"

namespace value_ops_test {

namespace {

using relstore::detail::compare_for_order;
using relstore::detail::order_field_values;
using relstore::detail::view_of;

int sign(int c) { return (c > 0) - (c < 0); }

template <class T>
void expect_same_order(const std::vector<T>& values) {
  for (std::size_t i = 0; i < values.size(); ++i) {
    for (std::size_t j = 0; j < values.size(); ++j) {
      const T a = values[i], b = values[j];
      EXPECT_EQ(sign(order_field_values(a, b)), sign(compare_for_order(view_of(a), view_of(b))))
          << "pair " << i << ", " << j;
    }
  }
}

template <class T>
std::vector<T> ends_of() {
  using lim = std::numeric_limits<T>;
  return {lim::lowest(), static_cast<T>(lim::lowest() + 1), T{}, T{1}, static_cast<T>(lim::max() - 1), lim::max()};
}

TEST(OrderFieldValues, IntegersOrderAsTheRunTimeOrder) {
  expect_same_order(ends_of<std::int8_t>());
  expect_same_order(ends_of<std::int16_t>());
  expect_same_order(ends_of<std::int32_t>());
  expect_same_order(ends_of<std::int64_t>());
  expect_same_order(ends_of<std::uint8_t>());
  expect_same_order(ends_of<std::uint16_t>());
  expect_same_order(ends_of<std::uint64_t>());
  expect_same_order(std::vector<bool>{false, true});
}

TEST(OrderFieldValues, FloatsPutNaNLastAndEqualZerosTogether) {
  const double nan = std::numeric_limits<double>::quiet_NaN(), inf = std::numeric_limits<double>::infinity();
  const std::vector<double> d{-inf, std::numeric_limits<double>::lowest(),
                              -1.5, -0.0,
                              0.0,  std::numeric_limits<double>::denorm_min(),
                              2.5,  inf,
                              nan,  -nan};
  expect_same_order(d);
  EXPECT_GT(order_field_values(nan, inf), 0);
  EXPECT_EQ(order_field_values(nan, -nan), 0);
  EXPECT_EQ(order_field_values(-0.0, 0.0), 0);
  const float fnan = std::numeric_limits<float>::quiet_NaN();
  expect_same_order(std::vector<float>{-1.0f, -0.0f, 0.0f, 0.1f, std::numeric_limits<float>::max(), fnan});
}

TEST(OrderFieldValues, NullsComeFirstAndStringsCompareBytewise) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  expect_same_order(std::vector<std::optional<double>>{std::nullopt, -1.0, 0.0, nan});
  expect_same_order(
      std::vector<std::optional<std::int64_t>>{std::nullopt, std::numeric_limits<std::int64_t>::min(), 3});
  expect_same_order(std::vector<std::string>{"", "a", "ab", "b", std::string("a\0b", 3), "\xff", "Z"});
  expect_same_order(std::vector<std::optional<std::string>>{std::nullopt, "", "x"});
}

TEST(OrderFieldValues, EnumsOrderByValueAndArraysElementByElement) {
  expect_same_order(std::vector<game::kind>{game::kind::potion, game::kind::sword, game::kind::shield});
  expect_same_order(std::vector<std::optional<game::kind>>{std::nullopt, game::kind::potion, game::kind::sword});
  const float nan = std::numeric_limits<float>::quiet_NaN();
  expect_same_order(std::vector<std::array<float, 3>>{
      {0, 0, 0}, {0, 0, 1}, {0, 1, 0}, {-1, 5, 5}, {0, nan, 0}, {0, 0, nan}, {nan, 0, 0}});
}

}  // namespace

namespace {

using relstore::detail::compare_numbers;

// A where's comparison (compare_numbers): doubles in their order, NaN
// unordered, and mixed integer and double operands compared exactly.
TEST(CompareNumbers, DoublesCompareAsDoublesAndMixedOperandsStayExact) {
  using lim = std::numeric_limits<double>;
  const std::vector<double> ordered = {-lim::infinity(),  lim::lowest(), -1.5, -lim::denorm_min(), 0.0,
                                       lim::denorm_min(), 1.0,           1.5,  lim::max(),         lim::infinity()};
  for (std::size_t i = 0; i < ordered.size(); ++i) {
    for (std::size_t j = 0; j < ordered.size(); ++j) {
      const auto c = compare_numbers(view_of(ordered[i]), view_of(ordered[j]));
      EXPECT_EQ(c, i < j ? -1 : i > j ? 1 : 0) << ordered[i] << " vs " << ordered[j];
    }
  }
  EXPECT_EQ(compare_numbers(view_of(-0.0), view_of(0.0)), 0);
  EXPECT_EQ(compare_numbers(view_of(lim::quiet_NaN()), view_of(1.0)), relstore::detail::unordered);
  EXPECT_EQ(compare_numbers(view_of(1.0), view_of(lim::quiet_NaN())), relstore::detail::unordered);
  // 2^53 + 1 is no double: against the double 2^53 it is greater, exactly.
  const std::int64_t big = (std::int64_t{1} << 53) + 1;
  EXPECT_EQ(compare_numbers(view_of(big), view_of(9007199254740992.0)), 1);
  EXPECT_EQ(compare_numbers(view_of(9007199254740992.0), view_of(big)), -1);
  EXPECT_EQ(compare_numbers(view_of(-big), view_of(-9007199254740992.0)), -1);
  EXPECT_EQ(compare_numbers(view_of(std::int64_t{1} << 53), view_of(9007199254740992.0)), 0);
  EXPECT_EQ(compare_numbers(view_of(std::int64_t{2}), view_of(1.5)), 1);
  EXPECT_EQ(compare_numbers(view_of(std::int64_t{-3}), view_of(-2.5)), -1);
  EXPECT_EQ(compare_numbers(view_of(std::int64_t{3}), view_of(lim::quiet_NaN())), relstore::detail::unordered);
}

}  // namespace

}  // namespace value_ops_test
