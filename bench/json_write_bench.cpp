// relstore-json-write-bench: the JSON writer on its two real paths, against
// the alternatives, in one binary and one run (issue 15 item 6; figures in
// docs/benchmarks.md).
//
//   dump     relstore-snapshot dump's loop (api/src/dump.cpp): one JSON Lines
//            line per row of a dataset, framed and streamed to an ostream
//            that counts bytes (no I/O: the query, the column reads and
//            the formatting are timed);
//            dump/dump_dataset is relstore::dump_dataset itself, end to end
//   to_json  row<M>::to_json on find results: one fresh string per row
//
// Writers: library (detail::write_json: Boost.JSON for names, strings and
// integers, std::to_chars for doubles), hand (the hand-written writer it
// replaced), boost_stream (library with Boost.JSON's double form too) and
// boost_object (a json::object per row in a reused monotonic buffer). The
// model has int64 keys, a double, a string and an optional int64; 1M rows.
// Reports ns per row of CPU time ("ns_per_row"). The figures come from
//   relstore-json-write-bench --benchmark_repetitions=15 --benchmark_min_time=0.01
//       --benchmark_enable_random_interleaving=true --benchmark_display_aggregates_only=true
// comparing medians.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/serializer.hpp>
#include <boost/json/string.hpp>
#include <boost/json/value.hpp>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <random>
#include <sstream>
#include <streambuf>
#include <string>
#include <vector>

#include <relstore/dump.hpp>
#include <relstore/relstore.hpp>
#include <relstore/snapshot.hpp>

#include "relstore/detail/json_write.hpp"
#include "relstore/detail/query.hpp"

namespace {

namespace json = boost::json;
using relstore::model_info;
using relstore::value_view;

struct Customer {
  std::int64_t id = 0;
  std::string name;
};
RELSTORE_MODEL(Customer, id, name)

struct Order {
  std::int64_t id = 0;
  std::int64_t customerId = 0;
  double total = 0;
  std::string note;
  std::optional<std::int64_t> couponId;
};
RELSTORE_MODEL(Order, id, customerId, total, note, couponId)

using customer_orders = relstore::has_many<"orders", Customer, Order>;
using schema = relstore::schema<relstore::models<Customer, Order>, customer_orders>;
using store = relstore::store<schema>;

// ------------------------------------------------------------ data

std::vector<Order> make_orders(std::int64_t n) {
  std::mt19937_64 rng(20261124);
  std::uniform_real_distribution<double> money(0, 1000);
  const std::int64_t parents = std::max<std::int64_t>(1, n / 10);
  std::vector<Order> out;
  out.reserve(static_cast<std::size_t>(n));
  for (std::int64_t i = 1; i <= n; ++i) {
    Order o;
    o.id = i;
    o.customerId = std::uniform_int_distribution<std::int64_t>(1, parents)(rng);
    o.total = static_cast<double>(static_cast<std::int64_t>(money(rng) * 100)) / 100;
    o.note = "gift for customer " + std::to_string(o.customerId);
    if (i % 100 == 0) o.note += "\n\"rush\"\tdelivery";  // now and then, characters to escape
    if (i % 2 == 0) o.couponId = i % 97 + 1;
    out.push_back(std::move(o));
  }
  return out;
}

struct world {
  std::vector<Order> orders;
  relstore::dataset data;
};

const world& world_for(std::int64_t n) {
  static std::map<std::int64_t, world> cache;
  auto& w = cache[n];
  if (w.orders.empty()) {
    w.orders = make_orders(n);
    store db;
    for (std::int64_t p = 1; p <= std::max<std::int64_t>(1, n / 10); ++p) {
      if (!db.repo<Customer>().create({.id = p, .name = "customer"})) std::abort();
    }
    for (const auto& o : w.orders) {
      if (!db.repo<Order>().create(o)) std::abort();
    }
    std::stringstream snap;
    if (!relstore::save(db, snap)) std::abort();
    auto ds = relstore::read_snapshot(snap);
    if (!ds) std::abort();
    w.data = std::move(*ds);
  }
  return w;
}

// An ostream that counts and drops what it is given.
class counting_buf : public std::streambuf {
 public:
  std::size_t bytes = 0;

 protected:
  std::streamsize xsputn(const char*, std::streamsize n) override {
    bytes += static_cast<std::size_t>(n);
    return n;
  }
  int_type overflow(int_type c) override {
    ++bytes;
    return c;
  }
};

// ------------------------------------------------------------ writers

// The library's writer, as dump and row::to_json call it: Boost.JSON.
struct library_writer {
  void operator()(const model_info& m, const void* e, std::uint64_t mask, std::string& out) {
    relstore::detail::write_json(m, e, mask, out);
  }
};

// The hand-written writer the library had before issue 15, kept to reproduce
// the comparison.
struct hand_writer {
  static void string(std::string_view s, std::string& out) {
    out += '"';
    for (char ch : s) {
      const auto c = static_cast<unsigned char>(ch);
      switch (c) {
        case '"':
          out += "\\\"";
          break;
        case '\\':
          out += "\\\\";
          break;
        case '\n':
          out += "\\n";
          break;
        case '\r':
          out += "\\r";
          break;
        case '\t':
          out += "\\t";
          break;
        default:
          if (c < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", c);
            out += buf;
          } else {
            out += ch;
          }
      }
    }
    out += '"';
  }
  void operator()(const model_info& model, const void* entity, std::uint64_t mask, std::string& out) {
    out += '{';
    bool first = true;
    for (std::size_t i = 0; i < model.fields.size(); ++i) {
      if (!(mask & (std::uint64_t{1} << i))) continue;
      if (!first) out += ',';
      first = false;
      string(model.fields[i].name, out);
      out += ':';
      const value_view v = model.fields[i].get(entity);
      switch (v.index()) {
        case 0:
          out += "null";
          break;
        case 1:
          out += std::get<bool>(v) ? "true" : "false";
          break;
        case 2:
          out += std::to_string(std::get<std::int64_t>(v));
          break;
        case 3: {
          const double d = std::get<double>(v);
          if (!std::isfinite(d)) {
            out += "null";
            break;
          }
          char buf[32];
          auto res = std::to_chars(buf, buf + sizeof buf, d);
          out.append(buf, res.ptr);
          break;
        }
        default:
          string(std::get<std::string_view>(v), out);
      }
    }
    out += '}';
  }
};

// Drains a serializer into `out` through a stack buffer.
inline void drain(json::serializer& sr, std::string& out) {
  char buf[512];
  while (!sr.done()) {
    const json::string_view s = sr.read(buf);
    out.append(s.data(), s.size());
  }
}

// Boost.JSON, scalar by scalar: one reused serializer writes each key and
// value (strings straight from a string_view, numbers from a json::value on
// the stack); no DOM, no allocation. The library's writer, except that
// doubles are in Boost.JSON's own form too (12.5 as 1.25E1).
struct boost_stream_writer {
  json::serializer sr;
  void operator()(const model_info& model, const void* entity, std::uint64_t mask, std::string& out) {
    out += '{';
    bool first = true;
    for (std::size_t i = 0; i < model.fields.size(); ++i) {
      if (!(mask & (std::uint64_t{1} << i))) continue;
      if (!first) out += ',';
      first = false;
      sr.reset(json::string_view(model.fields[i].name));
      drain(sr, out);
      out += ':';
      const value_view v = model.fields[i].get(entity);
      switch (v.index()) {
        case 0:
          out += "null";
          break;
        case 1:
          out += std::get<bool>(v) ? "true" : "false";
          break;
        case 2: {
          const json::value jv(std::get<std::int64_t>(v));
          sr.reset(&jv);
          drain(sr, out);
          break;
        }
        case 3: {
          const double d = std::get<double>(v);
          if (!std::isfinite(d)) {
            out += "null";  // Boost.JSON 1.81 would print NaN / Infinity, which are not JSON
            break;
          }
          const json::value jv(d);
          sr.reset(&jv);
          drain(sr, out);
          break;
        }
        default:
          sr.reset(json::string_view(std::get<std::string_view>(v)));
          drain(sr, out);
      }
    }
    out += '}';
  }
};

// Boost.JSON, idiomatic: a json::object per row in a reused monotonic
// buffer, serialized by a reused serializer.
struct boost_object_writer {
  alignas(16) unsigned char buf[8192];
  json::monotonic_resource mr{buf, sizeof buf};
  json::serializer sr;
  void operator()(const model_info& model, const void* entity, std::uint64_t mask, std::string& out) {
    {
      json::object obj(&mr);
      obj.reserve(model.fields.size());
      for (std::size_t i = 0; i < model.fields.size(); ++i) {
        if (!(mask & (std::uint64_t{1} << i))) continue;
        const value_view v = model.fields[i].get(entity);
        const json::string_view key(model.fields[i].name);
        switch (v.index()) {
          case 0:
            obj.emplace(key, nullptr);
            break;
          case 1:
            obj.emplace(key, std::get<bool>(v));
            break;
          case 2:
            obj.emplace(key, std::get<std::int64_t>(v));
            break;
          case 3: {
            const double d = std::get<double>(v);
            if (std::isfinite(d)) {
              obj.emplace(key, d);
            } else {
              obj.emplace(key, nullptr);
            }
            break;
          }
          default:
            obj.emplace(key, json::string_view(std::get<std::string_view>(v)));
        }
      }
      sr.reset(&obj);
      drain(sr, out);
    }
    mr.release();
  }
};

// ------------------------------------------------------------ paths

inline void report(benchmark::State& state, std::int64_t rows) {
  state.counters["ns_per_row"] = benchmark::Counter(
      static_cast<double>(rows) * 1e-9, benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

// dump_dataset's loop (api/src/dump.cpp) with the writer swapped.
template <class Writer>
void dump(benchmark::State& state) {
  const world& w = world_for(state.range(0));
  const auto& cs = relstore::detail::dataset_access::of(w.data);
  const std::size_t m = *cs.schema().find_model("Order");
  const model_info& info = cs.schema().model(m);
  auto writer = std::make_unique<Writer>();
  counting_buf sink;
  std::ostream out(&sink);
  std::string line;
  for (auto _ : state) {
    const std::string name = json::serialize(json::string(info.name));
    auto hits = relstore::detail::run_query(cs.table(m), {});
    if (!hits) std::abort();
    for (const void* e : *hits) {
      line.clear();
      line.append("{\"model\":").append(name).append(",\"row\":");
      (*writer)(info, e, ~std::uint64_t{0}, line);
      line += "}\n";
      out << line;
    }
  }
  state.counters["bytes_per_row"] =
      static_cast<double>(sink.bytes) / static_cast<double>(state.iterations() * state.range(0));
  report(state, state.range(0));
}

// relstore::dump_dataset itself, end to end (the library's writer).
void dump_dataset(benchmark::State& state) {
  const world& w = world_for(state.range(0));
  counting_buf sink;
  std::ostream out(&sink);
  for (auto _ : state) {
    if (!relstore::dump_dataset(w.data, "Order", "", out)) std::abort();
  }
  report(state, state.range(0));
}

// row<Order>::to_json over find results: a fresh string per row.
template <class Writer>
void to_json(benchmark::State& state) {
  const world& w = world_for(state.range(0));
  const model_info& info = relstore::detail::info_of<Order>();
  auto writer = std::make_unique<Writer>();
  for (auto _ : state) {
    for (const Order& o : w.orders) {
      std::string s;
      (*writer)(info, &o, ~std::uint64_t{0}, s);
      benchmark::DoNotOptimize(s.data());
    }
  }
  report(state, state.range(0));
}

constexpr std::int64_t rows = 1'000'000;

BENCHMARK(dump<library_writer>)->Name("dump/library")->Arg(rows)->Unit(benchmark::kMillisecond);
BENCHMARK(dump<hand_writer>)->Name("dump/hand")->Arg(rows)->Unit(benchmark::kMillisecond);
BENCHMARK(dump<boost_stream_writer>)->Name("dump/boost_stream")->Arg(rows)->Unit(benchmark::kMillisecond);
BENCHMARK(dump<boost_object_writer>)->Name("dump/boost_object")->Arg(rows)->Unit(benchmark::kMillisecond);
BENCHMARK(dump_dataset)->Name("dump/dump_dataset")->Arg(rows)->Unit(benchmark::kMillisecond);
BENCHMARK(to_json<library_writer>)->Name("to_json/library")->Arg(rows)->Unit(benchmark::kMillisecond);
BENCHMARK(to_json<hand_writer>)->Name("to_json/hand")->Arg(rows)->Unit(benchmark::kMillisecond);
BENCHMARK(to_json<boost_stream_writer>)->Name("to_json/boost_stream")->Arg(rows)->Unit(benchmark::kMillisecond);
BENCHMARK(to_json<boost_object_writer>)->Name("to_json/boost_object")->Arg(rows)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
