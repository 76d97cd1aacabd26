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
#include <malloc.h>
#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <boost/multi_index/member.hpp>
#include <boost/multi_index/ordered_index.hpp>
#include <boost/multi_index_container.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <new>
#include <random>
#include <string>
#include <vector>

#include <relstore/relstore.hpp>
#include <relstore/snapshot.hpp>

// ------------------------------------------------------------ allocation counting

// Live heap bytes requested through operator new, for memory per entity. Not
// under AddressSanitizer, whose own operator new must stay in charge.
#if defined(__SANITIZE_ADDRESS__)
#define RELSTORE_BENCH_COUNTING 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RELSTORE_BENCH_COUNTING 0
#endif
#endif
#ifndef RELSTORE_BENCH_COUNTING
#define RELSTORE_BENCH_COUNTING 1
#endif

namespace {
std::atomic<std::int64_t> live_bytes{0};
}  // namespace

#if RELSTORE_BENCH_COUNTING
namespace {
void* counted_alloc(std::size_t n) noexcept {
  auto* p = static_cast<std::size_t*>(std::malloc(n + 16));
  if (p == nullptr) return nullptr;
  *p = n;
  live_bytes.fetch_add(static_cast<std::int64_t>(n), std::memory_order_relaxed);
  return reinterpret_cast<char*>(p) + 16;
}
void counted_free(void* q) noexcept {
  if (q == nullptr) return;
  auto* p = reinterpret_cast<std::size_t*>(static_cast<char*>(q) - 16);
  live_bytes.fetch_sub(static_cast<std::int64_t>(*p), std::memory_order_relaxed);
  std::free(p);
}
void* counted_new(std::size_t n) {
  void* p = counted_alloc(n);
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
#endif

namespace bench {

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
double seconds(clock::time_point a, clock::time_point b) { return std::chrono::duration<double>(b - a).count(); }

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

// A random parent / child picker with a fixed seed per benchmark.
struct picker {
  explicit picker(const workload& w) : w_(w), rng_(7) {}
  std::int64_t parent() { return std::uniform_int_distribution<std::int64_t>(1, w_.parents)(rng_); }
  std::int64_t child() { return std::uniform_int_distribution<std::int64_t>(1, w_.n)(rng_); }
  const workload& w_;
  std::mt19937_64 rng_;
};

// ------------------------------------------------------------ the three systems

class relstore_system {
 public:
  static constexpr const char* name = "relstore";
  void insert_parents(const workload& w) {
    auto customers = db_.repo<Customer>();
    for (std::int64_t p = 1; p <= w.parents; ++p) {
      if (!customers.create({.id = p, .name = "customer"})) std::abort();
    }
  }
  void insert_children(const workload& w) {
    auto customers = db_.repo<Customer>();
    for (std::int64_t i = 0; i < w.n; ++i) {
      const auto idx = static_cast<std::size_t>(i);
      if (!customers.related<"orders">(w.owners[idx]).create({.id = i + 1, .total = w.totals[idx]})) std::abort();
    }
  }
  bool lookup(std::int64_t id) { return db_.repo<Order>().find_by_id(id).has_value(); }
  double find_sum(std::int64_t parent) {
    double sum = 0;
    for (const auto& o : db_.repo<Customer>().related<"orders">(parent).find().value()) sum += o->total;
    return sum;
  }
  std::int64_t patch(std::int64_t parent, std::int32_t status) {
    return static_cast<std::int64_t>(db_.repo<Customer>()
                                         .related<"orders">(parent)
                                         .patch(relstore::patch<Order>{}.set(&Order::status, status))
                                         .value());
  }
  std::vector<Order> children(std::int64_t parent) {
    std::vector<Order> out;
    for (const auto& o : db_.repo<Customer>().related<"orders">(parent).find().value()) out.push_back(o.value);
    return out;
  }
  std::int64_t delete_where(std::int64_t parent, double above) {
    return static_cast<std::int64_t>(
        db_.repo<Customer>().related<"orders">(parent).delete_all(relstore::field(&Order::total) > above).value());
  }
  void restore(const std::vector<Order>& rows) {
    for (const auto& o : rows) {
      if (!db_.repo<Order>().exists(o.id) && !db_.repo<Order>().create(o)) std::abort();
    }
  }
  bool reparent(std::int64_t child, std::int64_t parent) {
    return db_.repo<Order>().update_by_id(child, relstore::patch<Order>{}.set(&Order::customerId, parent)).has_value();
  }
  bool rejected_insert(std::int64_t missing) {
    return !db_.repo<Order>().create({.customerId = missing, .total = 1}).has_value();
  }
  bool cascade_delete(std::int64_t parent) { return db_.repo<Customer>().delete_by_id(parent).has_value(); }
  void restore_parent(std::int64_t parent, const std::vector<Order>& rows) {
    if (!db_.repo<Customer>().create({.id = parent, .name = "customer"})) std::abort();
    restore(rows);
  }
  std::int64_t include(std::int64_t limit) {
    auto rows = db_.repo<Customer>()
                    .find(relstore::filter<Customer>{}.include(
                        "orders", relstore::filter<Order>{}.limit(static_cast<std::size_t>(limit))))
                    .value();
    std::int64_t n = 0;
    for (const auto& r : rows) n += static_cast<std::int64_t>(r.many<Order>("orders").size());
    return n;
  }
  std::int64_t json_find(std::int64_t parent) {
    const std::string f = R"({"where":{"customerId":)" + std::to_string(parent) +
                          R"(,"total":{"gt":50}},"order":["total DESC"],"limit":5})";
    return static_cast<std::int64_t>(db_.repo<Order>().find(f).value().size());
  }
  std::int64_t save(const std::filesystem::path& p) {
    if (!relstore::save(db_, p)) std::abort();
    return static_cast<std::int64_t>(std::filesystem::file_size(p));
  }
  void load(const std::filesystem::path& p) {
    relstore::store<schema> fresh;
    if (!relstore::load(fresh, p)) std::abort();
    db_ = std::move(fresh);
  }
  std::int64_t count_children() { return static_cast<std::int64_t>(db_.size<Order>()); }
  std::int64_t count_parents() { return static_cast<std::int64_t>(db_.size<Customer>()); }

 private:
  relstore::store<schema> db_;
};

class floor_system {
  using customers_t = boost::multi_index::multi_index_container<
      Customer, boost::multi_index::indexed_by<boost::multi_index::ordered_unique<
                    boost::multi_index::member<Customer, std::int64_t, &Customer::id>>>>;
  using orders_t = boost::multi_index::multi_index_container<
      Order,
      boost::multi_index::indexed_by<
          boost::multi_index::ordered_unique<boost::multi_index::member<Order, std::int64_t, &Order::id>>,
          boost::multi_index::ordered_non_unique<boost::multi_index::member<Order, std::int64_t, &Order::customerId>>>>;

 public:
  static constexpr const char* name = "floor";
  void insert_parents(const workload& w) {
    for (std::int64_t p = 1; p <= w.parents; ++p) {
      if (!customers_.insert({p, "customer"}).second) std::abort();
    }
  }
  void insert_children(const workload& w) {
    for (std::int64_t i = 0; i < w.n; ++i) {
      const auto idx = static_cast<std::size_t>(i);
      if (!insert_child({i + 1, w.owners[idx], w.totals[idx], 0})) std::abort();
    }
  }
  bool insert_child(const Order& o) {
    if (customers_.find(o.customerId) == customers_.end()) return false;
    return orders_.insert(o).second;
  }
  bool lookup(std::int64_t id) { return orders_.find(id) != orders_.end(); }
  double find_sum(std::int64_t parent) {
    double sum = 0;
    auto [a, b] = orders_.get<1>().equal_range(parent);
    for (; a != b; ++a) sum += a->total;
    return sum;
  }
  std::int64_t patch(std::int64_t parent, std::int32_t status) {
    auto& idx = orders_.get<1>();
    auto [a, b] = idx.equal_range(parent);
    std::int64_t n = 0;
    for (; a != b; ++a, ++n) {
      Order copy = *a;
      copy.status = status;
      if (!idx.replace(a, copy)) std::abort();
    }
    return n;
  }
  std::vector<Order> children(std::int64_t parent) {
    auto [a, b] = orders_.get<1>().equal_range(parent);
    return {a, b};
  }
  std::int64_t delete_where(std::int64_t parent, double above) {
    auto& idx = orders_.get<1>();
    auto [a, b] = idx.equal_range(parent);
    std::int64_t n = 0;
    while (a != b) {
      if (a->total > above) {
        a = idx.erase(a);
        ++n;
      } else {
        ++a;
      }
    }
    return n;
  }
  void restore(const std::vector<Order>& rows) {
    for (const auto& o : rows) orders_.insert(o);
  }
  bool reparent(std::int64_t child, std::int64_t parent) {
    auto it = orders_.find(child);
    if (it == orders_.end() || customers_.find(parent) == customers_.end()) return false;
    Order copy = *it;
    copy.customerId = parent;
    return orders_.replace(it, copy);
  }
  bool rejected_insert(std::int64_t missing) { return !insert_child({0, missing, 1, 0}); }
  bool cascade_delete(std::int64_t parent) {
    auto it = customers_.find(parent);
    if (it == customers_.end()) return false;
    orders_.get<1>().erase(parent);
    customers_.erase(it);
    return true;
  }
  void restore_parent(std::int64_t parent, const std::vector<Order>& rows) {
    customers_.insert({parent, "customer"});
    restore(rows);
  }
  std::int64_t include(std::int64_t limit) {
    std::int64_t n = 0;
    std::vector<std::pair<Customer, std::vector<Order>>> out;
    out.reserve(customers_.size());
    for (const auto& c : customers_) {
      out.emplace_back(c, std::vector<Order>{});
      auto [a, b] = orders_.get<1>().equal_range(c.id);
      for (std::int64_t k = 0; a != b && k < limit; ++a, ++k) out.back().second.push_back(*a);
      n += static_cast<std::int64_t>(out.back().second.size());
    }
    return n;
  }
  std::int64_t json_find(std::int64_t parent) {
    std::vector<Order> hits;
    auto [a, b] = orders_.get<1>().equal_range(parent);
    for (; a != b; ++a) {
      if (a->total > 50) hits.push_back(*a);
    }
    std::sort(hits.begin(), hits.end(),
              [](const Order& x, const Order& y) { return x.total != y.total ? x.total > y.total : x.id < y.id; });
    if (hits.size() > 5) hits.resize(5);
    return static_cast<std::int64_t>(hits.size());
  }
  // The floor's snapshot: raw columns written and read with one call each.
  std::int64_t save(const std::filesystem::path& p) {
    std::vector<Order> rows(orders_.begin(), orders_.end());
    std::vector<std::int64_t> parents;
    for (const auto& c : customers_) parents.push_back(c.id);
    std::ofstream out(p, std::ios::binary);
    const std::uint64_t sizes[2] = {parents.size(), rows.size()};
    out.write(reinterpret_cast<const char*>(sizes), sizeof sizes);
    out.write(reinterpret_cast<const char*>(parents.data()), static_cast<std::streamsize>(parents.size() * 8));
    out.write(reinterpret_cast<const char*>(rows.data()), static_cast<std::streamsize>(rows.size() * sizeof(Order)));
    out.close();
    return static_cast<std::int64_t>(std::filesystem::file_size(p));
  }
  void load(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::uint64_t sizes[2];
    in.read(reinterpret_cast<char*>(sizes), sizeof sizes);
    std::vector<std::int64_t> parents(sizes[0]);
    std::vector<Order> rows(sizes[1]);
    in.read(reinterpret_cast<char*>(parents.data()), static_cast<std::streamsize>(parents.size() * 8));
    in.read(reinterpret_cast<char*>(rows.data()), static_cast<std::streamsize>(rows.size() * sizeof(Order)));
    customers_t c;
    orders_t o;
    for (auto id : parents) c.insert(c.end(), {id, "customer"});
    for (const auto& r : rows) {
      if (c.find(r.customerId) == c.end()) std::abort();
      o.insert(o.end(), r);
    }
    customers_ = std::move(c);
    orders_ = std::move(o);
  }
  std::int64_t count_children() { return static_cast<std::int64_t>(orders_.size()); }
  std::int64_t count_parents() { return static_cast<std::int64_t>(customers_.size()); }

 private:
  customers_t customers_;
  orders_t orders_;
};

class sqlite_system {
 public:
  static constexpr const char* name = "sqlite";
  sqlite_system() {
    sqlite3_open(":memory:", &db_);
    exec("PRAGMA foreign_keys=ON");
    exec("CREATE TABLE Customer(id INTEGER PRIMARY KEY, name TEXT NOT NULL)");
    exec(
        "CREATE TABLE \"Order\"(id INTEGER PRIMARY KEY, customerId INTEGER NOT NULL REFERENCES Customer(id) ON DELETE "
        "CASCADE, total REAL NOT NULL, status INTEGER NOT NULL)");
    exec("CREATE INDEX order_customer ON \"Order\"(customerId)");
  }
  ~sqlite_system() {
    for (auto& [k, s] : stmts_) sqlite3_finalize(s);
    sqlite3_close(db_);
  }
  sqlite_system(const sqlite_system&) = delete;
  sqlite_system& operator=(const sqlite_system&) = delete;

  void begin() { exec("BEGIN"); }
  void commit() { exec("COMMIT"); }

  void insert_parents(const workload& w) {
    begin();
    auto* s = stmt("INSERT INTO Customer(id, name) VALUES(?, 'customer')");
    for (std::int64_t p = 1; p <= w.parents; ++p) {
      sqlite3_bind_int64(s, 1, p);
      step_done(s);
    }
    commit();
  }
  void insert_children(const workload& w) {
    begin();
    for (std::int64_t i = 0; i < w.n; ++i) {
      const auto idx = static_cast<std::size_t>(i);
      if (!insert_child({i + 1, w.owners[idx], w.totals[idx], 0})) std::abort();
    }
    commit();
  }
  bool insert_child(const Order& o) {
    auto* s = stmt("INSERT INTO \"Order\"(id, customerId, total, status) VALUES(?, ?, ?, ?)");
    if (o.id != 0) {
      sqlite3_bind_int64(s, 1, o.id);
    } else {
      sqlite3_bind_null(s, 1);
    }
    sqlite3_bind_int64(s, 2, o.customerId);
    sqlite3_bind_double(s, 3, o.total);
    sqlite3_bind_int(s, 4, o.status);
    const int rc = sqlite3_step(s);
    sqlite3_reset(s);
    return rc == SQLITE_DONE;
  }
  bool lookup(std::int64_t id) {
    auto* s = stmt("SELECT id, customerId, total, status FROM \"Order\" WHERE id = ?");
    sqlite3_bind_int64(s, 1, id);
    const bool found = sqlite3_step(s) == SQLITE_ROW;
    sqlite3_reset(s);
    return found;
  }
  double find_sum(std::int64_t parent) {
    auto* s = stmt("SELECT id, customerId, total, status FROM \"Order\" WHERE customerId = ?");
    sqlite3_bind_int64(s, 1, parent);
    double sum = 0;
    while (sqlite3_step(s) == SQLITE_ROW) sum += sqlite3_column_double(s, 2);
    sqlite3_reset(s);
    return sum;
  }
  std::int64_t patch(std::int64_t parent, std::int32_t status) {
    auto* s = stmt("UPDATE \"Order\" SET status = ? WHERE customerId = ?");
    sqlite3_bind_int(s, 1, status);
    sqlite3_bind_int64(s, 2, parent);
    step_done(s);
    return sqlite3_changes(db_);
  }
  std::vector<Order> children(std::int64_t parent) {
    auto* s = stmt("SELECT id, customerId, total, status FROM \"Order\" WHERE customerId = ?");
    sqlite3_bind_int64(s, 1, parent);
    std::vector<Order> out;
    while (sqlite3_step(s) == SQLITE_ROW) {
      out.push_back({sqlite3_column_int64(s, 0), sqlite3_column_int64(s, 1), sqlite3_column_double(s, 2),
                     sqlite3_column_int(s, 3)});
    }
    sqlite3_reset(s);
    return out;
  }
  std::int64_t delete_where(std::int64_t parent, double above) {
    auto* s = stmt("DELETE FROM \"Order\" WHERE customerId = ? AND total > ?");
    sqlite3_bind_int64(s, 1, parent);
    sqlite3_bind_double(s, 2, above);
    step_done(s);
    return sqlite3_changes(db_);
  }
  void restore(const std::vector<Order>& rows) {
    auto* s = stmt("INSERT OR IGNORE INTO \"Order\"(id, customerId, total, status) VALUES(?, ?, ?, ?)");
    for (const auto& o : rows) {
      sqlite3_bind_int64(s, 1, o.id);
      sqlite3_bind_int64(s, 2, o.customerId);
      sqlite3_bind_double(s, 3, o.total);
      sqlite3_bind_int(s, 4, o.status);
      step_done(s);
    }
  }
  bool reparent(std::int64_t child, std::int64_t parent) {
    auto* s = stmt("UPDATE \"Order\" SET customerId = ? WHERE id = ?");
    sqlite3_bind_int64(s, 1, parent);
    sqlite3_bind_int64(s, 2, child);
    const int rc = sqlite3_step(s);
    sqlite3_reset(s);
    return rc == SQLITE_DONE && sqlite3_changes(db_) == 1;
  }
  bool rejected_insert(std::int64_t missing) { return !insert_child({0, missing, 1, 0}); }
  bool cascade_delete(std::int64_t parent) {
    auto* s = stmt("DELETE FROM Customer WHERE id = ?");
    sqlite3_bind_int64(s, 1, parent);
    step_done(s);
    return sqlite3_changes(db_) == 1;
  }
  void restore_parent(std::int64_t parent, const std::vector<Order>& rows) {
    auto* s = stmt("INSERT INTO Customer(id, name) VALUES(?, 'customer')");
    sqlite3_bind_int64(s, 1, parent);
    step_done(s);
    restore(rows);
  }
  std::int64_t include(std::int64_t limit) {
    // One query per the whole include: each customer's first `limit` orders.
    auto* s = stmt(
        "SELECT c.id, o.id, o.customerId, o.total, o.status FROM Customer c LEFT JOIN \"Order\" o ON o.id IN "
        "(SELECT id FROM \"Order\" WHERE customerId = c.id ORDER BY id LIMIT ?) ORDER BY c.id, o.id");
    sqlite3_bind_int64(s, 1, limit);
    std::int64_t n = 0;
    std::vector<std::pair<Customer, std::vector<Order>>> out;
    while (sqlite3_step(s) == SQLITE_ROW) {
      const std::int64_t c = sqlite3_column_int64(s, 0);
      if (out.empty() || out.back().first.id != c) out.push_back({{c, "customer"}, {}});
      if (sqlite3_column_type(s, 1) != SQLITE_NULL) {
        out.back().second.push_back({sqlite3_column_int64(s, 1), sqlite3_column_int64(s, 2),
                                     sqlite3_column_double(s, 3), sqlite3_column_int(s, 4)});
        ++n;
      }
    }
    sqlite3_reset(s);
    return n;
  }
  std::int64_t json_find(std::int64_t parent) {
    auto* s = stmt(
        "SELECT id, customerId, total, status FROM \"Order\" WHERE customerId = ? AND total > 50 ORDER BY total "
        "DESC, id LIMIT 5");
    sqlite3_bind_int64(s, 1, parent);
    std::int64_t n = 0;
    while (sqlite3_step(s) == SQLITE_ROW) ++n;
    sqlite3_reset(s);
    return n;
  }
  std::int64_t save(const std::filesystem::path& p) {
    std::filesystem::remove(p);
    sqlite3* file = nullptr;
    sqlite3_open(p.c_str(), &file);
    sqlite3_backup* b = sqlite3_backup_init(file, "main", db_, "main");
    sqlite3_backup_step(b, -1);
    sqlite3_backup_finish(b);
    sqlite3_close(file);
    return static_cast<std::int64_t>(std::filesystem::file_size(p));
  }
  void load(const std::filesystem::path& p) {
    sqlite3* file = nullptr;
    sqlite3_open(p.c_str(), &file);
    for (auto& [k, s] : stmts_) sqlite3_finalize(s);
    stmts_.clear();
    sqlite3* fresh = nullptr;
    sqlite3_open(":memory:", &fresh);
    sqlite3_backup* b = sqlite3_backup_init(fresh, "main", file, "main");
    sqlite3_backup_step(b, -1);
    sqlite3_backup_finish(b);
    sqlite3_close(file);
    sqlite3_close(db_);
    db_ = fresh;
    exec("PRAGMA foreign_keys=ON");
  }
  std::int64_t count_children() { return scalar("SELECT count(*) FROM \"Order\""); }
  std::int64_t count_parents() { return scalar("SELECT count(*) FROM Customer"); }

 private:
  void exec(const char* sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
      std::fprintf(stderr, "sqlite: %s: %s\n", sql, err);
      std::abort();
    }
  }
  sqlite3_stmt* stmt(const char* sql) {
    auto it = stmts_.find(sql);
    if (it != stmts_.end()) return it->second;
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db_, sql, -1, &s, nullptr) != SQLITE_OK) {
      std::fprintf(stderr, "sqlite: %s: %s\n", sql, sqlite3_errmsg(db_));
      std::abort();
    }
    stmts_[sql] = s;
    return s;
  }
  void step_done(sqlite3_stmt* s) {
    if (sqlite3_step(s) != SQLITE_DONE) {
      std::fprintf(stderr, "sqlite: %s\n", sqlite3_errmsg(db_));
      std::abort();
    }
    sqlite3_reset(s);
  }
  std::int64_t scalar(const char* sql) {
    auto* s = stmt(sql);
    sqlite3_step(s);
    const std::int64_t v = sqlite3_column_int64(s, 0);
    sqlite3_reset(s);
    return v;
  }
  sqlite3* db_ = nullptr;
  std::map<std::string, sqlite3_stmt*> stmts_;
};

// ------------------------------------------------------------ worlds, built once per scale

template <class System>
struct world {
  std::unique_ptr<System> sys;
  std::unique_ptr<workload> w;
  std::int64_t bytes = 0;  // memory of the loaded world
};

template <class System>
world<System>& world_for(std::int64_t n) {
  static std::map<std::int64_t, world<System>> cache;
  auto& wd = cache[n];
  if (!wd.sys) {
    wd.w = std::make_unique<workload>(n);
    const std::int64_t before = live_bytes.load();
    const std::int64_t sql_before = sqlite3_memory_used();
    wd.sys = std::make_unique<System>();
    wd.sys->insert_parents(*wd.w);
    const std::int64_t with_parents = live_bytes.load() + sqlite3_memory_used();
    wd.sys->insert_children(*wd.w);
    const std::int64_t after = live_bytes.load() + sqlite3_memory_used();
    (void)before;
    (void)sql_before;
    wd.bytes = after - with_parents;  // the children, their indexes and their share of the pages
  }
  return wd;
}

void report(benchmark::State& state, std::int64_t ops_per_iteration) {
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

template <class System>
void point_lookup(benchmark::State& state) {
  auto& wd = world_for<System>(state.range(0));
  picker pick(*wd.w);
  for (auto _ : state) benchmark::DoNotOptimize(wd.sys->lookup(pick.child()));
  report(state, 1);
}

template <class System>
void constrained_find_sum(benchmark::State& state) {
  auto& wd = world_for<System>(state.range(0));
  picker pick(*wd.w);
  for (auto _ : state) benchmark::DoNotOptimize(wd.sys->find_sum(pick.parent()));
  report(state, 1);
}

template <class System>
void constrained_patch(benchmark::State& state) {
  auto& wd = world_for<System>(state.range(0));
  picker pick(*wd.w);
  std::int32_t status = 0;
  for (auto _ : state) benchmark::DoNotOptimize(wd.sys->patch(pick.parent(), ++status));
  report(state, 1);
}

template <class System>
void constrained_delete_where(benchmark::State& state) {
  auto& wd = world_for<System>(state.range(0));
  picker pick(*wd.w);
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
  picker pick(*wd.w);
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
  picker pick(*wd.w);
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

template <class System>
void include_all(benchmark::State& state) {
  auto& wd = world_for<System>(state.range(0));
  for (auto _ : state) benchmark::DoNotOptimize(wd.sys->include(3));
  report(state, wd.w->parents);  // per parent
}

template <class System>
void json_filter_find(benchmark::State& state) {
  auto& wd = world_for<System>(state.range(0));
  picker pick(*wd.w);
  for (auto _ : state) benchmark::DoNotOptimize(wd.sys->json_find(pick.parent()));
  report(state, 1);
}

std::filesystem::path snapshot_path(const char* system) {
  return std::filesystem::temp_directory_path() /
         (std::string("relstore-bench-") + system + "-" + std::to_string(::getpid()) + ".snap");
}

template <class System>
void snapshot_save(benchmark::State& state) {
  auto& wd = world_for<System>(state.range(0));
  const auto path = snapshot_path(System::name);
  std::int64_t bytes = 0;
  for (auto _ : state) bytes = wd.sys->save(path);
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
  for (auto _ : state) wd.sys->load(path);
  state.SetBytesProcessed(state.iterations() * bytes);
  state.counters["file_bytes"] = static_cast<double>(bytes);
  report(state, 1);
  std::filesystem::remove(path);
}

template <class System>
void memory(benchmark::State& state) {
  auto& wd = world_for<System>(state.range(0));
  for (auto _ : state) benchmark::DoNotOptimize(wd.bytes);
  state.counters["bytes_per_child"] = static_cast<double>(wd.bytes) / static_cast<double>(wd.w->n);
}

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
  for (int i = 0; i < 50; ++i) sum += s.find_sum(pick.parent());
  seen.push_back(static_cast<std::int64_t>(sum * 100 + 0.5));
  seen.push_back(s.lookup(n) ? 1 : 0);
  seen.push_back(s.lookup(n + 1) ? 1 : 0);
  seen.push_back(s.patch(1, 7));
  seen.push_back(s.delete_where(2, 50.0));
  seen.push_back(s.reparent(3, 4) ? 1 : 0);
  seen.push_back(s.rejected_insert(w.parents + 5) ? 1 : 0);
  seen.push_back(s.cascade_delete(5) ? 1 : 0);
  seen.push_back(s.count_children());
  seen.push_back(s.include(3));
  seen.push_back(s.json_find(6));
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
  return same ? 0 : 1;
}

template <class System>
void register_system(const std::vector<std::int64_t>& scales) {
  const std::string s = System::name;
  // Snapshots wait on the disk (fsync), so they are timed by the wall clock.
  auto add = [&](const char* phase, void (*fn)(benchmark::State&), bool manual, bool wall = false) {
    auto* b = benchmark::RegisterBenchmark((std::string(phase) + "/" + s).c_str(), fn);
    for (auto n : scales) b->Arg(n);
    if (manual) b->UseManualTime();
    if (wall) b->UseRealTime();
    b->Unit(benchmark::kMicrosecond);
  };
  add("insert_parents", &insert_parents<System>, true);
  add("insert_children", &insert_children<System>, true);
  add("point_lookup", &point_lookup<System>, false);
  add("constrained_find_sum", &constrained_find_sum<System>, false);
  add("constrained_patch", &constrained_patch<System>, false);
  add("constrained_delete_where", &constrained_delete_where<System>, true);
  add("reparent", &reparent<System>, false);
  add("rejected_insert", &rejected_insert<System>, false);
  add("cascade_delete", &cascade_delete<System>, true);
  add("include", &include_all<System>, false);
  add("json_filter_find", &json_filter_find<System>, false);
  add("snapshot_save", &snapshot_save<System>, false, true);
  add("snapshot_load", &snapshot_load<System>, false, true);
  add("memory", &memory<System>, false);
}

}  // namespace bench

int main(int argc, char** argv) {
  std::vector<std::int64_t> scales{1000, 100000, 1000000};
  bool check_only = false, skip_check = false;
  std::vector<char*> rest{argv[0]};
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a.rfind("--scales=", 0) == 0) {
      scales.clear();
      std::string list = a.substr(9);
      for (std::size_t at = 0; at < list.size();) {
        const std::size_t comma = list.find(',', at);
        scales.push_back(std::atoll(list.substr(at, comma - at).c_str()));
        at = comma == std::string::npos ? list.size() : comma + 1;
      }
    } else if (a == "--check") {
      check_only = true;
    } else if (a == "--skip-check") {  // for profiling one benchmark
      skip_check = true;
    } else {
      rest.push_back(argv[i]);
    }
  }
  int status = 0;
  for (auto n : scales) status |= skip_check ? 0 : bench::check(n);
  if (check_only || status != 0) return status;
  int rest_argc = static_cast<int>(rest.size());
  benchmark::Initialize(&rest_argc, rest.data());
  bench::register_system<bench::relstore_system>(scales);
  bench::register_system<bench::sqlite_system>(scales);
  bench::register_system<bench::floor_system>(scales);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
