#include "relstore/detail/fiber.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <new>
#include <utility>

#include "relstore/assert.hpp"

#if defined(__SANITIZE_ADDRESS__)  // GCC
#define RELSTORE_FIBER_ASAN 1
#elif defined(__has_feature)  // Clang
#if __has_feature(address_sanitizer)
#define RELSTORE_FIBER_ASAN 1
#endif
#endif
#if defined(RELSTORE_FIBER_ASAN)
#include <sanitizer/common_interface_defs.h>
#endif

namespace relstore::detail {

fiber::fiber(std::function<void()> body, std::size_t stack_bytes) : body_(std::move(body)) {
  const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  map_bytes_ = (stack_bytes + page - 1) / page * page + page;
  void* m = ::mmap(nullptr, map_bytes_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
  if (m == MAP_FAILED) throw std::bad_alloc();
  if (::mprotect(m, page, PROT_NONE) != 0) {  // an overflow faults instead of writing below the stack
    ::munmap(m, map_bytes_);
    throw std::bad_alloc();
  }
  map_ = m;
  if (::getcontext(&self_) != 0) {
    ::munmap(map_, map_bytes_);
    throw std::bad_alloc();
  }
  self_.uc_stack.ss_sp = static_cast<char*>(map_) + page;
  self_.uc_stack.ss_size = map_bytes_ - page;
  self_.uc_link = nullptr;  // entry never returns: it switches out
  const auto self = reinterpret_cast<std::uintptr_t>(this);
  ::makecontext(&self_, reinterpret_cast<void (*)()>(&fiber::entry), 2, static_cast<unsigned>(self >> 32),
                static_cast<unsigned>(self & 0xffffffffU));
}

fiber::~fiber() {
  RELSTORE_ASSERT(!running_, "relstore: a fiber destroyed from its own body");
  if (map_ != nullptr) ::munmap(map_, map_bytes_);
}

void fiber::resume() {
  RELSTORE_ASSERT(!done_ && !running_, "relstore: a fiber resumed when done or from itself");
  running_ = true;
#if defined(RELSTORE_FIBER_ASAN)
  void* caller_fake = nullptr;
  __sanitizer_start_switch_fiber(&caller_fake, self_.uc_stack.ss_sp, self_.uc_stack.ss_size);
#endif
  ::swapcontext(&caller_, &self_);
#if defined(RELSTORE_FIBER_ASAN)
  __sanitizer_finish_switch_fiber(caller_fake, nullptr, nullptr);
#endif
  running_ = false;
  if (failure_) std::rethrow_exception(std::exchange(failure_, nullptr));
}

void fiber::yield() {
  RELSTORE_ASSERT(running_, "relstore: a fiber yielded from outside its body");
  switch_out(false);
}

void fiber::switch_out(bool last) noexcept {
#if defined(RELSTORE_FIBER_ASAN)
  __sanitizer_start_switch_fiber(last ? nullptr : &fake_stack_, caller_bottom_, caller_size_);
#endif
  ::swapcontext(&self_, &caller_);
#if defined(RELSTORE_FIBER_ASAN)
  __sanitizer_finish_switch_fiber(fake_stack_, &caller_bottom_, &caller_size_);
#endif
  (void)last;
}

void fiber::entry(unsigned hi, unsigned lo) noexcept {
  auto* f = reinterpret_cast<fiber*>((static_cast<std::uintptr_t>(hi) << 32) | lo);
#if defined(RELSTORE_FIBER_ASAN)
  __sanitizer_finish_switch_fiber(nullptr, &f->caller_bottom_, &f->caller_size_);
#endif
  try {
    f->body_();
  } catch (...) {
    f->failure_ = std::current_exception();
  }
  f->done_ = true;
  f->switch_out(true);
  RELSTORE_ASSERT(false, "relstore: a finished fiber was resumed");
}

}  // namespace relstore::detail
