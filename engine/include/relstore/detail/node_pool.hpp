// node_pool: the memory of one table's entities. Boost.MultiIndex allocates
// one node per entity through node_allocator; the pool serves those nodes
// from large chunks of equal slots and always reuses the lowest free slot, so
// a table's entities stay packed in a few blocks however often rows are
// deleted and re-created. A full pass (for_each_value) walks the live values
// chunk by chunk, each chunk in address order: each cache line once, in the
// direction the hardware prefetcher follows, where the container's own order
// after churn jumps across the heap. Slots are handed out in that same
// order, so values allocated one after another are visited one after another. Everything else the container allocates
// (bucket arrays) comes from allocate_block.
//
// Memory: chunks grow with the table up to 2 MiB, and a block of 2 MiB or
// more (a full chunk, a large bucket array) starts on a 2 MiB boundary and
// is advised to the kernel as huge pages (madvise(MADV_HUGEPAGE)): a pass or
// a lookup over a million entities otherwise misses the TLB at every 4 KiB
// page. The kernel backs a huge page in full at its first touch.
//
// Ownership: a pool is shared by the copies of one container's allocator and
// dies with the last. A copied container gets a new pool
// (select_on_container_copy_construction); move assignment and swap carry
// the pool with the nodes. Move *construction* of a container moves the
// allocator and leaves the moved-from container without a pool (it cannot
// even be destroyed), so table moves swap instead.
// Thread-safety: none; the owning store's rules apply. A watch (below) is
// served on the thread that writes the store: the pool starts no thread.
#pragma once

#include <bit>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <type_traits>
#include <utility>
#include <vector>

#include "relstore/assert.hpp"
#include "relstore/detail/block_allocator.hpp"

namespace relstore::detail {

class node_pool {
 public:
  node_pool() = default;
  node_pool(const node_pool&) = delete;
  node_pool& operator=(const node_pool&) = delete;
  ~node_pool();

  // A slot of `size` bytes aligned to `align`. REQUIRES: the same size and
  // alignment on every call. Each chunk of slots starts on a cache line, so
  // a node of 64 bytes (the key, two hashed indexes' links) is one line.
  void* allocate(std::size_t size, std::size_t align);
  // REQUIRES: p came from allocate() of this pool and holds no live value.
  void deallocate(void* p) noexcept;

  // A value was constructed at `value`, inside a slot; for_each_value visits
  // it until mark_dead. REQUIRES: the value's offset in its slot is the same
  // for every value of the pool.
  void mark_live(const void* value) noexcept;
  void mark_dead(const void* value) noexcept;

  // Calls fn(const void* value) for every live value: the chunks in the
  // order they were made, each in address order.
  // REQUIRES: fn allocates and frees nothing in this pool.
  template <class Fn>
  void for_each_value(Fn&& fn) const {
    RELSTORE_ASSERT(!retired_, "relstore: a pass over a retired node pool");
    for (const chunk& c : chunks_) {
      const std::byte* base = c.base + value_offset_;
      const std::size_t words = c.capacity / 64;
      for (std::size_t w = 0; w < words; ++w) {
        for (std::uint64_t bits = c.live[w]; bits != 0; bits &= bits - 1) {
          const auto slot = w * 64 + static_cast<std::size_t>(std::countr_zero(bits));
          prefetch_ahead(base, slot);
          fn(static_cast<const void*>(base + slot * slot_size_));
        }
      }
    }
  }

  // ----------------------------------------------------------- watches
  // A watch holds the pool's values as they are at watch(), lazily:
  // watch() records which values are live now (one bit per slot, no value
  // is read); from then on each of those values is handed to copy(ctx,
  // slot, value) once, as it was at the call, before it is first written
  // (before_write) or destroyed; before a pass writes some fields of every
  // value (before_write_fields), fields(ctx, pool, mask) is told, and reads
  // what it needs of them first. visit_watched reads the values live at the
  // call, each from the pool while it has not been handed over. Values
  // created after the call are not watched. While a pool is watched, its
  // empty chunks are kept (slot positions stay put). Several watches may run
  // at once, one per ctx.
  // REQUIRES: copy and fields do not throw and do not change this pool; a
  // value is written in place only after before_write(value) or
  // before_write_fields(a mask naming what is written).
  using copy_fn = void (*)(void* ctx, std::uint64_t slot, const void* value) noexcept;
  using fields_fn = void (*)(void* ctx, const node_pool& pool, std::uint64_t fields) noexcept;
  // A slot's place in a watch: (chunk << 32) | slot in chunk; ascending in
  // storage order. watch_end is past the last.
  static constexpr std::uint64_t watch_end = ~std::uint64_t{0};
  // Returns how many values the watch holds.
  std::size_t watch(copy_fn copy, fields_fn fields, void* ctx);
  // Ends ctx's watch (done or not): nothing more is handed to it.
  void unwatch(const void* ctx) noexcept;
  // Calls fn(slot, value) for up to `max` values live at ctx's watch(), in
  // storage order from place `from` on: value is the live value while it
  // has not been handed over, else null (the watch's copy holds it).
  // Returns the place to go on from, or watch_end.
  // REQUIRES: ctx is watching; fn does not use this pool.
  template <class Fn>
  std::uint64_t visit_watched(const void* ctx, std::uint64_t from, std::size_t max, Fn&& fn) const {
    const watch_state& w = watch_of(ctx);
    auto i = static_cast<std::size_t>(from >> 32);
    auto word = static_cast<std::size_t>((from & 0xffffffffu) / 64);
    std::uint64_t skip = ~std::uint64_t{0} << (from % 64);  // slots before `from` in its word
    for (std::size_t done = 0; i < w.at_call.size(); ++i, word = 0) {
      const chunk& c = chunks_[i];
      const std::byte* base = c.base + value_offset_;
      for (const std::size_t words = c.capacity / 64; word < words; ++word, skip = ~std::uint64_t{0}) {
        for (std::uint64_t bits = w.at_call[i][word] & skip; bits != 0; bits &= bits - 1) {
          const auto slot = word * 64 + static_cast<std::size_t>(std::countr_zero(bits));
          const std::uint64_t place = (std::uint64_t{i} << 32) | slot;
          if (done == max) return place;
          const bool held = (w.pending[i][word] & (bits & -bits)) != 0;
          prefetch_ahead(base, slot);
          fn(place, held ? static_cast<const void*>(base + slot * slot_size_) : nullptr);
          ++done;
        }
      }
    }
    return watch_end;
  }
  // How many values ctx's watch has not handed over yet.
  std::size_t pending(const void* ctx) const noexcept { return watch_of(ctx).left; }
  // Called before a live value is written in place.
  void before_write(const void* value) {
    if (!watches_.empty()) [[unlikely]]
      hand_over(value);
  }
  // Called before fields `fields` (bit i: field i) of every live value may
  // be written in place, and nothing else of them.
  void before_write_fields(std::uint64_t fields) noexcept {
    for (const watch_state& w : watches_) w.fields(w.ctx, *this, fields);
  }
  bool watched() const noexcept { return !watches_.empty(); }
  // Tells the pool its container is about to destroy every value and free
  // every node: mark_dead and deallocate then do nothing, and the chunks go
  // back whole when the pool dies. Does nothing while watched (a watch gets
  // each value before it dies).
  // REQUIRES: afterwards only that destruction and ~node_pool use the pool
  // (allocate, mark_live, watch and passes assert it).
  void retire() noexcept { retired_ = watches_.empty(); }
  // The same for a container about to destroy every value and keep going
  // (clear()): between begin_bulk_free() and end_bulk_free() mark_dead and
  // deallocate do nothing, and end_bulk_free() then frees at once every slot
  // that held a live value, keeping what else is allocated (the container's
  // header), and gives back the chunks left empty. begin_bulk_free() returns
  // false, and changes nothing, while watched.
  // REQUIRES: in between, the container only destroys values and frees nodes.
  bool begin_bulk_free() noexcept {
    bulk_ = watches_.empty();
    return bulk_;
  }
  void end_bulk_free() noexcept;

  // The last block (not a node) the pool's allocator handed out, and its
  // size in bytes: after a hashed index's reserve() that rehashed, that
  // index's bucket array. {nullptr, 0} before any. Not owned; a hint only
  // (table::reserve's bucket_hint), which may be freed by now.
  std::pair<const void*, std::size_t> last_block() const noexcept { return last_block_; }
  void note_block(const void* p, std::size_t bytes) noexcept { last_block_ = {p, bytes}; }
  std::size_t live() const noexcept;                           // values, counted from the bitmaps
  std::size_t capacity() const noexcept { return capacity_; }  // slots, used or not
  std::size_t chunks() const noexcept { return chunks_.size(); }

 private:
  struct chunk {
    std::byte* raw = nullptr;     // what was allocated (freed with free_block)
    std::byte* base = nullptr;    // raw rounded up to a cache line: slot 0
    std::uint32_t capacity = 0;   // slots, a multiple of 64
    std::uint32_t used = 0;       // allocated slots
    std::uint32_t open_word = 0;  // no free slot in words before it
    std::unique_ptr<std::uint64_t[]> used_bits;
    std::unique_ptr<std::uint64_t[]> live;
  };
  // Asks for the slot 64 slots past `slot`, live or not (possibly past the
  // chunk's end: a prefetch never faults, and the address is only an
  // integer). The hardware prefetcher stops at each 4 KiB page: without
  // this, a pass waits for memory at every page (64 nodes of 64 bytes).
  void prefetch_ahead(const std::byte* base, std::size_t slot) const noexcept {
#if defined(__GNUC__)
    constexpr std::size_t ahead = 64;
    const std::uintptr_t at = reinterpret_cast<std::uintptr_t>(base) + (slot + ahead) * slot_size_;
    __builtin_prefetch(reinterpret_cast<const void*>(at));
#else
    (void)base;
    (void)slot;
#endif
  }
  // The chunk holding p, and p's slot in it.
  std::pair<std::size_t, std::size_t> locate(const void* p) const noexcept;
  void remember(const std::byte* slot, std::size_t chunk_index, std::size_t slot_index) const noexcept {
    recent_ = slot;
    recent_chunk_ = chunk_index;
    recent_slot_ = slot_index;
  }
  std::size_t add_chunk();
  void index_chunks();  // rebuilds by_address_
  void free_chunk(std::size_t i) noexcept;

  struct watch_state {
    copy_fn copy = nullptr;
    fields_fn fields = nullptr;
    void* ctx = nullptr;
    std::vector<std::unique_ptr<std::uint64_t[]>> at_call;  // per chunk made before watch(): live then
    std::vector<std::unique_ptr<std::uint64_t[]>> pending;  // the same, less those handed over
    std::size_t left = 0;
  };
  // at / slot_size_. REQUIRES: at < 2^32 (a chunk is at most 2 MiB, or 64
  // slots of at most 64 MiB).
  std::size_t slot_of(std::size_t at) const noexcept {
    __extension__ using wide = unsigned __int128;
    return static_cast<std::size_t>((static_cast<wide>(slot_reciprocal_) * at) >> 64);
  }
  const watch_state& watch_of(const void* ctx) const noexcept;
  watch_state& watch_of(const void* ctx) noexcept {
    return const_cast<watch_state&>(std::as_const(*this).watch_of(ctx));
  }
  // Hands the value at (chunk i, slot) to every watch still waiting for it.
  void hand_over(std::size_t i, std::size_t slot, const void* value) noexcept;
  void hand_over(const void* value) noexcept;

  std::vector<watch_state> watches_;
  std::vector<chunk> chunks_;                                         // in the order they were made
  std::vector<std::pair<const std::byte*, std::size_t>> by_address_;  // (base, index in chunks_), sorted
  std::size_t open_ = 0;                                              // every chunk before it is full
  std::size_t slot_size_ = 0;
  // ceil(2^64 / slot_size_): slot_of() divides by slot_size_ with one
  // multiplication (Lemire, Kaser and Kurz 2019), exact below 2^32.
  std::uint64_t slot_reciprocal_ = 0;
  std::size_t align_ = 0;
  std::size_t value_offset_ = 0;
  bool offset_known_ = false;
  bool retired_ = false;
  bool bulk_ = false;  // between begin_bulk_free and end_bulk_free
  std::size_t capacity_ = 0;
  std::size_t used_ = 0;
  std::pair<const void*, std::size_t> last_block_{nullptr, 0};
  mutable const std::byte* recent_ = nullptr;  // the slot locate() found last
  mutable std::size_t recent_chunk_ = 0;
  mutable std::size_t recent_slot_ = 0;
};

// An allocator for a multi_index_container of M: its nodes (a single node
// whose value() is an M) come from a node_pool, the rest from block_allocator.
template <class T, class M>
class node_allocator {
 public:
  using value_type = T;
  using propagate_on_container_copy_assignment = std::false_type;
  using propagate_on_container_move_assignment = std::true_type;
  using propagate_on_container_swap = std::true_type;
  using is_always_equal = std::false_type;
  template <class U>
  struct rebind {
    using other = node_allocator<U, M>;
  };

  node_allocator() : pool_(std::make_shared<node_pool>()) {}
  template <class U>
  node_allocator(const node_allocator<U, M>& other) noexcept : pool_(other.pool_) {}  // NOLINT: rebinding
  node_allocator select_on_container_copy_construction() const { return {}; }

  T* allocate(std::size_t n) {
    if constexpr (is_node) {
      if (n == 1) return static_cast<T*>(pool_->allocate(sizeof(T), alignof(T)));
    }
    T* p = block_allocator<T>{}.allocate(n);
    pool_->note_block(p, n * sizeof(T));
    return p;
  }
  void deallocate(T* p, std::size_t n) noexcept {
    if constexpr (is_node) {
      if (n == 1) return pool_->deallocate(p);
    }
    block_allocator<T>{}.deallocate(p, n);
  }
  template <class U, class... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
    if constexpr (std::is_same_v<U, M>) pool_->mark_live(p);
  }
  template <class U>
  void destroy(U* p) noexcept {
    if constexpr (std::is_same_v<U, M>) pool_->mark_dead(p);
    p->~U();
  }

  const node_pool& pool() const noexcept { return *pool_; }
  // The pool, to watch it or tell it of a write (a watch is not a change
  // to the values; see node_pool).
  node_pool& watchable_pool() const noexcept { return *pool_; }
  std::shared_ptr<node_pool> shared_pool() const noexcept { return pool_; }

  template <class U>
  bool operator==(const node_allocator<U, M>& other) const noexcept {
    return pool_ == other.pool_;
  }

 private:
  template <class, class>
  friend class node_allocator;
  static constexpr bool is_node = requires(T & node) {
    { node.value() } -> std::same_as<M&>;
  };
  std::shared_ptr<node_pool> pool_;
};

}  // namespace relstore::detail
