// The background save: ticks of 1,000 mixed writes (800 reparents, 10 parents
// created with 9 children each, the 10 parents of the previous tick deleted
// with their children by cascade), each followed by the save's poll() as a
// game's frame would, run while a save of the whole world runs in the
// background. Reports the call's stall, the ticks' p50, p99 and longest time
// during the save (writes and poll) against the same ticks with no save
// running, the poll's own p99, longest and total per save (the copy's cost
// on the game's thread, spread over the ticks), the memory the save's
// copies held, and the frame update (a pass writing one field of every
// child) run in the first frame after the call against the same pass
// without a save.
#pragma once

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "phases.hpp"
#include "workload.hpp"

namespace bench {

template <class System>
struct ticker {
  System& sys;
  picker& pick;
  std::int64_t next_parent;
  std::vector<std::int64_t> previous;  // the parents the last tick created

  static constexpr int families = 10, family_children = 9, reparents = 800;

  void tick() {
    for (int i = 0; i < reparents; ++i) {
      if (!sys.reparent(pick.child(), pick.parent())) std::abort();
    }
    for (std::int64_t p : previous) {
      if (!sys.cascade_delete(p)) std::abort();
    }
    previous.clear();
    for (int i = 0; i < families; ++i) {
      sys.create_family(next_parent, family_children);
      previous.push_back(next_parent++);
    }
  }
  void finish() {
    for (std::int64_t p : previous) {
      if (!sys.cascade_delete(p)) std::abort();
    }
    previous.clear();
  }
};

inline double percentile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[static_cast<std::size_t>(q * static_cast<double>(v.size() - 1))];
}

template <class System>
void background_save(benchmark::State& state) {
  auto& wd = world_for<System>(state.range(0));
  const auto path = snapshot_path(System::name);
  ticker<System> t{*wd.sys, *wd.pick, wd.w->parents + 1'000'000'000, {}};
  std::vector<double> plain, during, polls, stalls, frames, frames_plain;
  double copy_bytes = 0, store_rss = 0;
  for (auto _ : state) {
    for (int i = 0; i < 100; ++i) {
      const auto t0 = clock::now();
      t.tick();
      plain.push_back(seconds(t0, clock::now()));
    }
    const auto f0 = clock::now();
    benchmark::DoNotOptimize(wd.sys->frame_update_writes());
    frames_plain.push_back(seconds(f0, clock::now()));
    store_rss = static_cast<double>(resident("VmRSS:"));
    const auto t0 = clock::now();
    auto job = wd.sys->save_in_background(path);
    stalls.push_back(seconds(t0, clock::now()));
    const auto f1 = clock::now();
    benchmark::DoNotOptimize(wd.sys->frame_update_writes());
    frames.push_back(seconds(f1, clock::now()));
    for (;;) {
      const auto s = clock::now();
      t.tick();
      const auto p = clock::now();
      auto r = job.poll();
      const auto e = clock::now();
      during.push_back(seconds(s, e));
      polls.push_back(seconds(p, e));
      if (r) {
        if (!*r) state.SkipWithError(r->error().message().c_str());
        break;
      }
    }
    state.SetIterationTime(seconds(t0, clock::now()));
    copy_bytes = static_cast<double>(job.copy_bytes());
  }
  t.finish();
  const auto ms = [](double s) { return s * 1e3; };
  state.counters["stall_ms"] = ms(percentile(stalls, 0.5));
  state.counters["frame_ms"] = ms(percentile(frames, 0.5));
  state.counters["frame_plain_ms"] = ms(percentile(frames_plain, 0.5));
  state.counters["tick_plain_p50_ms"] = ms(percentile(plain, 0.5));
  state.counters["tick_plain_p99_ms"] = ms(percentile(plain, 0.99));
  state.counters["tick_p50_ms"] = ms(percentile(during, 0.5));
  state.counters["tick_p99_ms"] = ms(percentile(during, 0.99));
  state.counters["tick_max_ms"] = ms(percentile(during, 1.0));
  state.counters["poll_p99_ms"] = ms(percentile(polls, 0.99));
  state.counters["poll_max_ms"] = ms(percentile(polls, 1.0));
  double poll_total = 0;
  for (double x : polls) poll_total += x;
  state.counters["poll_total_ms"] = ms(poll_total) / static_cast<double>(state.iterations());
  state.counters["ticks_during_save"] = static_cast<double>(during.size()) / static_cast<double>(state.iterations());
  state.counters["copy_mb"] = copy_bytes / 1e6;
  // What the game wrote while the save ran: the bound of the copies.
  state.counters["writes_during_save"] =
      1000.0 * static_cast<double>(during.size()) / static_cast<double>(state.iterations());
  state.counters["process_rss_mb"] = store_rss / 1e6;
  report(state, 1);
  std::filesystem::remove(path);
}

}  // namespace bench
