// relstore-bench: one workload, three systems, in one binary and one run.
//
//   relstore  the library, through its public API (constrained repositories,
//             JSON filters, include, snapshots)
//   sqlite    SQLite in memory, PRAGMA foreign_keys=ON, an index on the foreign
//             key, prepared statements reused, one transaction per phase,
//             ON DELETE CASCADE; snapshots through sqlite3_backup
//   floor     a bare Boost.MultiIndex container with hand-written checks: what
//             relstore costs over doing it by hand
//
// Scales are children counts (1k, 100k, 1M) with one parent per 10 children.
// Seeds are fixed. Every benchmark reports ns per operation ("ns_per_op").
// --check runs the workload once per scale on all three systems and exits
// non-zero if they disagree on any count (CI's smoke test).
#include <benchmark/benchmark.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include <relstore/detail/command_line.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <limits>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "floor_system.hpp"
#include "leaderboard_phases.hpp"
#include "phases.hpp"
#include "relstore_system.hpp"
#include "save_phases.hpp"
#include "sqlite_system.hpp"
#include "tx_phases.hpp"

// ------------------------------------------------------------ allocation counting

// Live heap bytes held through operator new (what malloc_usable_size gives
// each block), for memory per entity. glibc only, and not under
// AddressSanitizer, whose own operator new must stay in charge.
#if !defined(__GLIBC__) || defined(__SANITIZE_ADDRESS__)
#define RELSTORE_BENCH_COUNTING 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RELSTORE_BENCH_COUNTING 0
#endif
#endif
#ifndef RELSTORE_BENCH_COUNTING
#define RELSTORE_BENCH_COUNTING 1
#endif

#if RELSTORE_BENCH_COUNTING
namespace {
// No header: a block counts as the bytes malloc_usable_size() gives it, so
// the floor's nodes keep the size and spacing malloc gives them unwatched.
void* counted_alloc(std::size_t n) noexcept {
  void* p = std::malloc(n);
  if (p != nullptr) bench::count_allocated(static_cast<std::int64_t>(malloc_usable_size(p)));
  return p;
}
void counted_free(void* p) noexcept {
  if (p == nullptr) return;
  bench::count_allocated(-static_cast<std::int64_t>(malloc_usable_size(p)));
  std::free(p);
}
void* counted_new(std::size_t n) {
  void* p = counted_alloc(n);
  if (p == nullptr) throw std::bad_alloc();
  return p;
}
// Over-aligned blocks (relstore's 2 MiB chunks).
void* counted_aligned_alloc(std::size_t n, std::align_val_t al) noexcept {
  const auto a = std::max(static_cast<std::size_t>(al), sizeof(void*));
  void* p = nullptr;
  if (posix_memalign(&p, a, n) != 0) return nullptr;
  bench::count_allocated(static_cast<std::int64_t>(malloc_usable_size(p)));
  return p;
}
void counted_aligned_free(void* p, std::align_val_t) noexcept { counted_free(p); }
void* counted_aligned_new(std::size_t n, std::align_val_t al) {
  void* p = counted_aligned_alloc(n, al);
  if (p == nullptr) throw std::bad_alloc();
  return p;
}
}  // namespace

// Every replaceable form that pairs with another, so no block crosses allocators.
void* operator new(std::size_t n) { return counted_new(n); }
void* operator new[](std::size_t n) { return counted_new(n); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept { return counted_alloc(n); }
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept { return counted_alloc(n); }
void operator delete(void* q) noexcept { counted_free(q); }
void operator delete[](void* q) noexcept { counted_free(q); }
void operator delete(void* q, std::size_t) noexcept { counted_free(q); }
void operator delete[](void* q, std::size_t) noexcept { counted_free(q); }
void operator delete(void* q, const std::nothrow_t&) noexcept { counted_free(q); }
void operator delete[](void* q, const std::nothrow_t&) noexcept { counted_free(q); }
void* operator new(std::size_t n, std::align_val_t al) { return counted_aligned_new(n, al); }
void* operator new[](std::size_t n, std::align_val_t al) { return counted_aligned_new(n, al); }
void* operator new(std::size_t n, std::align_val_t al, const std::nothrow_t&) noexcept {
  return counted_aligned_alloc(n, al);
}
void* operator new[](std::size_t n, std::align_val_t al, const std::nothrow_t&) noexcept {
  return counted_aligned_alloc(n, al);
}
void operator delete(void* q, std::align_val_t al) noexcept { counted_aligned_free(q, al); }
void operator delete[](void* q, std::align_val_t al) noexcept { counted_aligned_free(q, al); }
void operator delete(void* q, std::size_t, std::align_val_t al) noexcept { counted_aligned_free(q, al); }
void operator delete[](void* q, std::size_t, std::align_val_t al) noexcept { counted_aligned_free(q, al); }
void operator delete(void* q, std::align_val_t al, const std::nothrow_t&) noexcept { counted_aligned_free(q, al); }
void operator delete[](void* q, std::align_val_t al, const std::nothrow_t&) noexcept { counted_aligned_free(q, al); }
#endif

namespace bench {

// ------------------------------------------------------------ agreement check

// Runs the workload's phases once on each system and compares every count.
template <class System>
std::vector<std::int64_t> observe(std::int64_t n) {
  workload w(n);
  System s;
  s.insert_parents(w);
  s.insert_children(w);
  std::vector<std::int64_t> seen{s.count_parents(), s.count_children()};
  picker pick(w);
  double sum = 0;
  for (int i = 0; i < 50; ++i) {
    const std::int64_t p = pick.parent();
    const double got = s.find_sum(p);
    sum += got;
    if constexpr (requires { s.find_sum_visit(p); }) {
      // Key order twice: the same bits. The index's order: the same cents.
      const double visited = s.find_sum_visit(p);
      if (s.find_sum_copied(p) != visited) seen.push_back(-1);
      if (std::llround(visited * 100) != std::llround(got * 100)) seen.push_back(-1);
    }
  }
  seen.push_back(static_cast<std::int64_t>(sum * 100 + 0.5));
  // Ten writes committed, ten rolled back (the state must not move), ten observed.
  auto parent_sums = [&] {
    double all = 0;
    for (std::int64_t p = 1; p <= std::min<std::int64_t>(w.parents, 50); ++p)
      all += s.find_sum(p) * static_cast<double>(p);
    return static_cast<std::int64_t>(all * 100 + 0.5);
  };
  s.begin();
  ten_writes(s, pick);
  s.commit();
  seen.push_back(parent_sums());
  s.begin();
  ten_writes(s, pick);
  s.rollback();
  seen.push_back(parent_sums());
  s.observe(true);
  ten_writes(s, pick);
  s.observe(false);
  seen.push_back(s.events);
  seen.push_back(s.lookup(n) ? 1 : 0);
  seen.push_back(s.lookup(n + 1) ? 1 : 0);
  // Many keys at once, one repeated and one missing: each row once.
  const std::vector<std::int64_t> many{n, 3, n + 1, 7, 3, n / 2};
  seen.push_back(std::llround(s.lookup_many(many) * 100));
  if constexpr (requires { s.lookup_many_inq(many); }) {
    if (s.lookup_many_inq(many) != s.lookup_many(many)) seen.push_back(-1);
  }
  seen.push_back(s.patch(1, 7));
  seen.push_back(s.patch_many({8, 9, 8, w.parents + 1, 10}, 3));  // a repeat and a missing parent
  seen.push_back(s.delete_where(2, 50.0));
  seen.push_back(s.reparent(3, 4) ? 1 : 0);
  seen.push_back(s.rejected_insert(w.parents + 5) ? 1 : 0);
  seen.push_back(s.cascade_delete(5) ? 1 : 0);
  seen.push_back(s.cascade_many({11, 12, w.parents + 2}));  // a missing parent deletes nothing
  seen.push_back(s.count_children());
  seen.push_back(s.include(3));
  seen.push_back(s.json_find(6));
  seen.push_back(s.frame_update());
  seen.push_back(parent_sums());
  const auto path = snapshot_path(System::name);
  s.save(path);
  s.load(path);
  std::filesystem::remove(path);
  seen.push_back(s.count_parents());
  seen.push_back(s.count_children());
  return seen;
}

int check(std::int64_t n) {
  const auto a = observe<relstore_system>(n), b = observe<sqlite_system>(n), c = observe<floor_system>(n);
  std::printf("check at %lld children: ", static_cast<long long>(n));
  for (auto v : a) std::printf("%lld ", static_cast<long long>(v));
  const bool same = a == b && a == c;
  std::printf("-> %s\n", same ? "relstore, sqlite and floor agree" : "DISAGREE");
  if (!same) {
    for (std::size_t i = 0; i < a.size(); ++i) {
      std::printf("  [%zu] relstore %lld sqlite %lld floor %lld\n", i, static_cast<long long>(a[i]),
                  static_cast<long long>(b[i]), static_cast<long long>(c[i]));
    }
  }
  // The leaderboard: the same ten players in the same order, with the
  // index, without it (a scan), on the floor and in SQLite.
  auto top = [&]<class Board>(Board&& board) {
    board.load(workload(n));
    return board.top();
  };
  const std::int64_t ranked = top(relstore_board<ranked_schema>{});
  const std::int64_t scanned = top(relstore_board<unranked_schema>{});
  const std::int64_t floor_top = top(floor_board{});
  const std::int64_t sqlite_top = top(sqlite_board{});
  const bool boards = ranked == scanned && ranked == floor_top && ranked == sqlite_top;
  std::printf("  leaderboard (sum of id x rank): relstore %lld, scan %lld, floor %lld, sqlite %lld -> %s\n",
              static_cast<long long>(ranked), static_cast<long long>(scanned), static_cast<long long>(floor_top),
              static_cast<long long>(sqlite_top), boards ? "agree" : "DISAGREE");
  return same && boards ? 0 : 1;
}

template <class System>
void register_system(schedule& plan) {
  const std::string s = System::name;
  // Snapshots wait on the disk (fsync), so they are timed by the wall clock.
  auto add = [&](const char* phase, void (*fn)(benchmark::State&), bool manual, bool wall = false) {
    plan.add(phase, s, fn, {.manual = manual, .wall = wall});
  };
  add("insert_parents", &insert_parents<System>, true);
  add("insert_children", &insert_children<System>, true);
  add("point_lookup", &point_lookup<System>, false);
  add("lookup_many", &lookup_many<System, &System::lookup_many>, false);
  if constexpr (requires { &System::lookup_many_inq; }) {
    add("lookup_many_inq", &lookup_many<System, &System::lookup_many_inq>, false);
  }
  add("constrained_find_sum", &constrained_find_sum<System>, false);
  if constexpr (requires(System & sys) { sys.find_sum_visit(1); }) {
    add("constrained_find_visit", &constrained_find_visit<System>, false);
  }
  if constexpr (requires(System & sys) { sys.find_sum_copied(1); }) {
    add("constrained_find_copied", &constrained_find_copied<System>, false);
  }
  add("constrained_patch", &constrained_patch<System>, false);
  add("patch_many", &patch_many<System>, false);
  add("constrained_delete_where", &constrained_delete_where<System>, true);
  add("reparent", &reparent<System>, false);
  add("rejected_insert", &rejected_insert<System>, false);
  add("cascade_delete", &cascade_delete<System>, true);
  add("cascade_many", &cascade_many<System>, true);
  add("include", &include_all<System>, false);
  add("json_filter_find", &json_filter_find<System>, false);
  if constexpr (requires(System & sys) { sys.find_prepared(1); }) {
    add("constrained_find_typed", &find_typed<System>, false);
    add("constrained_find_prepared", &find_prepared<System>, false);
  }
  add("snapshot_save", &snapshot_save<System>, false, true);
  add("snapshot_load", &snapshot_load<System>, false, true);
  if constexpr (requires { &System::save_in_background; }) {
    add("background_save", &background_save<System>, true);
  }
  add("memory", &memory<System>, false);
  add("read_pass", &read_pass<System>, false);
  add("ten_writes", &writes<System, write_mode::plain>, false);
  add("ten_writes_tx_commit", &writes<System, write_mode::commit>, false);
  add("ten_writes_tx_rollback", &writes<System, write_mode::rollback>, false);
  add("ten_writes_observed", &writes<System, write_mode::observed>, false);
  add("frame_update", &frame_update<System, &System::frame_update>, false);
  if constexpr (requires { &System::frame_update_writes; }) {
    add("frame_update_writes", &frame_update<System, &System::frame_update_writes>, false);
    add("frame_update_replace", &frame_update<System, &System::frame_update_replace>, false);
    add("frame_update_observed", &frame_update<System, &System::frame_update_observed>, false);
  }
  if constexpr (requires(System & sys) { sys.make_dense(); }) {
    add("frame_update_dense", &frame_update_dense<System>, false);
  }
  // Churns the world: last.
  add("read_pass_churned", &read_pass_churned<System>, false);
  add("frame_update_churned", &frame_update<System, &System::frame_update>, false);
  if constexpr (requires(System & sys) { sys.compact(); }) {
    add("read_pass_compacted", &read_pass_compacted<System>, false);
  }
}

// ------------------------------------------------------------ command line

namespace po = boost::program_options;

constexpr const char* usage_line = "usage: relstore-bench [OPTIONS] [--benchmark_...]";

struct options {
  std::vector<std::int64_t> scales{1000, 100000, 1000000};
  bool check_only = false;
  bool skip_check = false;
  // argv[0] and Google Benchmark's flags, for benchmark::Initialize
  // (argc is its size; a null pointer follows, as in argv).
  std::vector<char*> benchmark_argv;
};

// Scales: children counts, comma-separated, each from 1 to a billion.
std::vector<std::int64_t> parse_scales(const std::string& list) {
  constexpr std::int64_t most = 1'000'000'000;
  std::vector<std::int64_t> scales;
  for (std::size_t at = 0; at <= list.size();) {
    const std::size_t comma = std::min(list.find(',', at), list.size());
    const std::string item = list.substr(at, comma - at);
    std::int64_t n = 0;
    const char* const last = item.data() + item.size();
    const auto [end, ec] = std::from_chars(item.data(), last, n);
    if (item.empty() || ec != std::errc{} || end != last || n < 1 || n > most) {
      throw po::error("--scales expects children counts from 1 to " + std::to_string(most) +
                      ", comma-separated, not '" + list + "'");
    }
    scales.push_back(n);
    at = comma + 1;
  }
  return scales;
}

// Parses the command line into o. Flags starting with --benchmark_ (and
// --v=, its verbosity) are Google Benchmark's and go to o.benchmark_argv
// untouched; everything else must be one of ours. Returns the exit status
// when the program should stop right away: 0 after --help, 2 after a usage
// error (one line naming the problem and the usage line, on stderr).
std::optional<int> parse_options(int argc, char** argv, options& o) {
  po::options_description desc("Options");
  auto add = desc.add_options();
  add("help,h", "show this help and Google Benchmark's flags, and exit");
  add("scales", po::value<std::string>()->value_name("LIST")->default_value("1000,100000,1000000"),
      "children counts to run at, comma-separated (one parent per ten children)");
  add("check", po::bool_switch(&o.check_only),
      "only run the agreement check at each scale; exit 1 if relstore, sqlite and floor disagree on any count");
  add("skip-check", po::bool_switch(&o.skip_check), "skip the agreement check (for profiling one benchmark)");
  o.benchmark_argv = {argv[0]};
  std::vector<std::string> ours;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg.starts_with("--benchmark_") || arg.starts_with("--v=")) {
      o.benchmark_argv.push_back(argv[i]);
    } else {
      ours.emplace_back(argv[i]);
    }
  }
  o.benchmark_argv.push_back(nullptr);
  try {
    po::variables_map vm;
    (void)relstore::detail::parse_command_line(ours, desc, 0, vm);
    if (vm.count("help") != 0) {
      std::cout << usage_line << "\nRuns the workload on relstore, SQLite and the floor; see README.md, Benchmarks.\n\n"
                << desc << "\nGoogle Benchmark's flags, passed through:\n"
                << std::flush;
      benchmark::PrintDefaultHelp();
      return 0;
    }
    po::notify(vm);
    o.scales = parse_scales(vm["scales"].as<std::string>());
  } catch (const po::error& e) {
    std::fprintf(stderr, "relstore-bench: %s\n%s  (--help for details)\n", e.what(), usage_line);
    return 2;
  }
  return std::nullopt;
}

}  // namespace bench

int main(int argc, char** argv) {
  bench::counts_alone = true;
  bench::heap_counted = RELSTORE_BENCH_COUNTING != 0;
  bench::options opt;
  if (const auto status = bench::parse_options(argc, argv, opt)) return *status;
  // Google Benchmark reads its flags first, so a mistyped one stops the run
  // before the (slow, at large scales) agreement check.
  int benchmark_argc = static_cast<int>(opt.benchmark_argv.size()) - 1;
  benchmark::Initialize(&benchmark_argc, opt.benchmark_argv.data());
  if (benchmark::ReportUnrecognizedArguments(benchmark_argc, opt.benchmark_argv.data())) {
    std::fprintf(stderr, "%s  (--help for details)\n", bench::usage_line);
    return 2;
  }
#if defined(__GLIBC__)
  // relstore keeps the big blocks it frees for its next load
  // (relstore/memory.hpp); glibc gives freed memory back to the kernel past
  // a threshold, and a load then pays to fault it in again (SQLite's backup
  // load at 1M: 28 ms alone, 59 ms after relstore's loads). So that SQLite
  // and the floor keep theirs too, as a game tuning its allocator would,
  // glibc serves blocks under 32 MiB from a heap it does not trim.
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, std::numeric_limits<int>::max());
#endif
  int status = 0;
  for (auto n : opt.scales) status |= opt.skip_check ? 0 : bench::check(n);
  if (opt.check_only || status != 0) {
    benchmark::Shutdown();
    return status;
  }
  bench::schedule plan;
  bench::register_system<bench::relstore_system>(plan);
  bench::register_system<bench::sqlite_system>(plan);
  bench::register_system<bench::floor_system>(plan);
  bench::register_leaderboards(plan);
  plan.register_all(opt.scales);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
