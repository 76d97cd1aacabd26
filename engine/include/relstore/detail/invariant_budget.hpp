// Boost.MultiIndex invariant checking within a budget. Debug and sanitizer
// builds define BOOST_MULTI_INDEX_ENABLE_INVARIANT_CHECKING: after every
// write a container walks all of its indexes, so each write is O(n) and
// building n entities O(n^2): minutes for a test of a few thousand under
// ASan. A container of up to 64 entities is still checked after every
// write; a bigger one after a write with probability 64/n, so a write costs
// about one 64-entity walk, and a big container is still checked about
// once per n/64 writes.
//
// REQUIRES: this header comes before any Boost.MultiIndex header in a
// translation unit (table_layout.hpp includes it first). A unit that
// includes Boost.MultiIndex first checks after every write, as Boost does.
#pragma once

#include <cstddef>
#include <cstdint>

namespace relstore::detail {

inline constexpr std::size_t invariant_always_up_to = 64;

// Whether a container of `size` entities checks its invariant now.
// Deterministic per thread (a xorshift sequence), so a failing run repeats.
// Thread-safe: each thread has its own sequence.
inline bool invariant_check_due(std::size_t size) noexcept {
  if (size <= invariant_always_up_to) return true;
  thread_local std::uint64_t state = 0x9e3779b97f4a7c15u;
  state ^= state << 13;
  state ^= state >> 7;
  state ^= state << 17;
  return state % size < invariant_always_up_to;
}

}  // namespace relstore::detail

#if defined(BOOST_MULTI_INDEX_ENABLE_INVARIANT_CHECKING) && !defined(BOOST_MULTI_INDEX_INVARIANT_ASSERT)
#include <boost/assert.hpp>
// Boost.MultiIndex expands this in multi_index_container::check_invariant_(),
// where `this` is the container.
#define BOOST_MULTI_INDEX_INVARIANT_ASSERT(expr) \
  BOOST_ASSERT(!::relstore::detail::invariant_check_due(this->size()) || (expr))
#endif
