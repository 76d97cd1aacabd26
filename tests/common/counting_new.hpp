// A replaced global operator new and delete (forwarding to malloc) that
// count this thread's allocations and can make one of them fail: for tests
// of what relstore allocates, and of what it does when it cannot. Linked
// (common/counting_new.cpp) into a test binary of its own, never under the
// sanitizers, which replace operator new themselves.
#pragma once

#include <atomic>
#include <new>

namespace counting_new {

// Allocations made by this thread through the global operator new, and
// those of at least 4 KiB.
extern thread_local long allocations;
extern thread_local long large_allocations;
// The allocation number (of this thread) that throws std::bad_alloc; 0: none.
extern thread_local long fail_at;
// Blocks allocated and not yet freed, by every thread.
extern std::atomic<long> live;

// Runs write() with this thread's k-th allocation failing; whether it threw
// std::bad_alloc.
template <class Write>
bool out_of_memory_at(long k, Write&& write) {
  allocations = 0;
  fail_at = k;
  bool threw = false;
  try {
    write();
  } catch (const std::bad_alloc&) {
    threw = true;
  }
  fail_at = 0;
  return threw;
}

}  // namespace counting_new
