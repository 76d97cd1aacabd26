#include "relstore/detail/block_allocator.hpp"

#include <algorithm>

#if __has_include(<sys/mman.h>)
#include <sys/mman.h>
#endif

namespace relstore::detail {

namespace {
// Huge pages are asked for only where the block spans whole ones: the
// block starts on one, and madvise covers the pages it fills.
std::size_t block_align(std::size_t n, std::size_t align) noexcept {
  return n >= huge_page_bytes ? std::max(align, huge_page_bytes) : align;
}
}  // namespace

void* allocate_block(std::size_t n, std::size_t align) {
  align = block_align(n, align);
  if (align <= __STDCPP_DEFAULT_NEW_ALIGNMENT__) return ::operator new(n);
  void* p = ::operator new (n, std::align_val_t{align});
#if defined(MADV_HUGEPAGE)
  // Advice only: a kernel without transparent huge pages refuses it, and
  // the block works the same on small pages.
  if (align == huge_page_bytes) (void)::madvise(p, n / huge_page_bytes * huge_page_bytes, MADV_HUGEPAGE);
#endif
  return p;
}

void free_block(void* p, std::size_t n, std::size_t align) noexcept {
  align = block_align(n, align);
  if (align <= __STDCPP_DEFAULT_NEW_ALIGNMENT__) return ::operator delete(p);
  ::operator delete (p, std::align_val_t{align});
}

}  // namespace relstore::detail
