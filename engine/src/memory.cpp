// The block cache's public face, over the block allocator.
#include "relstore/memory.hpp"

#include "relstore/detail/block_allocator.hpp"

namespace relstore {

block_cache_stats block_cache() noexcept {
  const detail::block_cache_state s = detail::block_cache_now();
  return {s.bytes, s.blocks, s.limit};
}

std::size_t set_block_cache_limit(std::size_t bytes) noexcept { return detail::set_block_cache_limit(bytes); }

std::size_t release_cached_blocks() noexcept { return detail::release_kept_blocks(); }

}  // namespace relstore
