#include "relstore/detail/node_pool.hpp"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <functional>

#include "relstore/assert.hpp"
#include "relstore/detail/poison.hpp"

namespace relstore::detail {

namespace {
// Chunks grow with the pool, from 64 slots (a small table stays small) to
// 8192 (about 0.5 MiB for a 64-byte node), and once the pool holds four huge
// pages' worth, to a huge page (32,768 64-byte nodes): the chunk a pool has
// just added, mostly empty, stays a small part of it.
constexpr std::size_t min_slots = 64;
constexpr std::size_t small_max_slots = 8192;
// Chunks start on a cache line: allocated one line longer, then rounded up
// (an alignment above a line is a multiple of it, and is already met).
constexpr std::size_t cache_line = 64;
std::byte* line_up(std::byte* p) noexcept {
  const auto at = reinterpret_cast<std::uintptr_t>(p);
  return p + ((cache_line - at % cache_line) % cache_line);
}
// A chunk's block: its slots and a line more, to round up to one; a block
// of a huge page or more starts on one, needs no pad, and is asked for in
// whole huge pages (an aligned request is rounded up to its alignment).
std::size_t chunk_bytes(std::size_t slots, std::size_t slot_size) noexcept {
  const std::size_t n = slots * slot_size;
  if (n + cache_line < huge_page_bytes) return n + cache_line;
  return (n + huge_page_bytes - 1) / huge_page_bytes * huge_page_bytes;
}
// Slots (a multiple of 64) in the next chunk: a small chunk stays under a
// huge page, a big one fills one.
std::size_t max_slots(std::size_t slot_size, std::size_t capacity) noexcept {
  const auto fit = [&](std::size_t bytes) { return std::max<std::size_t>(bytes / slot_size / 64 * 64, 64); };
  if (capacity * slot_size < 4 * huge_page_bytes) return std::min(small_max_slots, fit(huge_page_bytes - cache_line));
  return fit(huge_page_bytes);
}
}  // namespace

node_pool::~node_pool() {
  for (const chunk& c : chunks_) {
    RELSTORE_UNPOISON(c.base, c.capacity * slot_size_);
    free_block(c.raw, chunk_bytes(c.capacity, slot_size_), align_);
  }
}

std::pair<std::size_t, std::size_t> node_pool::locate(const void* p) const noexcept {
  const auto* b = static_cast<const std::byte*>(p);
  // An insert constructs in the slot just allocated; an erase frees the slot
  // just destroyed: one remembered slot spares the search.
  if (recent_ != nullptr && !std::less<>{}(b, recent_) && std::less<>{}(b, recent_ + slot_size_)) {
    return {recent_chunk_, recent_slot_};
  }
  auto it = std::upper_bound(by_address_.begin(), by_address_.end(), b,
                             [](const std::byte* x, const auto& e) { return std::less<>{}(x, e.first); });
  RELSTORE_ASSERT(it != by_address_.begin(), "relstore: a pointer outside its node pool");
  --it;
  const std::size_t i = it->second;
  const auto at = static_cast<std::size_t>(b - chunks_[i].base);
  RELSTORE_ASSERT(at < chunks_[i].capacity * slot_size_, "relstore: a pointer outside its node pool");
  const std::size_t slot = slot_of(at);
  remember(chunks_[i].base + slot * slot_size_, i, slot);
  return {i, slot};
}

void node_pool::index_chunks() {
  by_address_.clear();
  for (std::size_t i = 0; i < chunks_.size(); ++i) by_address_.emplace_back(chunks_[i].base, i);
  std::sort(by_address_.begin(), by_address_.end(),
            [](const auto& x, const auto& y) { return std::less<>{}(x.first, y.first); });
  recent_ = nullptr;  // chunk indexes moved
}

std::size_t node_pool::add_chunk() {
  const std::size_t slots = std::clamp(capacity_, min_slots, max_slots(slot_size_, capacity_));
  const std::size_t words = slots / 64;
  // Everything that may throw comes before the block is taken, which
  // nothing would free: room in both lists, then the chunk's bitmaps.
  auto room_for_one_more = [](auto& v) {
    if (v.size() == v.capacity()) v.reserve(v.size() * 2 + 1);
  };
  room_for_one_more(chunks_);
  room_for_one_more(by_address_);
  chunk c;
  c.used_bits = std::make_unique<std::uint64_t[]>(words);
  c.live = std::make_unique<std::uint64_t[]>(words);
  c.raw = static_cast<std::byte*>(allocate_block(chunk_bytes(slots, slot_size_), align_));
  c.base = line_up(c.raw);
  c.capacity = static_cast<std::uint32_t>(slots);
  RELSTORE_POISON(c.base, slots * slot_size_);
  chunks_.push_back(std::move(c));  // within capacity: no allocation
  capacity_ += slots;
  index_chunks();
  return chunks_.size() - 1;
}

void node_pool::free_chunk(std::size_t i) noexcept {
  chunk& c = chunks_[i];
  RELSTORE_UNPOISON(c.base, c.capacity * slot_size_);
  free_block(c.raw, chunk_bytes(c.capacity, slot_size_), align_);
  capacity_ -= c.capacity;
  chunks_.erase(chunks_.begin() + static_cast<std::ptrdiff_t>(i));
  if (open_ > i) --open_;
  index_chunks();
}

void* node_pool::allocate(std::size_t size, std::size_t align) {
  RELSTORE_ASSERT(!retired_, "relstore: a allocation from a retired node pool");
  if (slot_size_ == 0) {
    slot_size_ = (size + align - 1) / align * align;
    RELSTORE_ASSERT(slot_size_ <= (std::size_t{1} << 26), "relstore: a node pool's node is at most 64 MiB");
    slot_reciprocal_ = ~std::uint64_t{0} / slot_size_ + 1;
    align_ = align;
  }
  RELSTORE_ASSERT(size <= slot_size_ && align <= align_, "relstore: a node pool serves one node size");
  while (open_ < chunks_.size() && chunks_[open_].used == chunks_[open_].capacity) ++open_;
  const std::size_t i = open_ < chunks_.size() ? open_ : add_chunk();
  chunk& c = chunks_[i];
  std::size_t w = c.open_word;
  while (c.used_bits[w] == ~std::uint64_t{0}) ++w;  // the chunk has a free slot
  c.open_word = static_cast<std::uint32_t>(w);
  const auto bit = static_cast<std::size_t>(std::countr_one(c.used_bits[w]));
  c.used_bits[w] |= std::uint64_t{1} << bit;
  ++c.used;
  ++used_;
  std::byte* slot = c.base + (w * 64 + bit) * slot_size_;
  RELSTORE_UNPOISON(slot, slot_size_);
  remember(slot, i, w * 64 + bit);
  return slot;
}

void node_pool::deallocate(void* p) noexcept {
  if (retired_ || bulk_) return;
  const auto [i, slot] = locate(p);
  chunk& c = chunks_[i];
  const std::size_t w = slot / 64;
  const std::uint64_t bit = std::uint64_t{1} << (slot % 64);
  RELSTORE_ASSERT((c.used_bits[w] & bit) != 0 && (c.live[w] & bit) == 0, "relstore: a bad node deallocation");
  c.used_bits[w] &= ~bit;
  --c.used;
  --used_;
  c.open_word = std::min(c.open_word, static_cast<std::uint32_t>(w));
  open_ = std::min(open_, i);
  RELSTORE_POISON(p, slot_size_);
  // An empty chunk goes back to the heap when the other chunks have room
  // to spare, so that a table emptied and refilled around one size does
  // not allocate and free a chunk each time.
  // A watched pool keeps its chunks: a watch finds slots by chunk index.
  if (c.used == 0 && capacity_ - used_ >= 2 * std::size_t{c.capacity} && watches_.empty()) free_chunk(i);
}

void node_pool::end_bulk_free() noexcept {
  bulk_ = false;
  used_ = 0;
  open_ = chunks_.size();
  for (std::size_t i = 0; i < chunks_.size(); ++i) {
    chunk& c = chunks_[i];
    const std::size_t words = c.capacity / 64;
    c.used = 0;
    c.open_word = static_cast<std::uint32_t>(words);
    for (std::size_t w = 0; w < words; ++w) {
      const std::uint64_t freed = c.used_bits[w] & c.live[w];
      c.used_bits[w] &= ~freed;
      c.live[w] = 0;
      c.used += static_cast<std::uint32_t>(std::popcount(c.used_bits[w]));
      if (c.used_bits[w] != ~std::uint64_t{0}) c.open_word = std::min(c.open_word, static_cast<std::uint32_t>(w));
#ifdef RELSTORE_ASAN
      for (std::uint64_t bits = freed; bits != 0; bits &= bits - 1) {
        RELSTORE_POISON(c.base + (w * 64 + static_cast<std::size_t>(std::countr_zero(bits))) * slot_size_, slot_size_);
      }
#endif
    }
    used_ += c.used;
    if (c.used < c.capacity) open_ = std::min(open_, i);
  }
  recent_ = nullptr;
  // Empty chunks go back as deallocate gives them back: while the others
  // have room to spare.
  for (std::size_t i = chunks_.size(); i-- > 0;) {
    if (chunks_[i].used == 0 && capacity_ - used_ >= 2 * std::size_t{chunks_[i].capacity}) free_chunk(i);
  }
}

void node_pool::mark_live(const void* value) noexcept {
  RELSTORE_ASSERT(!retired_, "relstore: a value made in a retired node pool");
  const auto [i, slot] = locate(value);
  chunk& c = chunks_[i];
  const auto offset = static_cast<std::size_t>(static_cast<const std::byte*>(value) - c.base) - slot * slot_size_;
  if (!offset_known_) {
    value_offset_ = offset;
    offset_known_ = true;
  }
  RELSTORE_ASSERT(offset == value_offset_, "relstore: a node pool's values sit at one offset");
  c.live[slot / 64] |= std::uint64_t{1} << (slot % 64);
}

void node_pool::mark_dead(const void* value) noexcept {
  if (retired_ || bulk_) return;
  const auto [i, slot] = locate(value);
  if (!watches_.empty()) hand_over(i, slot, value);
  chunks_[i].live[slot / 64] &= ~(std::uint64_t{1} << (slot % 64));
}

std::size_t node_pool::watch(copy_fn copy, fields_fn fields, void* ctx) {
  RELSTORE_ASSERT(!retired_, "relstore: a watch of a retired node pool");
  RELSTORE_ASSERT(copy != nullptr && fields != nullptr, "relstore: a watch needs its two functions");
  for (const watch_state& w : watches_) RELSTORE_ASSERT(w.ctx != ctx, "relstore: a pool watched twice for one ctx");
  watch_state w;
  w.copy = copy;
  w.fields = fields;
  w.ctx = ctx;
  w.at_call.reserve(chunks_.size());
  w.pending.reserve(chunks_.size());
  for (const chunk& c : chunks_) {
    const std::size_t words = c.capacity / 64;
    auto bits = std::make_unique<std::uint64_t[]>(words);
    auto live_then = std::make_unique<std::uint64_t[]>(words);
    std::copy(c.live.get(), c.live.get() + words, bits.get());
    std::copy(c.live.get(), c.live.get() + words, live_then.get());
    for (std::size_t k = 0; k < words; ++k) w.left += static_cast<std::size_t>(std::popcount(bits[k]));
    w.pending.push_back(std::move(bits));
    w.at_call.push_back(std::move(live_then));
  }
  const std::size_t left = w.left;
  watches_.push_back(std::move(w));
  return left;
}

void node_pool::unwatch(const void* ctx) noexcept {
  std::erase_if(watches_, [&](const watch_state& w) { return w.ctx == ctx; });
}

const node_pool::watch_state& node_pool::watch_of(const void* ctx) const noexcept {
  auto it = std::find_if(watches_.begin(), watches_.end(), [&](const watch_state& w) { return w.ctx == ctx; });
  RELSTORE_ASSERT(it != watches_.end(), "relstore: no watch for this ctx");
  return *it;
}

void node_pool::hand_over(const void* value) noexcept {
  const auto [i, slot] = locate(value);
  hand_over(i, slot, value);
}

void node_pool::hand_over(std::size_t i, std::size_t slot, const void* value) noexcept {
  for (watch_state& w : watches_) {
    if (i >= w.pending.size()) continue;  // a chunk made after the watch began
    std::uint64_t& b = w.pending[i][slot / 64];
    const std::uint64_t bit = std::uint64_t{1} << (slot % 64);
    if ((b & bit) == 0) continue;
    b &= ~bit;
    --w.left;
    w.copy(w.ctx, (std::uint64_t{i} << 32) | slot, value);
  }
}

std::size_t node_pool::live() const noexcept {
  std::size_t n = 0;
  for (const chunk& c : chunks_) {
    for (std::size_t w = 0; w < c.capacity / 64; ++w) n += static_cast<std::size_t>(std::popcount(c.live[w]));
  }
  return n;
}

}  // namespace relstore::detail
