// memory: the freed big blocks relstore keeps for reuse.
//
// A block of 2 MiB or more (a node chunk, a bucket array, a snapshot's
// buffers and columns) is not given back when freed, but kept, up to a
// limit (256 MiB by default, the oldest given back first), for the next one
// of its size. A store loaded
// over another, or rebuilt, then finds its memory resident: the kernel
// zeroes a fresh page on first touch, and on a VM each fault also exits to
// the host. A load of a million rows took half as long (docs/benchmarks.md).
// The first load of a process still faults its memory in.
//
// Kept blocks count in the process's resident memory. A game that wants it
// back (after a load, before a level that needs the room) calls
// release_cached_blocks(); set_block_cache_limit(0) keeps none.
//
// Thread-safety: every function may be called from any thread.
// Vocabulary header: includes only other vocabulary headers.
#pragma once

#include <cstddef>

namespace relstore {

struct block_cache_stats {
  std::size_t bytes = 0;   // kept now
  std::size_t blocks = 0;  // kept now
  std::size_t limit = 0;   // the most it keeps
};

block_cache_stats block_cache() noexcept;

// Keeps at most `bytes` from now on, giving back the oldest kept blocks
// until within it. Returns the bytes given back.
std::size_t set_block_cache_limit(std::size_t bytes) noexcept;

// Gives back every kept block; the limit stays. Returns the bytes given back.
std::size_t release_cached_blocks() noexcept;

}  // namespace relstore
