// Blocks of memory for large arrays (bucket arrays, snapshot columns, a node
// pool's chunks): one of 2 MiB or more starts on a huge page and is put on
// huge pages where the kernel allows, so a pass or lookup over millions of
// entries does not miss the TLB at every 4 KiB page. Such a block, once
// freed, is kept for reuse up to a limit (relstore/memory.hpp): the next
// load or big table finds its pages resident instead of faulting them in.
// Internal. Thread-safety: as the global operator new.
#pragma once

#include <cstddef>
#include <new>

namespace relstore::detail {

// The size of a huge page, and the least block advised as one.
inline constexpr std::size_t huge_page_bytes = std::size_t{2} << 20;

// Whether the kernel has transparent huge pages and the host did not set
// them to `never`. Without them allocate_block gives no advice: a kernel
// would give huge pages to MADV_COLLAPSE whatever the setting.
bool huge_pages_allowed();

// `n` bytes aligned to `align`, from the global operator new (a game's
// replaced one sees them). A block of 2 MiB or more comes from the aligned
// form, operator new(size_t, align_val_t{2 MiB}), takes huge_block_bytes(n),
// and, if huge_pages_allowed(), is advised as
// huge pages (MADV_HUGEPAGE) and, best effort, backed by them at once
// (MADV_COLLAPSE, Linux 6.1+): it may then be resident before it is
// touched. A kept block of the same size, or up to a quarter larger, is
// taken first; it holds what it held when freed. If operator new throws
// std::bad_alloc, every kept block is given back and the block asked for
// once more. Throws std::bad_alloc.
// Freed with free_block(p, n, align) and the same n and align.
void* allocate_block(std::size_t n, std::size_t align);
// What allocate_block takes for a huge-page-aligned block of n bytes: n
// rounded up to whole huge pages if its last is at least half used, else n.
// REQUIRES: n <= SIZE_MAX - huge_page_bytes.
constexpr std::size_t huge_block_bytes(std::size_t n) noexcept {
  const std::size_t tail = n % huge_page_bytes;
  return tail >= huge_page_bytes / 2 ? n + (huge_page_bytes - tail) : n;
}
// A block of 2 MiB or more is kept for reuse, the oldest kept blocks given
// back to operator delete to stay within the limit; one larger than the
// limit is given back itself.
void free_block(void* p, std::size_t n, std::size_t align) noexcept;

// The blocks free_block keeps (relstore/memory.hpp's block_cache_stats).
inline constexpr std::size_t default_block_cache_limit = std::size_t{256} << 20;
struct block_cache_state {
  std::size_t bytes = 0;
  std::size_t blocks = 0;
  std::size_t limit = 0;
};
// Sets the limit, giving back the oldest kept blocks until within it;
// returns the bytes given back.
std::size_t set_block_cache_limit(std::size_t bytes) noexcept;
// Gives back every kept block, the limit unchanged; returns the bytes.
std::size_t release_kept_blocks() noexcept;
block_cache_state block_cache_now() noexcept;

// A standard allocator over allocate_block: a vector of millions of cells
// (a snapshot's columns) faults its memory in 2 MiB at a time, not 4 KiB.
template <class T>
struct block_allocator {
  using value_type = T;
  block_allocator() = default;
  template <class U>
  block_allocator(const block_allocator<U>&) noexcept {}  // NOLINT: rebinding
  T* allocate(std::size_t n) {
    if (n > std::size_t(-1) / sizeof(T)) throw std::bad_array_new_length();
    return static_cast<T*>(allocate_block(n * sizeof(T), alignof(T)));
  }
  void deallocate(T* p, std::size_t n) noexcept { free_block(p, n * sizeof(T), alignof(T)); }
  template <class U>
  bool operator==(const block_allocator<U>&) const noexcept {
    return true;
  }
};

}  // namespace relstore::detail
