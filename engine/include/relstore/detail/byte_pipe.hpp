// byte_pipe: bytes written by one thread (the producer) and written out by
// another (the consumer), in buffers, with tasks the consumer runs between
// them. The producer does not wait on the consumer while fewer than
// max_queued buffers wait to be written: a full buffer is queued, and the
// next one is a spare the consumer emptied or made ready (allocated, its
// pages touched), or else allocated there. So a producer that must not wait
// on the disk, nor on the kernel's page faults, hands both to the consumer.
// When max_queued buffers wait (the disk lags), the producer calls the
// `when_full` it was given (a fiber gives its turn back there) until one is
// written: at most max_queued + ready_spares + 2 buffers exist at once (the
// producer's and the one being written out included).
// Internal.
//
// Thread-safety: stream(), post() and close() on the producer's thread;
// drain_into() and drain_rest() on the consumer's; wait_for_room(),
// broken() on either.
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
  // Buffers that may wait to be written before the producer yields.
  static constexpr std::size_t max_queued = 16;

  // `when_full` is called on the producer's thread while max_queued buffers
  // wait; it should let the consumer run and return (the producer then
  // looks again). Without one the producer waits for room.
  explicit byte_pipe(std::function<void()> when_full = nullptr);
  byte_pipe(const byte_pipe&) = delete;
  byte_pipe& operator=(const byte_pipe&) = delete;

  // Producer: writes go to the pipe. It fails (badbit, or what an archive
  // throws) once the pipe is broken, and when a buffer cannot be allocated.
  std::ostream& stream() noexcept { return out_; }
  // Producer: the consumer runs `task` after the bytes queued before it
  // (stream().flush() queues those written).
  void post(std::function<void()> task);
  // Producer: queues the bytes written and ends the pipe with `outcome`
  // (what drain_into returns; an io_error instead if the last bytes could
  // not be queued). Writes nothing after.
  void close(result<void> outcome) noexcept;

  // Consumer: writes the bytes to `out` and runs the tasks, in order, until
  // the pipe is closed; returns close()'s outcome. Once `out` fails, breaks
  // the pipe and goes on running the tasks only. Frees the buffers once
  // closed.
  result<void> drain_into(std::ostream& out);
  // Consumer: breaks the pipe, then runs the tasks and drops the bytes
  // until it is closed. Frees the buffers.
  void drain_rest();
  // Blocks until fewer than max_queued buffers wait, or the pipe is broken.
  void wait_for_room();
  // Whether the consumer gave up: the producer should stop.
  bool broken() const noexcept { return broken_.load(std::memory_order_acquire); }
  // Bytes of buffers allocated over the pipe's life.
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
    // for the next. False when the pipe is broken or no buffer could be
    // had. Throws std::bad_alloc if the queue cannot grow (nothing queued).
    bool ship(bool refill);

   protected:
    int_type overflow(int_type c) override;
    int sync() override;

   private:
    byte_pipe& pipe_;
    buffer current_;
  };
  // Producer: returns once fewer than max_queued buffers wait or the pipe
  // is broken, calling when_full_ meanwhile.
  void make_room();
  // Consumer: the next item, or false once closed and empty.
  bool next(item& it);
  // Consumer: adds a spare, its pages touched. False if none could be had.
  bool top_up();
  // Consumer: frees the spares (once closed).
  void free_spares() noexcept;

  std::function<void()> when_full_;
  mutable std::mutex mutex_;
  std::condition_variable ready_;  // the consumer waits for items
  std::condition_variable room_;   // the producer waits for room
  std::deque<item> queue_;
  std::size_t queued_ = 0;  // byte items in queue_
  std::vector<buffer> spare_;
  std::size_t allocated_ = 0;
  std::size_t producer_allocations_ = 0;
  bool spares_failed_ = false;  // the consumer could not allocate: it stops trying
  bool closed_ = false;
  result<void> outcome_;
  std::atomic<bool> broken_{false};
  producer_buf buf_;
  std::ostream out_;
};

}  // namespace relstore::detail
