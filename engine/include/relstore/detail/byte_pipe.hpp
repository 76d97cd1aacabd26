// byte_pipe: bytes written by one thread (the producer) and written out by
// another (the consumer), in buffers, with tasks the consumer runs between
// them. The producer never waits: a full buffer is queued, and the next one
// is a spare the consumer emptied or made ready (allocated, its pages
// touched), or else allocated there. So a producer that must not wait on
// the disk, nor on the kernel's page faults, hands both to the consumer.
// Internal.
//
// Thread-safety: stream(), post() and close() on the producer's thread;
// drain_into() and drain_rest() on the consumer's; broken() on either.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <ostream>
#include <streambuf>
#include <vector>

#include "relstore/error.hpp"

namespace relstore::detail {

class byte_pipe {
 public:
  static constexpr std::size_t buffer_bytes = std::size_t{256} << 10;
  // Spares the consumer keeps ready.
  static constexpr std::size_t ready_spares = 3;

  byte_pipe();
  byte_pipe(const byte_pipe&) = delete;
  byte_pipe& operator=(const byte_pipe&) = delete;

  // Producer: writes go to the pipe. It fails (badbit, or what an archive
  // throws) once the pipe is broken, and when a buffer cannot be allocated.
  std::ostream& stream() noexcept { return out_; }
  // Producer: the consumer runs `task` after the bytes written before it.
  void post(std::function<void()> task);
  // Producer: queues the bytes written and ends the pipe with `outcome`
  // (what drain_into returns). Writes nothing after.
  void close(result<void> outcome) noexcept;

  // Consumer: writes the bytes to `out` and runs the tasks, in order, until
  // the pipe is closed; returns close()'s outcome. Once `out` fails, breaks
  // the pipe and goes on running the tasks only.
  result<void> drain_into(std::ostream& out);
  // Consumer: breaks the pipe, then runs the tasks and drops the bytes
  // until it is closed.
  void drain_rest();
  // Whether the consumer gave up: the producer should stop.
  bool broken() const noexcept { return broken_.load(std::memory_order_acquire); }
  // Bytes of buffers allocated (they are kept until the pipe dies).
  std::size_t buffer_memory() const noexcept;
  // Buffers the producer had to allocate itself (none was spare).
  std::size_t producer_allocations() const noexcept;

 private:
  struct buffer {
    std::unique_ptr<char[]> data;
    std::size_t size = 0;  // bytes written
  };
  struct item {
    buffer bytes;                // no data for a task
    std::function<void()> task;  // empty for bytes
  };
  class producer_buf final : public std::streambuf {
   public:
    explicit producer_buf(byte_pipe& pipe) : pipe_(pipe) {}
    // Queues the bytes written so far, then (if `refill`) takes a buffer
    // for the next. False when the pipe is broken or no buffer could be had.
    bool ship(bool refill);

   protected:
    int_type overflow(int_type c) override;
    int sync() override { return ship(true) ? 0 : -1; }

   private:
    byte_pipe& pipe_;
    buffer current_;
  };
  // Consumer: the next item, or false once closed and empty.
  bool next(item& it);
  // Consumer: keeps ready_spares spares, their pages touched.
  void top_up();

  mutable std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<item> queue_;
  std::vector<buffer> spare_;
  std::size_t allocated_ = 0;
  std::size_t producer_allocations_ = 0;
  bool closed_ = false;
  result<void> outcome_;
  std::atomic<bool> broken_{false};
  producer_buf buf_;
  std::ostream out_;
};

}  // namespace relstore::detail
