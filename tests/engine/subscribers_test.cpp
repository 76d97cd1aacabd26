// subscriber_list: one model's observers, compacted as subscriptions end.
#include "relstore/detail/subscribers.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace subscribers_test {

namespace {

struct Thing {
  int id = 0;
};
using list = relstore::detail::subscriber_list<Thing>;

TEST(Subscribers, EndedSubscriptionsAreCompactedOnTheNextAdd) {
  list l;
  for (int i = 0; i < 100; ++i) l.remove(l.add(relstore::on_any_event, [](const auto&) {}));
  EXPECT_LE(l.entries.size(), 1u);
  EXPECT_EQ(l.mask, 0);
}

// Regression: a throwing callback left `delivering` set, so no later add
// compacted: every ended subscription stayed in the list for good.
TEST(Subscribers, ACallbackThatThrowsDoesNotStopCompaction) {
  list l;
  const std::uint64_t thrower = l.add(relstore::on_any_event, [](const auto&) { throw std::runtime_error("boom"); });
  const Thing t;
  const relstore::event<Thing> ev{relstore::event_kind::created, nullptr, &t, {}, nullptr};
  EXPECT_THROW(l.deliver(ev, l.recorded++), std::runtime_error);
  EXPECT_FALSE(l.delivering);
  l.remove(thrower);
  for (int i = 0; i < 100; ++i) l.remove(l.add(relstore::on_any_event, [](const auto&) {}));
  EXPECT_LE(l.entries.size(), 1u);
  int calls = 0;
  const std::uint64_t counter = l.add(relstore::on_create_event, [&](const auto&) { ++calls; });
  l.deliver(ev, l.recorded++);
  EXPECT_EQ(calls, 1);
  l.remove(counter);
}

}  // namespace

}  // namespace subscribers_test
