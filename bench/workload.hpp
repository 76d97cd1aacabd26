// The benchmark's models, schema and workload: the data every system loads
// and the random picks every phase makes, with fixed seeds.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <relstore/relstore.hpp>

namespace bench {

// Live heap bytes held through operator new (counted by the main's
// replacement operators), for memory per entity. The main thread counts in
// its own cells with plain stores: a locked add on every allocation would be
// a full fence in the timed code, which stalls the floor's node-by-node
// mallocs and frees most (relstore allocates its nodes in pools). Other
// threads (a background save's) count atomically in theirs. A block freed on
// another thread than the one that allocated it is counted out there: only
// the sum is the live total.
struct heap_cells {
  std::atomic<std::int64_t> live{0};
  std::atomic<std::int64_t> peak{0};  // the most `live` has been since peak was last stored
};
inline heap_cells main_heap;   // written by the main thread only
inline heap_cells other_heap;  // every other thread's
// True on the thread that runs main() (set first thing there).
inline thread_local bool counts_alone = false;
// Counts n more (or, negative, fewer) live bytes.
inline void count_allocated(std::int64_t n) noexcept {
  if (counts_alone) {
    const std::int64_t now = main_heap.live.load(std::memory_order_relaxed) + n;
    main_heap.live.store(now, std::memory_order_relaxed);
    if (now > main_heap.peak.load(std::memory_order_relaxed)) main_heap.peak.store(now, std::memory_order_relaxed);
    return;
  }
  const std::int64_t now = other_heap.live.fetch_add(n, std::memory_order_relaxed) + n;
  std::int64_t peak = other_heap.peak.load(std::memory_order_relaxed);
  while (now > peak && !other_heap.peak.compare_exchange_weak(peak, now, std::memory_order_relaxed)) {
  }
}
inline std::int64_t live_bytes() noexcept { return main_heap.live.load() + other_heap.live.load(); }
// The most live_bytes() has been since reset_peak(): exact while one thread
// allocates, an upper bound otherwise.
inline std::int64_t peak_live_bytes() noexcept { return main_heap.peak.load() + other_heap.peak.load(); }
inline void reset_peak() noexcept {
  main_heap.peak.store(main_heap.live.load());
  other_heap.peak.store(other_heap.live.load());
}
// The heap bytes the systems hold: live_bytes less the freed blocks relstore
// keeps for reuse (relstore/memory.hpp), which operator new still counts as
// live. A store built in kept blocks grows live_bytes by nothing.
// 0 where nothing counts (a sanitizer build keeps its own operator new).
inline bool heap_counted = false;  // set by relstore_bench.cpp's operator new
inline std::int64_t held_bytes() {
  if (!heap_counted) return 0;
  return live_bytes() - static_cast<std::int64_t>(relstore::block_cache().bytes);
}

struct Customer {
  std::int64_t id = 0;
  std::string name;
};
RELSTORE_MODEL(Customer, id, name)

struct Order {
  std::int64_t id = 0;
  std::int64_t customerId = 0;
  double total = 0;
  std::int32_t status = 0;
};
RELSTORE_MODEL(Order, id, customerId, total, status)

using customer_orders = relstore::has_many<"orders", Customer, Order, relstore::on_delete::cascade>;
using schema = relstore::schema<relstore::models<Customer, Order>, customer_orders>;

using clock = std::chrono::steady_clock;
inline double seconds(clock::time_point a, clock::time_point b) { return std::chrono::duration<double>(b - a).count(); }

// The data every system loads: fixed seed, one parent per 10 children.
struct workload {
  explicit workload(std::int64_t children) : n(children), parents(std::max<std::int64_t>(1, children / 10)) {
    std::mt19937_64 rng(20261124);
    std::uniform_real_distribution<double> money(0, 100);
    totals.reserve(static_cast<std::size_t>(n));
    owners.reserve(static_cast<std::size_t>(n));
    for (std::int64_t i = 0; i < n; ++i) {
      totals.push_back(static_cast<double>(static_cast<std::int64_t>(money(rng) * 100)) / 100);
      owners.push_back(std::uniform_int_distribution<std::int64_t>(1, parents)(rng));
    }
  }
  std::int64_t n, parents;
  std::vector<double> totals;
  std::vector<std::int64_t> owners;
};

// A random parent / child picker with a fixed seed.
struct picker {
  explicit picker(const workload& w) : w_(w), rng_(7) {}
  std::int64_t parent() { return std::uniform_int_distribution<std::int64_t>(1, w_.parents)(rng_); }
  std::int64_t child() { return std::uniform_int_distribution<std::int64_t>(1, w_.n)(rng_); }
  const workload& w_;
  std::mt19937_64 rng_;
};

}  // namespace bench
