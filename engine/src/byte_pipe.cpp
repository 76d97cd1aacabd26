#include "relstore/detail/byte_pipe.hpp"

#include <cstring>
#include <new>
#include <utility>

namespace relstore::detail {

byte_pipe::byte_pipe() : buf_(*this), out_(&buf_) {}

bool byte_pipe::producer_buf::ship(bool refill) {
  if (pipe_.broken()) return false;
  {
    std::lock_guard lock(pipe_.mutex_);
    if (current_.data && pbase() != pptr()) {
      current_.size = static_cast<std::size_t>(pptr() - pbase());
      pipe_.queue_.push_back({std::move(current_), {}});
      pipe_.ready_.notify_one();
      current_ = {};
    }
    if (!refill) {
      if (!current_.data) setp(nullptr, nullptr);
      return true;
    }
    if (!current_.data && !pipe_.spare_.empty()) {
      current_ = std::move(pipe_.spare_.back());
      pipe_.spare_.pop_back();
      pipe_.ready_.notify_one();  // the consumer makes the next spare ready
    }
  }
  if (!current_.data) {
    current_.data.reset(new (std::nothrow) char[buffer_bytes]);
    if (!current_.data) {
      setp(nullptr, nullptr);
      return false;
    }
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

void byte_pipe::post(std::function<void()> task) {
  std::lock_guard lock(mutex_);
  queue_.push_back({{}, std::move(task)});
  ready_.notify_one();
}

void byte_pipe::close(result<void> outcome) noexcept {
  (void)buf_.ship(false);
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
      return true;
    }
    if (closed_) return false;
    if (spare_.size() < ready_spares && !broken()) {
      lock.unlock();
      top_up();
      lock.lock();
      continue;
    }
    ready_.wait(lock);
  }
}

void byte_pipe::top_up() {
  buffer b;
  b.data.reset(new (std::nothrow) char[buffer_bytes]);
  if (!b.data) return;                         // the producer will try, and fail the stream if it cannot either
  std::memset(b.data.get(), 0, buffer_bytes);  // its pages faulted in here, not in the producer's turn
  std::lock_guard lock(mutex_);
  ++allocated_;
  spare_.push_back(std::move(b));
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
      if (!out) broken_.store(true, std::memory_order_release);
    }
    it.bytes.size = 0;
    std::lock_guard lock(mutex_);
    spare_.push_back(std::move(it.bytes));
  }
  std::lock_guard lock(mutex_);
  return outcome_;
}

void byte_pipe::drain_rest() {
  broken_.store(true, std::memory_order_release);
  item it;
  while (next(it)) {
    if (it.task) it.task();
  }
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
