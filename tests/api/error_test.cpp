// result<T> and error: the std::expected-shaped members, the error category,
// and printing.
#include "relstore/error.hpp"

#include "relstore/assert.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <system_error>

namespace error_test {

namespace {

using relstore::errc;
using relstore::error;
using relstore::result;

result<int> half(int x) {
  if (x % 2 != 0) return relstore::make_error(errc::invalid_argument, std::to_string(x) + " is odd");
  return x / 2;
}

TEST(Result, AndThenChainsAndStopsAtTheFirstError) {
  auto ok = half(8).and_then(half).and_then(half);
  ASSERT_TRUE(ok);
  EXPECT_EQ(*ok, 1);
  auto bad = half(12).and_then(half).and_then(half).and_then(half);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message(), "3 is odd");
}

TEST(Result, TransformMapsValuesAndPassesErrorsThrough) {
  auto s = half(10).transform([](int v) { return std::to_string(v) + "!"; });
  static_assert(std::is_same_v<decltype(s), result<std::string>>);
  EXPECT_EQ(*s, "5!");
  int seen = 0;
  auto v = half(3).transform([&](int x) { seen = x; });
  static_assert(std::is_same_v<decltype(v), result<void>>);
  EXPECT_FALSE(v);
  EXPECT_EQ(seen, 0) << "not called on an error";
  auto from_void = result<void>().transform([] { return 7; });
  EXPECT_EQ(*from_void, 7);
}

TEST(Result, OrElseRecoversAndValueOrFallsBack) {
  auto r = half(3).or_else([](const error& e) -> result<int> { return static_cast<int>(e.message().size()); });
  EXPECT_EQ(*r, 8);
  EXPECT_EQ(half(3).value_or(-1), -1);
  EXPECT_EQ(half(4).value_or(-1), 2);
  auto kept = half(4).or_else([](const error&) -> result<int> { return 99; });
  EXPECT_EQ(*kept, 2);
}

TEST(Result, HoldsMoveOnlyValuesAndCopiesErrors) {
  result<std::unique_ptr<int>> p = std::make_unique<int>(4);
  auto q = std::move(p).transform([](std::unique_ptr<int> x) { return *x + 1; });
  EXPECT_EQ(*q, 5);
  result<std::string> e = relstore::make_error(errc::not_found, "gone");
  result<std::string> copy = e;
  e = std::string("back");
  EXPECT_EQ(copy.error().code, errc::not_found);
  EXPECT_EQ(*e, "back");
}

TEST(Error, ConvertsToAStdErrorCode) {
  const std::error_code ec = errc::restrict_violation;
  EXPECT_EQ(ec.category().name(), std::string("relstore"));
  EXPECT_EQ(ec.value(), 4);
  EXPECT_EQ(ec.message(), "restrict_violation");
  EXPECT_EQ((error{errc::io_error, "x"}.error_code()), relstore::make_error_code(errc::io_error));
  EXPECT_NE(ec, std::make_error_code(std::errc::permission_denied));
}

TEST(Error, PrintsItsCodeAndMessage) {
  std::ostringstream out;
  out << error{errc::not_found, "Customer with id 7 not found"};
  EXPECT_EQ(out.str(), "not_found: Customer with id 7 not found");
}

struct misuse : std::runtime_error {
  using std::runtime_error::runtime_error;
};
void throw_on_assert(const char*, const char* message, const char*, int) { throw misuse(message); }

// Reading the value of an error is misuse: the assertion carries the
// error's message, and a value reads as before.
TEST(Result, TheValueOfAnErrorIsAnAssertionThatNamesTheError) {
  auto previous = relstore::set_assert_handler(&throw_on_assert);
  result<int> odd = half(7);
  std::string said;
  try {
    (void)*odd;
  } catch (const misuse& e) {
    said = e.what();
  }
  EXPECT_EQ(said, "7 is odd");
  EXPECT_THROW((void)odd.value(), misuse);
  EXPECT_THROW((void)std::move(odd).value(), misuse);
  const result<int> even = half(8);
  EXPECT_EQ(*even, 4);
  EXPECT_EQ(even.value(), 4);
  relstore::set_assert_handler(previous);
}

}  // namespace

}  // namespace error_test
