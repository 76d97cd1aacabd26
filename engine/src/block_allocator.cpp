#include "relstore/detail/block_allocator.hpp"

#include <algorithm>
#include <fstream>
#include <string>

#if __has_include(<sys/mman.h>)
#include <sys/mman.h>
#endif

namespace relstore::detail {

namespace {
#if defined(MADV_HUGEPAGE) && defined(__linux__)
#if defined(MADV_COLLAPSE)
constexpr int madv_collapse = MADV_COLLAPSE;
#else
constexpr int madv_collapse = 25;  // Linux's value; glibc 2.36 does not name it
#endif
#endif

// Huge pages are asked for only where the block spans whole ones: the
// block starts on one, and madvise covers the pages it fills.
std::size_t block_align(std::size_t n, std::size_t align) noexcept {
  return n >= huge_page_bytes ? std::max(align, huge_page_bytes) : align;
}
}  // namespace

bool huge_pages_allowed() {
  static const bool allowed = [] {
    std::ifstream f("/sys/kernel/mm/transparent_hugepage/enabled");
    std::string mode;
    return std::getline(f, mode) && mode.find("[never]") == std::string::npos;
  }();
  return allowed;
}

void* allocate_block(std::size_t n, std::size_t align) {
  align = block_align(n, align);
  if (align <= __STDCPP_DEFAULT_NEW_ALIGNMENT__) return ::operator new(n);
  if (align < huge_page_bytes) return ::operator new (n, std::align_val_t{align});
  // A last huge page at least half used is taken whole: its part would be
  // faulted in 4 KiB at a time (an 8,000,000-byte column: 400 faults, ~4 ms
  // on a VM). A smaller tail stays on small pages (a million-row bucket
  // array ends 16 bytes past its sixth huge page).
  if (n > std::size_t(-1) - huge_page_bytes) throw std::bad_array_new_length();
  n = huge_block_bytes(n);
  void* p = ::operator new (n, std::align_val_t{align});
#if defined(MADV_HUGEPAGE) && defined(__linux__)
  if (huge_pages_allowed()) {
    const std::size_t whole = n / huge_page_bytes * huge_page_bytes;
    // Advice only: a kernel without transparent huge pages refuses it, and
    // the block works the same on small pages.
    (void)::madvise(p, whole, MADV_HUGEPAGE);
    // The block may lie where the heap already faulted in a small page (the
    // allocator's bookkeeping of an earlier block): the advice alone would
    // leave that huge page's other 511 to fault one by one. Linux 6.1+
    // backs the block with huge pages now, if it has them free; older
    // kernels refuse, and the advice still applies.
    (void)::madvise(p, whole, madv_collapse);
  }
#endif
  return p;
}

void free_block(void* p, std::size_t n, std::size_t align) noexcept {
  // n only chooses the form: the delete is unsized, so the rounding that
  // allocate_block did need not be repeated.
  align = block_align(n, align);
  if (align <= __STDCPP_DEFAULT_NEW_ALIGNMENT__) return ::operator delete(p);
  ::operator delete (p, std::align_val_t{align});
}

}  // namespace relstore::detail
