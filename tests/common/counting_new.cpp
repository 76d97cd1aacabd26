// The counting operator new and delete of counting_new.hpp.
#include "common/counting_new.hpp"

#include <algorithm>
#include <cstdlib>
#include <new>

namespace counting_new {

thread_local long allocations = 0;
thread_local long large_allocations = 0;
thread_local long fail_at = 0;
std::atomic<long> live{0};

}  // namespace counting_new

// The failure counts every allocation, aligned ones (big blocks) too; `live`
// is what is allocated and not yet freed, by any thread.
void* operator new(std::size_t size) {
  ++counting_new::allocations;
  if (size >= 4096) ++counting_new::large_allocations;
  if (counting_new::allocations == counting_new::fail_at) throw std::bad_alloc();
  if (void* p = std::malloc(size == 0 ? 1 : size)) {
    ++counting_new::live;
    return p;
  }
  throw std::bad_alloc();
}
void* operator new(std::size_t size, std::align_val_t align) {
  ++counting_new::allocations;
  if (size >= 4096) ++counting_new::large_allocations;
  if (counting_new::allocations == counting_new::fail_at) throw std::bad_alloc();
  void* p = nullptr;
  if (::posix_memalign(&p, std::max(static_cast<std::size_t>(align), sizeof(void*)), size == 0 ? 1 : size) == 0) {
    ++counting_new::live;
    return p;
  }
  throw std::bad_alloc();
}
// GCC 12 at -O1 and above takes free() in a replaced operator delete for a
// mismatch with operator new; it is this file's own pair.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void operator delete(void* p) noexcept {
  if (p != nullptr) --counting_new::live;
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept { ::operator delete(p); }
void operator delete(void* p, std::align_val_t) noexcept { ::operator delete(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { ::operator delete(p); }
#pragma GCC diagnostic pop
