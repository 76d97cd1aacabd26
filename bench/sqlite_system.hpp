// SQLite in memory: foreign keys on, an index on the foreign key, prepared
// statements reused, ON DELETE CASCADE; snapshots through sqlite3_backup.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "workload.hpp"

namespace bench {

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
  // One statement for the batch: id IN (?, ...), prepared once per size.
  double lookup_many(const std::vector<std::int64_t>& ids) {
    auto* s = stmt(in_list("SELECT total FROM \"Order\" WHERE id IN (", ids.size()).c_str());
    for (std::size_t i = 0; i < ids.size(); ++i) sqlite3_bind_int64(s, static_cast<int>(i + 1), ids[i]);
    double sum = 0;
    while (sqlite3_step(s) == SQLITE_ROW) sum += sqlite3_column_double(s, 0);
    sqlite3_reset(s);
    return sum;
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
  // One statement for the batch: customerId IN (?, ...), prepared once per
  // batch size.
  std::int64_t patch_many(const std::vector<std::int64_t>& parents, std::int32_t status) {
    auto* s = stmt(in_list("UPDATE \"Order\" SET status = ? WHERE customerId IN (", parents.size()).c_str());
    sqlite3_bind_int(s, 1, status);
    for (std::size_t i = 0; i < parents.size(); ++i) sqlite3_bind_int64(s, static_cast<int>(i + 2), parents[i]);
    step_done(s);
    return sqlite3_changes(db_);
  }
  // The frame update: one statement, autocommit.
  std::int64_t frame_update() {
    step_done(stmt("UPDATE \"Order\" SET total = total + 1.0"));
    return sqlite3_changes(db_);
  }
  // A full read pass: every child's total stepped out of a SELECT.
  double read_pass() {
    auto* s = stmt("SELECT total FROM \"Order\"");
    double sum = 0;
    while (sqlite3_step(s) == SQLITE_ROW) sum += sqlite3_column_double(s, 0);
    sqlite3_reset(s);
    return sum;
  }
  void churn(const std::vector<std::int64_t>& ids, const std::vector<std::int64_t>& again) {
    std::map<std::int64_t, Order> rows;
    auto* get = stmt("SELECT id, customerId, total, status FROM \"Order\" WHERE id = ?");
    auto* del = stmt("DELETE FROM \"Order\" WHERE id = ?");
    for (std::int64_t id : ids) {
      sqlite3_bind_int64(get, 1, id);
      if (sqlite3_step(get) != SQLITE_ROW) std::abort();
      rows.emplace(id, Order{sqlite3_column_int64(get, 0), sqlite3_column_int64(get, 1), sqlite3_column_double(get, 2),
                             sqlite3_column_int(get, 3)});
      sqlite3_reset(get);
      sqlite3_bind_int64(del, 1, id);
      step_done(del);
    }
    std::vector<Order> back;
    back.reserve(again.size());
    for (std::int64_t id : again) back.push_back(rows.at(id));
    restore(back);
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
    // A row that already has this parent is not written (no update hook
    // call), as relstore and the floor skip a write that changes nothing.
    auto* s = stmt("UPDATE \"Order\" SET customerId = ?1 WHERE id = ?2 AND customerId IS NOT ?1");
    sqlite3_bind_int64(s, 1, parent);
    sqlite3_bind_int64(s, 2, child);
    const int rc = sqlite3_step(s);
    sqlite3_reset(s);
    if (rc != SQLITE_DONE) return false;
    return sqlite3_changes(db_) == 1 || lookup(child);
  }
  bool rejected_insert(std::int64_t missing) { return !insert_child({0, missing, 1, 0}); }
  bool cascade_delete(std::int64_t parent) {
    auto* s = stmt("DELETE FROM Customer WHERE id = ?");
    sqlite3_bind_int64(s, 1, parent);
    step_done(s);
    return sqlite3_changes(db_) == 1;
  }
  // One statement: id IN (?, ...), prepared once per batch size; the
  // children go by ON DELETE CASCADE.
  std::int64_t cascade_many(const std::vector<std::int64_t>& parents) {
    auto* s = stmt(in_list("DELETE FROM Customer WHERE id IN (", parents.size()).c_str());
    for (std::size_t i = 0; i < parents.size(); ++i) sqlite3_bind_int64(s, static_cast<int>(i + 1), parents[i]);
    step_done(s);
    return sqlite3_changes(db_);
  }
  void restore_parent(std::int64_t parent, const std::vector<Order>& rows) {
    auto* s = stmt("INSERT INTO Customer(id, name) VALUES(?, 'customer')");
    sqlite3_bind_int64(s, 1, parent);
    step_done(s);
    restore(rows);
  }
  std::int64_t include(std::int64_t limit) {
    // One query per the whole include: each customer's `limit` orders of
    // smallest key. Returns the sum of their keys (the agreement check
    // compares which children each system included).
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
        n += sqlite3_column_int64(s, 1);
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

  // Transactions and observers (tx_phases.hpp): prepared BEGIN, COMMIT and
  // ROLLBACK; sqlite3_update_hook as the observer.
  void begin() { step_done(stmt("BEGIN")); }
  void commit() { step_done(stmt("COMMIT")); }
  void rollback() { step_done(stmt("ROLLBACK")); }
  void observe(bool on) {
    using hook = void (*)(void*, int, const char*, const char*, sqlite3_int64);
    const hook count = [](void* self, int, const char*, const char*, sqlite3_int64) {
      ++static_cast<sqlite_system*>(self)->events;
    };
    sqlite3_update_hook(db_, on ? count : nullptr, this);
  }
  std::int64_t events = 0;

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
  // `head` followed by n placeholders and ")", built once per (head, n).
  const std::string& in_list(const std::string& head, std::size_t n) {
    std::string& sql = in_sql_[{head, n}];
    if (sql.empty()) {
      sql = head;
      for (std::size_t i = 0; i < n; ++i) sql += i == 0 ? "?" : ", ?";
      sql += ")";
    }
    return sql;
  }
  std::map<std::pair<std::string, std::size_t>, std::string> in_sql_;  // IN-list statements' text
};

}  // namespace bench
