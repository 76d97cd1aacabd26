#include "relstore/detail/block_allocator.hpp"

#include <algorithm>
#include <fstream>
#include <mutex>
#include <string>
#include <vector>

#if __has_include(<sys/mman.h>)
#include <sys/mman.h>
#endif

#include "relstore/detail/poison.hpp"

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

// Freed huge-page blocks kept for reuse. A page the kernel hands out is
// zeroed first, and on a VM each fault also exits to the host: a load of a
// million rows spent about half its time there when every block came fresh
// (docs/loads.md). A block taken from here is already resident.
struct block_cache {
  struct block {
    void* p;
    std::size_t bytes;  // what allocate_block took for it
  };
  std::mutex m;
  std::vector<block> kept;  // newest last
  std::vector<block> lent;  // handed out larger than huge_block_bytes(n): their real size
  std::size_t bytes = 0;
  std::size_t limit = default_block_cache_limit;
};
// Never destroyed: a static store may free its blocks after main returns.
block_cache& cache() {
  static block_cache* c = new block_cache;
  return *c;
}

void release(block_cache::block b) noexcept {
  RELSTORE_UNPOISON(b.p, b.bytes);
  ::operator delete (b.p, std::align_val_t{huge_page_bytes});
}

// Gives back kept blocks, the oldest first, until at most `most` bytes are
// kept; returns the bytes given back. REQUIRES: c.m is held.
std::size_t shrink_to(block_cache& c, std::size_t most) noexcept {
  std::size_t freed = 0;
  while (c.bytes > most) {
    const block_cache::block b = c.kept.front();
    c.kept.erase(c.kept.begin());
    c.bytes -= b.bytes;
    freed += b.bytes;
    release(b);
  }
  return freed;
}

// The smallest kept block of `want` bytes up to a quarter more (the newest
// of equals, whose pages are likeliest in cache), or null. Null too when
// there is no room to note a larger block as lent: a fresh block may still
// be had.
void* take_kept(std::size_t want) noexcept {
  block_cache& c = cache();
  const std::lock_guard lock(c.m);
  const std::size_t most = want + want / 4;
  auto best = c.kept.end();
  for (auto it = c.kept.end(); it != c.kept.begin();) {
    --it;
    if (it->bytes < want || it->bytes > most) continue;
    if (best == c.kept.end() || it->bytes < best->bytes) best = it;
    if (best->bytes == want) break;
  }
  if (best == c.kept.end()) return nullptr;
  const block_cache::block b = *best;
  if (b.bytes != want) {
    try {
      c.lent.push_back(b);
    } catch (const std::bad_alloc&) {
      return nullptr;
    }
  }
  c.kept.erase(best);
  c.bytes -= b.bytes;
  // Only what was asked for is usable: ASan still sees a write past it.
  RELSTORE_UNPOISON(b.p, want);
  return b.p;
}

void keep_or_release(void* p, std::size_t n) noexcept {
  block_cache& c = cache();
  block_cache::block b{p, huge_block_bytes(n)};
  {
    const std::lock_guard lock(c.m);
    auto lent = std::find_if(c.lent.begin(), c.lent.end(), [&](const block_cache::block& l) { return l.p == p; });
    if (lent != c.lent.end()) {
      b = *lent;
      c.lent.erase(lent);
    }
    if (b.bytes <= c.limit) {
      // The newest are likeliest to be asked for again (the store a load
      // just replaced): the oldest make room.
      (void)shrink_to(c, c.limit - b.bytes);
      try {
        c.kept.push_back(b);
        c.bytes += b.bytes;
        RELSTORE_POISON(b.p, b.bytes);
        return;
      } catch (const std::bad_alloc&) {  // no room to remember it: freed instead
      }
    }
  }
  release(b);
}
}  // namespace

std::size_t set_block_cache_limit(std::size_t bytes) noexcept {
  block_cache& c = cache();
  const std::lock_guard lock(c.m);
  c.limit = bytes;
  return shrink_to(c, bytes);
}

std::size_t release_kept_blocks() noexcept {
  block_cache& c = cache();
  const std::lock_guard lock(c.m);
  return shrink_to(c, 0);
}

block_cache_state block_cache_now() noexcept {
  block_cache& c = cache();
  const std::lock_guard lock(c.m);
  return {c.bytes, c.kept.size(), c.limit};
}

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
  const bool keepable = align == huge_page_bytes && n >= huge_page_bytes;
  n = huge_block_bytes(n);
  if (keepable) {
    if (void* kept = take_kept(n)) return kept;
  }
  void* p = nullptr;
  try {
    p = ::operator new (n, std::align_val_t{align});
  } catch (const std::bad_alloc&) {
    // Kept blocks of other sizes may be what the heap lacks.
    if (release_kept_blocks() == 0) throw;
    p = ::operator new (n, std::align_val_t{align});
  }
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
  // n chooses the form, and for a huge-page block the size it is kept as.
  align = block_align(n, align);
  if (align <= __STDCPP_DEFAULT_NEW_ALIGNMENT__) return ::operator delete(p);
  if (align != huge_page_bytes || n < huge_page_bytes) return ::operator delete (p, std::align_val_t{align});
  keep_or_release(p, n);
}

}  // namespace relstore::detail
