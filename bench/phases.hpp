// The phases: each a Google Benchmark function templated on the system.
// Destructive ones time only the operation and restore untimed.
#pragma once

#include <benchmark/benchmark.h>
#include <sqlite3.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "workload.hpp"

namespace bench {

// ------------------------------------------------------------ run order

// Collects every system's phases, then registers them phase by phase and, in
// each phase, scale by scale with the systems side by side. A ratio then
// compares runs seconds apart, not the same phase run by one system and, half
// an hour later, by another on a VM whose speed has moved since. Phases keep
// the order in which they are first added (the churning ones last).
struct timing {
  bool manual = false;  // the phase times itself (SetIterationTime)
  bool wall = false;    // timed by the wall clock (it waits on the disk)
};
class schedule {
 public:
  void add(std::string phase, std::string system, void (*fn)(benchmark::State&), timing o = {}) {
    if (std::find(phases_.begin(), phases_.end(), phase) == phases_.end()) phases_.push_back(phase);
    entries_.push_back({std::move(phase), std::move(system), fn, o});
  }
  void register_all(const std::vector<std::int64_t>& scales) const {
    for (const auto& phase : phases_) {
      for (auto n : scales) {
        for (const auto& e : entries_) {
          if (e.phase != phase) continue;
          auto* b = benchmark::RegisterBenchmark((e.phase + "/" + e.system).c_str(), e.fn);
          b->Arg(n);
          if (e.o.manual) b->UseManualTime();
          if (e.o.wall) b->UseRealTime();
          b->Unit(benchmark::kMicrosecond);
        }
      }
    }
  }

 private:
  struct entry {
    std::string phase;
    std::string system;
    void (*fn)(benchmark::State&);
    timing o;
  };
  std::vector<std::string> phases_;
  std::vector<entry> entries_;
};

// ------------------------------------------------------------ worlds, built once per scale

template <class System>
struct world {
  std::unique_ptr<System> sys;
  std::unique_ptr<workload> w;
  // One stream of picks per world, never restarted: Google Benchmark runs a
  // phase several times, and a replayed reparent would change nothing.
  std::unique_ptr<picker> pick;
  std::int64_t bytes = 0;  // memory of the loaded world
  bool churned = false;    // read_pass_churned has run its churn
  bool compacted = false;  // read_pass_compacted has compacted
};

template <class System>
world<System>& world_for(std::int64_t n) {
  static std::map<std::int64_t, world<System>> cache;
  auto& wd = cache[n];
  if (!wd.sys) {
    wd.w = std::make_unique<workload>(n);
    wd.pick = std::make_unique<picker>(*wd.w);
    const std::int64_t before = held_bytes();
    const std::int64_t sql_before = sqlite3_memory_used();
    wd.sys = std::make_unique<System>();
    wd.sys->insert_parents(*wd.w);
    const std::int64_t with_parents = held_bytes() + sqlite3_memory_used();
    wd.sys->insert_children(*wd.w);
    const std::int64_t after = held_bytes() + sqlite3_memory_used();
    (void)before;
    (void)sql_before;
    wd.bytes = after - with_parents;  // the children, their indexes and their share of the pages
  }
  return wd;
}
inline void report(benchmark::State& state, std::int64_t ops_per_iteration) {
  state.SetItemsProcessed(state.iterations() * ops_per_iteration);
  // time / (iterations * ops) in nanoseconds.
  state.counters["ns_per_op"] =
      benchmark::Counter(static_cast<double>(ops_per_iteration) * 1e-9,
                         benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

// Phases. Destructive ones time only the operation and restore untimed.

template <class System>
void insert_parents(benchmark::State& state) {
  workload w(state.range(0));
  for (auto _ : state) {
    System s;
    const auto t0 = clock::now();
    s.insert_parents(w);
    state.SetIterationTime(seconds(t0, clock::now()));
  }
  report(state, w.parents);
}

template <class System>
void insert_children(benchmark::State& state) {
  workload w(state.range(0));
  for (auto _ : state) {
    System s;
    s.insert_parents(w);
    const auto t0 = clock::now();
    s.insert_children(w);
    state.SetIterationTime(seconds(t0, clock::now()));
  }
  report(state, w.n);
}

// A read per op, on a random key from the world's picker.
template <class System, class Read>
void reads(benchmark::State& state, Read read) {
  auto& wd = world_for<System>(state.range(0));
  for (auto _ : state) benchmark::DoNotOptimize(read(*wd.sys, *wd.pick));
  report(state, 1);
}

template <class System>
void point_lookup(benchmark::State& state) {
  reads<System>(state, [](System& sys, picker& pick) { return sys.lookup(pick.child()); });
}

// The rows of 16 random children read in one call, per row: how a caller
// that resolves many keys at once (a game's targets, a tool's selection)
// gets the lookups overlapped. Each system returns the sum of the rows'
// totals, a row once however often its key is listed (as SQL's IN).
inline constexpr std::size_t keys_per_batch = 16;

template <class System, double (System::*Lookup)(const std::vector<std::int64_t>&)>
void lookup_many(benchmark::State& state) {
  auto& wd = world_for<System>(state.range(0));
  picker& pick = *wd.pick;
  std::vector<std::int64_t> ids(keys_per_batch);
  for (auto _ : state) {
    for (auto& id : ids) id = pick.child();
    benchmark::DoNotOptimize((wd.sys.get()->*Lookup)(ids));
  }
  report(state, static_cast<std::int64_t>(keys_per_batch));
}

template <class System>
void constrained_find_sum(benchmark::State& state) {
  reads<System>(state, [](System& sys, picker& pick) { return sys.find_sum(pick.parent()); });
}

template <class System>
void constrained_find_visit(benchmark::State& state) {
  reads<System>(state, [](System& sys, picker& pick) { return sys.find_sum_visit(pick.parent()); });
}

template <class System>
void constrained_find_copied(benchmark::State& state) {
  reads<System>(state, [](System& sys, picker& pick) { return sys.find_sum_copied(pick.parent()); });
}

template <class System>
void constrained_patch(benchmark::State& state) {
  auto& wd = world_for<System>(state.range(0));
  picker& pick = *wd.pick;
  std::int32_t status = 0;
  for (auto _ : state) benchmark::DoNotOptimize(wd.sys->patch(pick.parent(), ++status));
  report(state, 1);
}

// The same patch on the families of 16 random parents in one call, per
// family: how a caller that writes many families gets them walked together.
inline constexpr std::size_t families_per_batch = 16;

template <class System>
void patch_many(benchmark::State& state) {
  auto& wd = world_for<System>(state.range(0));
  picker& pick = *wd.pick;
  std::vector<std::int64_t> parents(families_per_batch);
  std::int32_t status = 0;
  for (auto _ : state) {
    for (auto& p : parents) p = pick.parent();
    benchmark::DoNotOptimize(wd.sys->patch_many(parents, ++status));
  }
  report(state, static_cast<std::int64_t>(families_per_batch));
}

template <class System>
void constrained_delete_where(benchmark::State& state) {
  auto& wd = world_for<System>(state.range(0));
  picker& pick = *wd.pick;
  for (auto _ : state) {
    const std::int64_t p = pick.parent();
    const auto kept = wd.sys->children(p);
    const auto t0 = clock::now();
    benchmark::DoNotOptimize(wd.sys->delete_where(p, 50.0));
    state.SetIterationTime(seconds(t0, clock::now()));
    wd.sys->restore(kept);
  }
  report(state, 1);
}

template <class System>
void reparent(benchmark::State& state) {
  auto& wd = world_for<System>(state.range(0));
  picker& pick = *wd.pick;
  for (auto _ : state) {
    if (!wd.sys->reparent(pick.child(), pick.parent())) state.SkipWithError("reparent failed");
  }
  report(state, 1);
}

template <class System>
void rejected_insert(benchmark::State& state) {
  auto& wd = world_for<System>(state.range(0));
  const std::int64_t missing = wd.w->parents + 1000;
  for (auto _ : state) {
    if (!wd.sys->rejected_insert(missing)) state.SkipWithError("a dangling insert was accepted");
  }
  report(state, 1);
}

template <class System>
void cascade_delete(benchmark::State& state) {
  auto& wd = world_for<System>(state.range(0));
  picker& pick = *wd.pick;
  for (auto _ : state) {
    const std::int64_t p = pick.parent();
    const auto kept = wd.sys->children(p);
    const auto t0 = clock::now();
    const bool ok = wd.sys->cascade_delete(p);
    state.SetIterationTime(seconds(t0, clock::now()));
    if (!ok) state.SkipWithError("cascade delete failed");
    wd.sys->restore_parent(p, kept);
  }
  report(state, 1);
}

// 16 distinct random parents deleted in one call, with their children, per
// parent: how a caller that removes many families (a zone unloaded) gets
// them walked together. Restored after each call, untimed.
template <class System>
void cascade_many(benchmark::State& state) {
  auto& wd = world_for<System>(state.range(0));
  picker& pick = *wd.pick;
  std::vector<std::int64_t> parents;
  std::vector<std::vector<Order>> kept(families_per_batch);
  for (auto _ : state) {
    parents.clear();
    while (parents.size() < families_per_batch) {
      const std::int64_t p = pick.parent();
      if (std::find(parents.begin(), parents.end(), p) == parents.end()) parents.push_back(p);
    }
    for (std::size_t i = 0; i < parents.size(); ++i) kept[i] = wd.sys->children(parents[i]);
    const auto t0 = clock::now();
    const std::int64_t n = wd.sys->cascade_many(parents);
    state.SetIterationTime(seconds(t0, clock::now()));
    if (n != static_cast<std::int64_t>(families_per_batch)) state.SkipWithError("cascade delete failed");
    for (std::size_t i = 0; i < parents.size(); ++i) wd.sys->restore_parent(parents[i], kept[i]);
  }
  report(state, static_cast<std::int64_t>(families_per_batch));
}

template <class System>
void include_all(benchmark::State& state) {
  auto& wd = world_for<System>(state.range(0));
  for (auto _ : state) benchmark::DoNotOptimize(wd.sys->include(3));
  report(state, wd.w->parents);  // per parent
}

template <class System>
void json_filter_find(benchmark::State& state) {
  reads<System>(state, [](System& sys, picker& pick) { return sys.json_find(pick.parent()); });
}

template <class System>
void find_typed(benchmark::State& state) {
  reads<System>(state, [](System& sys, picker& pick) { return sys.find_typed(pick.parent()); });
}
template <class System>
void find_prepared(benchmark::State& state) {
  reads<System>(state, [](System& sys, picker& pick) { return sys.find_prepared(pick.parent()); });
}

// Memory of a snapshot phase: the heap a call holds at its peak over what
// was live before it, counting operator new (relstore, the floor) and
// SQLite's own allocator. The blocks relstore keeps for reuse are released
// first, so a load cannot hide its store in them. 0 where nothing counts.
struct heap_peak {
  std::int64_t base = 0, sql_base = 0;
  heap_peak() {
    relstore::release_cached_blocks();
    base = live_bytes();
    sql_base = sqlite3_memory_used();
    reset_peak();
    sqlite3_memory_highwater(1);
  }
  std::int64_t peak() const {
    if (!heap_counted) return 0;
    return peak_live_bytes() - base + sqlite3_memory_highwater(0) - sql_base;
  }
  // Live now over the base, kept blocks released.
  std::int64_t now() const {
    if (!heap_counted) return 0;
    relstore::release_cached_blocks();
    return live_bytes() - base + sqlite3_memory_used() - sql_base;
  }
};

// Resident memory in bytes: "VmRSS" now, or "VmHWM" (the peak).
inline std::int64_t resident(const char* which) {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind(which, 0) == 0) return std::stoll(line.substr(line.find(':') + 1)) * 1024;  // kB
  }
  return 0;
}

// A counter of /proc/vmstat, system-wide (0 where absent): the kernel's
// transparent-huge-page fallbacks and compaction stalls, which a fragmented
// machine charges to a load's page faults.
inline std::int64_t vmstat(const char* key) {
  std::ifstream in("/proc/vmstat");
  std::string name;
  std::int64_t value = 0;
  while (in >> name >> value) {
    if (name == key) return value;
  }
  return 0;
}
// Minor page faults of this process so far.
inline std::int64_t minor_faults() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  return u.ru_minflt;
}
// What the kernel did for one timed call, per iteration: page faults taken,
// huge pages asked for and not given, compaction stalls.
struct kernel_work {
  std::int64_t faults = minor_faults(), fallback = vmstat("thp_fault_fallback"), stall = vmstat("compact_stall");
  void report(benchmark::State& state) const {
    const auto it = static_cast<double>(std::max<benchmark::IterationCount>(state.iterations(), 1));
    state.counters["minflt"] = static_cast<double>(minor_faults() - faults) / it;
    state.counters["thp_fallback"] = static_cast<double>(vmstat("thp_fault_fallback") - fallback) / it;
    state.counters["compact_stall"] = static_cast<double>(vmstat("compact_stall") - stall) / it;
  }
};

inline std::filesystem::path snapshot_path(const char* system) {
  return std::filesystem::temp_directory_path() /
         (std::string("relstore-bench-") + system + "-" + std::to_string(::getpid()) + ".snap");
}

template <class System>
void snapshot_save(benchmark::State& state) {
  auto& wd = world_for<System>(state.range(0));
  const auto path = snapshot_path(System::name);
  std::int64_t bytes = 0, extra = 0;
  {  // untimed: the save's transient heap
    const heap_peak heap;
    bytes = wd.sys->save(path);
    extra = heap.peak();
  }
  const kernel_work kernel;
  for (auto _ : state) bytes = wd.sys->save(path);
  kernel.report(state);
  state.counters["peak_extra_mb"] = static_cast<double>(extra) / 1e6;
  state.SetBytesProcessed(state.iterations() * bytes);
  state.counters["file_bytes"] = static_cast<double>(bytes);
  report(state, 1);
  std::filesystem::remove(path);
}

template <class System>
void snapshot_load(benchmark::State& state) {
  auto& wd = world_for<System>(state.range(0));
  const auto path = snapshot_path(System::name);
  const std::int64_t bytes = wd.sys->save(path);
  std::int64_t extra = 0;
  {  // untimed: a load into an empty store, its peak over the store it built
    System fresh;
    const heap_peak heap;
    fresh.load(path);
    extra = heap.peak() - heap.now();
  }
  const kernel_work kernel;
  for (auto _ : state) wd.sys->load(path);
  kernel.report(state);
  state.counters["peak_extra_mb"] = static_cast<double>(extra) / 1e6;
  state.SetBytesProcessed(state.iterations() * bytes);
  state.counters["file_bytes"] = static_cast<double>(bytes);
  report(state, 1);
  std::filesystem::remove(path);
}

// The frame update: 1.0 added to one field of every child, `update` one of
// the system's ways to do it. Each run moves the totals: registered last.
template <class System, std::int64_t (System::*Update)()>
void frame_update(benchmark::State& state) {
  auto& wd = world_for<System>(state.range(0));
  for (auto _ : state) benchmark::DoNotOptimize(((*wd.sys).*Update)());
  report(state, wd.w->n);  // per child
}

// A full read pass: every child's total summed, in the system's own order.
template <class System>
void read_pass(benchmark::State& state) {
  auto& wd = world_for<System>(state.range(0));
  for (auto _ : state) benchmark::DoNotOptimize(wd.sys->read_pass());
  report(state, wd.w->n);  // per child
}

// The same after heavy churn (once per world, untimed): half the children,
// picked at random, deleted and re-created with the same values in another
// random order. Registered after every phase that should see a fresh world.
template <class System>
void read_pass_churned(benchmark::State& state) {
  auto& wd = world_for<System>(state.range(0));
  if (!wd.churned) {
    std::vector<std::int64_t> ids(static_cast<std::size_t>(wd.w->n));
    for (std::size_t i = 0; i < ids.size(); ++i) ids[i] = static_cast<std::int64_t>(i) + 1;
    std::mt19937_64 rng(20261201);
    std::shuffle(ids.begin(), ids.end(), rng);
    ids.resize(ids.size() / 2);
    std::vector<std::int64_t> again = ids;
    std::shuffle(again.begin(), again.end(), rng);
    wd.sys->churn(ids, again);
    wd.churned = true;
  }
  read_pass<System>(state);
}

// The churned world after System::compact() (once per world, untimed).
template <class System>
void read_pass_compacted(benchmark::State& state) {
  auto& wd = world_for<System>(state.range(0));
  if (!wd.compacted) {
    wd.sys->compact();
    wd.compacted = true;
  }
  read_pass<System>(state);
}

// The frame update over the floor's dense array (made once by floor_system::make_dense).
template <class System>
void frame_update_dense(benchmark::State& state) {
  auto& wd = world_for<System>(state.range(0));
  wd.sys->make_dense();
  for (auto _ : state) benchmark::DoNotOptimize(wd.sys->frame_update_dense());
  report(state, wd.w->n);  // per child
}

template <class System>
void memory(benchmark::State& state) {
  auto& wd = world_for<System>(state.range(0));
  for (auto _ : state) benchmark::DoNotOptimize(wd.bytes);
  state.counters["bytes_per_child"] = static_cast<double>(wd.bytes) / static_cast<double>(wd.w->n);
}

}  // namespace bench
