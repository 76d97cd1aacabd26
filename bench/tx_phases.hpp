// Transactions and observers: the same ten writes (ten reparents, each
// checking its new parent) run plain, inside one transaction that commits,
// inside one that rolls back, and plain with one observer counting events.
// SQLite runs them in autocommit, BEGIN ... COMMIT, BEGIN ... ROLLBACK and
// with sqlite3_update_hook; the floor with a hand-written undo vector and a
// std::function.
#pragma once

#include <benchmark/benchmark.h>

#include <cstdint>

#include "phases.hpp"
#include "workload.hpp"

namespace bench {

inline constexpr int writes_per_op = 10;

enum class write_mode { plain, commit, rollback, observed };

template <class System>
void ten_writes(System& sys, picker& pick) {
  for (int i = 0; i < writes_per_op; ++i) {
    if (!sys.reparent(pick.child(), pick.parent())) std::abort();
  }
}

// One op is the ten writes with their begin and commit or rollback.
template <class System, write_mode Mode>
void writes(benchmark::State& state) {
  auto& wd = world_for<System>(state.range(0));
  System& sys = *wd.sys;
  picker& pick = *wd.pick;
  if (Mode == write_mode::observed) sys.observe(true);
  sys.events = 0;
  for (auto _ : state) {
    if (Mode == write_mode::commit || Mode == write_mode::rollback) sys.begin();
    ten_writes(sys, pick);
    if (Mode == write_mode::commit) sys.commit();
    if (Mode == write_mode::rollback) sys.rollback();
  }
  if (Mode == write_mode::observed) {
    sys.observe(false);
    state.counters["events_per_op"] =
        benchmark::Counter(static_cast<double>(sys.events), benchmark::Counter::kAvgIterations);
  }
  report(state, 1);
}

}  // namespace bench
