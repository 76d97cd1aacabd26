// fiber: a function run on a stack of its own, in slices, on the thread that
// resumes it: resume() runs it until it calls yield() or returns. No thread
// is woken and nothing is locked: a switch costs two signal-mask system
// calls (swapcontext). Internal.
//
// Thread-safety: none. A fiber may be resumed by another thread than the
// last, but never by two at once; code that yields must not keep a
// thread-local's address across the yield.
// Under AddressSanitizer the switches are annotated
// (__sanitizer_start_switch_fiber); it still warns once that it does not
// fully support swapcontext.
#pragma once

#include <ucontext.h>

#include <cstddef>
#include <exception>
#include <functional>

namespace relstore::detail {

class fiber {
 public:
  // Allocates the stack (with a guard page below it); throws std::bad_alloc
  // when it cannot. `body` does not run until the first resume().
  explicit fiber(std::function<void()> body, std::size_t stack_bytes = std::size_t{1} << 20);
  // REQUIRES: not running; done, or not resumed since it last yielded (its
  // stack is then dropped without unwinding: its objects are not destroyed).
  ~fiber();
  fiber(const fiber&) = delete;
  fiber& operator=(const fiber&) = delete;

  // Runs the body until it yields or returns. Rethrows what the body threw.
  // REQUIRES: !done(), not called from the body.
  void resume();
  // Returns to resume()'s caller; the next resume() goes on from here.
  // REQUIRES: called from the body.
  void yield();
  bool done() const noexcept { return done_; }
  // Whether the calling code runs in this fiber's body.
  bool running() const noexcept { return running_; }

 private:
  static void entry(unsigned hi, unsigned lo) noexcept;
  void switch_out(bool last) noexcept;

  std::function<void()> body_;
  std::exception_ptr failure_;
  ucontext_t self_{};
  ucontext_t caller_{};
  void* map_ = nullptr;  // the mapping: guard page, then the stack
  std::size_t map_bytes_ = 0;
  bool done_ = false;
  bool running_ = false;
  // AddressSanitizer's view of the stacks (unused without it).
  void* fake_stack_ = nullptr;
  const void* caller_bottom_ = nullptr;
  std::size_t caller_size_ = 0;
};

}  // namespace relstore::detail
