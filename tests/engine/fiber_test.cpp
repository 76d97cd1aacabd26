// A fiber runs its body in slices on the thread that resumes it.
#include "relstore/detail/fiber.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace fiber_test {

namespace {

using relstore::detail::fiber;

TEST(Fiber, RunsItsBodyInSlicesBetweenTheCallersSteps) {
  std::vector<std::string> log;
  fiber* self = nullptr;
  fiber f([&] {
    log.push_back("a");
    self->yield();
    log.push_back("b");
    self->yield();
    log.push_back("c");
  });
  self = &f;
  EXPECT_TRUE(log.empty()) << "nothing runs before the first resume";
  f.resume();
  log.push_back("1");
  EXPECT_FALSE(f.done());
  f.resume();
  log.push_back("2");
  f.resume();
  EXPECT_TRUE(f.done());
  EXPECT_EQ(log, (std::vector<std::string>{"a", "1", "b", "2", "c"}));
}

TEST(Fiber, RunsOnTheThreadThatResumesIt) {
  std::thread::id seen;
  fiber f([&] { seen = std::this_thread::get_id(); });
  f.resume();
  EXPECT_EQ(seen, std::this_thread::get_id());
}

TEST(Fiber, KeepsItsLocalsAcrossYieldsAndCatchesItsOwnExceptions) {
  fiber* self = nullptr;
  int result = 0;
  fiber f([&] {
    std::vector<int> local(1000);
    for (int i = 0; i < 1000; ++i) {
      local[static_cast<std::size_t>(i)] = i;
      if (i % 100 == 0) self->yield();
    }
    try {
      throw std::runtime_error("inside");
    } catch (const std::runtime_error&) {
      self->yield();  // a yield inside a handler
      for (int v : local) result += v;
    }
  });
  self = &f;
  int turns = 0;
  while (!f.done()) {
    f.resume();
    ++turns;
  }
  EXPECT_EQ(result, 999 * 1000 / 2);
  EXPECT_EQ(turns, 12);
}

TEST(Fiber, AnExceptionLeavingTheBodyIsRethrownByResume) {
  fiber f([] { throw std::runtime_error("out of the body"); });
  EXPECT_THROW(f.resume(), std::runtime_error);
  EXPECT_TRUE(f.done());
}

TEST(Fiber, ManyFibersInterleave) {
  std::vector<int> order;
  std::vector<std::unique_ptr<fiber>> fibers;
  std::vector<fiber*> selves(3);
  for (int k = 0; k < 3; ++k) {
    fibers.push_back(std::make_unique<fiber>([&, k] {
      order.push_back(k);
      selves[static_cast<std::size_t>(k)]->yield();
      order.push_back(10 + k);
    }));
    selves[static_cast<std::size_t>(k)] = fibers.back().get();
  }
  for (auto& f : fibers) f->resume();
  for (auto it = fibers.rbegin(); it != fibers.rend(); ++it) (*it)->resume();
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 12, 11, 10}));
}

}  // namespace

}  // namespace fiber_test
