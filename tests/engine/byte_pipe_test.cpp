// A byte pipe carries bytes and tasks, in order, from a producer that never
// waits to a consumer thread.
#include "relstore/detail/byte_pipe.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace byte_pipe_test {

namespace {

using relstore::detail::byte_pipe;

// Fails every write once `fail` is set.
class failing_buf : public std::stringbuf {
 public:
  std::atomic<bool> fail{false};

 protected:
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    if (fail) return 0;
    return std::stringbuf::xsputn(s, n);
  }
};

TEST(BytePipe, CarriesBytesAndTasksInOrder) {
  byte_pipe pipe;
  std::ostringstream out;
  std::vector<std::size_t> seen_at;  // the bytes written out when each task ran
  std::thread consumer([&] { ASSERT_TRUE(pipe.drain_into(out)); });
  std::string expected;
  for (int i = 0; i < 2000; ++i) {
    const std::string chunk(static_cast<std::size_t>(1000 + i % 7), static_cast<char>('a' + i % 26));
    pipe.stream() << chunk;
    expected += chunk;
    if (i % 500 == 499) {
      pipe.stream().flush();
      const std::size_t before = expected.size();
      pipe.post([&, before] {
        seen_at.push_back(out.str().size());
        EXPECT_EQ(out.str().size(), before) << "a task runs after the bytes written before it";
      });
    }
  }
  pipe.close({});
  consumer.join();
  EXPECT_EQ(out.str(), expected);
  EXPECT_EQ(seen_at.size(), 4U);
  EXPECT_GE(pipe.buffer_memory(), byte_pipe::buffer_bytes);
}

TEST(BytePipe, TheProducerDoesNotWaitForTheConsumerUpToMaxQueuedBuffers) {
  byte_pipe pipe;  // without when_full: a producer past the cap would wait here, for good
  std::atomic<bool> go{false};
  std::ostringstream out;
  std::thread consumer([&] {
    while (!go) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    ASSERT_TRUE(pipe.drain_into(out));
  });
  const std::string chunk(byte_pipe::buffer_bytes, 'x');
  for (std::size_t i = 0; i < byte_pipe::max_queued; ++i) pipe.stream() << chunk;  // while the consumer sleeps
  EXPECT_TRUE(pipe.stream().good());
  go = true;
  pipe.close({});
  consumer.join();
  EXPECT_EQ(out.str().size(), byte_pipe::max_queued * byte_pipe::buffer_bytes);
}

// Counts what it is given, for a producer on another thread to watch.
class counting_buf : public std::streambuf {
 public:
  std::atomic<std::size_t> bytes{0};

 protected:
  std::streamsize xsputn(const char*, std::streamsize n) override {
    bytes += static_cast<std::size_t>(n);
    return n;
  }
};

// The producer's buffers are ones the consumer allocated and touched: the
// producer faults in no page of its own while the consumer keeps up.
TEST(BytePipe, AProducerThatTheConsumerKeepsUpWithAllocatesNothing) {
  byte_pipe pipe;
  counting_buf sink;
  std::ostream out(&sink);
  std::thread consumer([&] { ASSERT_TRUE(pipe.drain_into(out)); });
  const auto wait_for = [](auto done) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (!done() && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    return done();
  };
  ASSERT_TRUE(wait_for([&] { return pipe.buffer_memory() >= byte_pipe::ready_spares * byte_pipe::buffer_bytes; }));
  const std::string chunk(byte_pipe::buffer_bytes, 'q');
  for (std::size_t i = 1; i <= 20; ++i) {
    pipe.stream() << chunk;
    pipe.stream().flush();
    ASSERT_TRUE(wait_for([&] { return sink.bytes.load() == i * chunk.size(); }));
  }
  pipe.close({});
  consumer.join();
  EXPECT_EQ(pipe.producer_allocations(), 0U);
  EXPECT_LE(pipe.buffer_memory(), (byte_pipe::ready_spares + 2) * byte_pipe::buffer_bytes) << "buffers are reused";
}

// A disk that lags holds the producer at max_queued buffers: it is told
// (when_full) instead of queueing the whole file in memory.
TEST(BytePipe, AProducerMaxQueuedBuffersAheadIsToldTheConsumerLags) {
  std::atomic<bool> go{false};
  int told = 0;
  byte_pipe pipe([&] {
    ++told;
    go = true;  // the disk catches up
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  });
  counting_buf sink;
  std::ostream out(&sink);
  std::thread consumer([&] {
    while (!go) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    ASSERT_TRUE(pipe.drain_into(out));
  });
  const std::size_t total = (byte_pipe::max_queued + 8) * byte_pipe::buffer_bytes;
  const std::string chunk(byte_pipe::buffer_bytes, 'w');
  for (std::size_t n = 0; n < total; n += chunk.size()) pipe.stream() << chunk;
  EXPECT_GT(told, 0);
  pipe.close({});
  consumer.join();
  EXPECT_EQ(sink.bytes.load(), total);
  EXPECT_LE(pipe.buffer_memory(), (byte_pipe::max_queued + byte_pipe::ready_spares + 2) * byte_pipe::buffer_bytes);
}

TEST(BytePipe, AFailedOutputBreaksThePipeAndTheTasksStillRun) {
  byte_pipe pipe;
  failing_buf sink;
  std::ostream out(&sink);
  sink.fail = true;
  int tasks = 0;
  relstore::result<void> drained;
  std::thread consumer([&] { drained = pipe.drain_into(out); });
  pipe.stream() << std::string(byte_pipe::buffer_bytes * 2, 'y');
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!pipe.broken() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  EXPECT_TRUE(pipe.broken());
  pipe.stream() << std::string(byte_pipe::buffer_bytes * 2, 'z');
  EXPECT_FALSE(pipe.stream().good()) << "the producer is told to stop";
  pipe.post([&] { ++tasks; });
  pipe.close(relstore::make_error(relstore::errc::io_error, "the encoder stopped"));
  consumer.join();
  EXPECT_EQ(tasks, 1);
  ASSERT_FALSE(drained);
  EXPECT_EQ(drained.error().message(), "the encoder stopped");
}

TEST(BytePipe, DrainRestRunsTheTasksAndDropsTheBytes) {
  byte_pipe pipe;
  int tasks = 0;
  std::thread consumer([&] { pipe.drain_rest(); });
  pipe.post([&] { ++tasks; });
  pipe.stream() << "dropped";
  pipe.close({});
  consumer.join();
  EXPECT_EQ(tasks, 1);
  EXPECT_TRUE(pipe.broken());
}

}  // namespace

}  // namespace byte_pipe_test
