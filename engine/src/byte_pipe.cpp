#include "relstore/detail/byte_pipe.hpp"

#include <cstring>
#include <new>
#include <string>
#include <utility>

namespace relstore::detail {

byte_pipe::byte_pipe(std::function<void()> when_full) : when_full_(std::move(when_full)), buf_(*this), out_(&buf_) {}

void byte_pipe::make_room() {
  for (;;) {
    {
      std::lock_guard lock(mutex_);
      if (queued_ < max_queued || broken()) return;
    }
    if (when_full_) {
      when_full_();
    } else {
      wait_for_room();
    }
  }
}

void byte_pipe::wait_for_room() {
  std::unique_lock lock(mutex_);
  room_.wait(lock, [&] { return queued_ < max_queued || broken(); });
}

bool byte_pipe::producer_buf::ship(bool refill) {
  if (pipe_.broken()) return false;
  const bool full = current_.data && pbase() != pptr();
  if (full) {
    pipe_.make_room();
    if (pipe_.broken()) return false;
  }
  {
    std::lock_guard lock(pipe_.mutex_);
    if (full) {
      pipe_.queue_.emplace_back();  // may throw: current_ is left as it is
      current_.size = static_cast<std::size_t>(pptr() - pbase());
      pipe_.queue_.back().bytes = std::move(current_);
      ++pipe_.queued_;
      pipe_.ready_.notify_one();
      current_ = {};
      setp(nullptr, nullptr);
    }
    if (!refill) return true;
    if (!current_.data && !pipe_.spare_.empty()) {
      current_ = std::move(pipe_.spare_.back());
      pipe_.spare_.pop_back();
      pipe_.ready_.notify_one();  // the consumer makes the next spare ready
    }
  }
  if (!current_.data) {
    current_.data.reset(new (std::nothrow) char[buffer_bytes]);
    if (!current_.data) return false;
    std::lock_guard lock(pipe_.mutex_);
    ++pipe_.allocated_;
    ++pipe_.producer_allocations_;
  }
  setp(current_.data.get(), current_.data.get() + buffer_bytes);
  return true;
}

byte_pipe::producer_buf::int_type byte_pipe::producer_buf::overflow(int_type c) {
  if (!ship(true)) return traits_type::eof();
  if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
  *pptr() = traits_type::to_char_type(c);
  pbump(1);
  return c;
}

// A flush queues what was written; the next write takes a buffer.
int byte_pipe::producer_buf::sync() { return ship(false) ? 0 : -1; }

void byte_pipe::post(std::function<void()> task) {
  std::lock_guard lock(mutex_);
  queue_.push_back({{}, std::move(task)});
  ready_.notify_one();
}

void byte_pipe::close(result<void> outcome) noexcept {
  bool shipped = false;
  try {
    shipped = buf_.ship(false);
  } catch (const std::bad_alloc&) {
  }
  if (!shipped && outcome && !broken()) {
    outcome = make_error(errc::io_error, "cannot encode the snapshot: out of memory");
  }
  std::lock_guard lock(mutex_);
  outcome_ = std::move(outcome);
  closed_ = true;
  ready_.notify_one();
}

bool byte_pipe::next(item& it) {
  std::unique_lock lock(mutex_);
  for (;;) {
    if (!queue_.empty()) {
      it = std::move(queue_.front());
      queue_.pop_front();
      if (it.bytes.data) {
        --queued_;
        room_.notify_one();
      }
      return true;
    }
    if (closed_) return false;
    if (spare_.size() < ready_spares && !spares_failed_ && !broken()) {
      lock.unlock();
      const bool added = top_up();
      lock.lock();
      if (!added) spares_failed_ = true;
      continue;
    }
    ready_.wait(lock);
  }
}

bool byte_pipe::top_up() {
  buffer b;
  b.data.reset(new (std::nothrow) char[buffer_bytes]);
  if (!b.data) return false;                   // the producer will try, and fail the stream if it cannot either
  std::memset(b.data.get(), 0, buffer_bytes);  // its pages faulted in here, not in the producer's turn
  std::lock_guard lock(mutex_);
  ++allocated_;
  spare_.push_back(std::move(b));
  return true;
}

void byte_pipe::free_spares() noexcept {
  std::vector<buffer> spares;
  {
    std::lock_guard lock(mutex_);
    spares.swap(spare_);
  }
}

result<void> byte_pipe::drain_into(std::ostream& out) {
  item it;
  while (next(it)) {
    if (it.task) {
      it.task();
      continue;
    }
    if (!broken()) {
      out.write(it.bytes.data.get(), static_cast<std::streamsize>(it.bytes.size));
      if (!out) {
        std::lock_guard lock(mutex_);
        broken_.store(true, std::memory_order_release);
        room_.notify_all();
      }
    }
    it.bytes.size = 0;
    std::lock_guard lock(mutex_);
    spare_.push_back(std::move(it.bytes));
  }
  free_spares();
  std::lock_guard lock(mutex_);
  return outcome_;
}

void byte_pipe::drain_rest() {
  {
    std::lock_guard lock(mutex_);
    broken_.store(true, std::memory_order_release);
    room_.notify_all();
  }
  item it;
  while (next(it)) {
    if (it.task) it.task();
  }
  free_spares();
}

std::size_t byte_pipe::buffer_memory() const noexcept {
  std::lock_guard lock(mutex_);
  return allocated_ * buffer_bytes;
}

std::size_t byte_pipe::producer_allocations() const noexcept {
  std::lock_guard lock(mutex_);
  return producer_allocations_;
}

}  // namespace relstore::detail
