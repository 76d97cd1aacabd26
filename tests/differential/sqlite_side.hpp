// The SQLite side of the differential test: the same operations as SQL on
// an in-memory database with foreign keys on, AFTER triggers logging every
// change. Where relstore deliberately differs, this side applies relstore's
// rule, marked "DELIBERATE DIFFERENCE".
#pragma once

#include <sqlite3.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <sstream>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "differential/operations.hpp"

namespace differential {

// ------------------------------------------------------------ SQLite side

class sqlite_side {
 public:
  // Every foreign key is DEFERRABLE INITIALLY DEFERRED, as relstore's are in a
  // transaction begun with deferred keys (its RESTRICT still acts at the
  // delete). Outside one, run() checks the keys after every statement
  // (PRAGMA foreign_key_check): SQLite's immediate constraints.
  sqlite_side() {
    sqlite3_open(":memory:", &db_);
    exec_or_die(R"(
      PRAGMA foreign_keys=ON;
      CREATE TABLE Region(id INTEGER PRIMARY KEY, score INTEGER NOT NULL);
      CREATE TABLE Town(id INTEGER PRIMARY KEY, regionId INTEGER NOT NULL REFERENCES Region(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
                        score INTEGER NOT NULL);
      CREATE TABLE Citizen(id INTEGER PRIMARY KEY, townId INTEGER NOT NULL REFERENCES Town(id) ON DELETE RESTRICT DEFERRABLE INITIALLY DEFERRED,
                           mentorId INTEGER REFERENCES Citizen(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED, score INTEGER NOT NULL);
      CREATE TABLE House(id INTEGER PRIMARY KEY, townId INTEGER NOT NULL REFERENCES Town(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
                         ownerId INTEGER REFERENCES Citizen(id) ON DELETE SET NULL DEFERRABLE INITIALLY DEFERRED, score INTEGER NOT NULL);
      CREATE INDEX town_region ON Town(regionId);
      CREATE INDEX citizen_town ON Citizen(townId);
      CREATE INDEX citizen_mentor ON Citizen(mentorId);
      CREATE INDEX house_town ON House(townId);
      CREATE UNIQUE INDEX house_owner ON House(ownerId);  -- Citizen.home is a has_one
      CREATE TABLE log(seq INTEGER PRIMARY KEY, t TEXT, kind TEXT, id INTEGER);)");
    // AFTER triggers record what SQLite did, foreign key actions included; an
    // UPDATE that changes nothing is no change (relstore writes nothing then).
    for (int m = 0; m < 4; ++m) {
      const std::string t = table_name[m];
      std::string changed = "OLD.id IS NOT NEW.id OR OLD.score IS NOT NEW.score";
      if (has_parent(static_cast<model_id>(m))) {
        changed += " OR OLD." + std::string(parent_field[m]) + " IS NOT NEW." + parent_field[m];
      }
      if (has_link(static_cast<model_id>(m))) {
        changed += " OR OLD." + std::string(link_field[m]) + " IS NOT NEW." + link_field[m];
      }
      exec_or_die("CREATE TRIGGER " + t + "_i AFTER INSERT ON " + t + " BEGIN INSERT INTO log(t, kind, id) VALUES('" +
                  t + "', 'created', NEW.id); END");
      exec_or_die("CREATE TRIGGER " + t + "_u AFTER UPDATE ON " + t + " WHEN " + changed +
                  " BEGIN INSERT INTO log(t, kind, id) VALUES('" + t + "', 'updated', NEW.id); END");
      exec_or_die("CREATE TRIGGER " + t + "_d AFTER DELETE ON " + t + " BEGIN INSERT INTO log(t, kind, id) VALUES('" +
                  t + "', 'deleted', OLD.id); END");
    }
  }

  bool in_transaction() const { return in_tx_; }

  // The log rows written since the last call (committed ones only: call it
  // outside a transaction).
  std::vector<change_event> take_events() {
    std::vector<change_event> out;
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db_, "SELECT seq, t, kind, id FROM log WHERE seq > ? ORDER BY seq", -1, &st, nullptr);
    sqlite3_bind_int64(st, 1, seen_);
    while (sqlite3_step(st) == SQLITE_ROW) {
      seen_ = sqlite3_column_int64(st, 0);
      out.push_back({reinterpret_cast<const char*>(sqlite3_column_text(st, 1)),
                     reinterpret_cast<const char*>(sqlite3_column_text(st, 2)), sqlite3_column_int64(st, 3)});
    }
    sqlite3_finalize(st);
    return out;
  }
  ~sqlite_side() { sqlite3_close(db_); }
  sqlite_side(const sqlite_side&) = delete;
  sqlite_side& operator=(const sqlite_side&) = delete;

  outcome apply(const op& o) {
    if (is_tx(o.k)) return transact(o);
    const std::string t = table_name[static_cast<int>(o.m)];
    switch (o.k) {
      case op_kind::create:
        return run({insert(o.m, o.rows[0])});
      case op_kind::create_all: {
        std::vector<std::string> all;
        for (const auto& r : o.rows) all.push_back(insert(o.m, r));
        return run(all);
      }
      case op_kind::patch:
        if (o.ch.field == 0 && self_parented_key_change(o.m, o.id, o.ch.v.value_or(o.id))) {
          return outcome{verdict::foreign_key, -1, "harness"};
        }
        return by_id(run({"UPDATE " + t + " SET " + set(o.m, o.ch) + " WHERE id=" + n(o.id)}));
      case op_kind::replace: {
        const rec& r = o.rows[0];
        if (self_parented_key_change(o.m, o.id, r.id)) return outcome{verdict::foreign_key, -1, "harness"};
        std::string s = "UPDATE " + t + " SET id=" + n(r.id);
        if (has_parent(o.m)) s += ", " + std::string(parent_field[static_cast<int>(o.m)]) + "=" + n(r.parent);
        if (has_link(o.m)) s += ", " + std::string(link_field[static_cast<int>(o.m)]) + "=" + v(r.link);
        return by_id(run({s + ", score=" + n(r.score) + " WHERE id=" + n(o.id)}));
      }
      case op_kind::remove:
        return by_id(run({"DELETE FROM " + t + " WHERE id=" + n(o.id)}));
      case op_kind::remove_where:
        return counted(run({"DELETE FROM " + t + " WHERE " + where(o.m, *o.where)}));
      case op_kind::update_where:
        return counted(run({"UPDATE " + t + " SET " + set(o.m, o.ch) + " WHERE " + where(o.m, *o.where)}));
      case op_kind::c_create: {
        rec r = o.rows[0];
        // DELIBERATE DIFFERENCE: SQLite has no constrained repository. relstore's
        // rule (LoopBack's): a payload naming another parent is rejected before
        // anything is written; an unset key (0) is filled in.
        if (r.parent != 0 && r.parent != o.id) return outcome{verdict::constraint, -1, "harness"};
        r.parent = o.id;
        return run({insert(o.m, r)});
      }
      case op_kind::c_patch: {
        // DELIBERATE DIFFERENCE: as above, the foreign key may not change.
        if (o.ch.field == 1 && o.ch.v != o.id) return outcome{verdict::constraint, -1, "harness"};
        return counted(run({"UPDATE " + t + " SET " + set(o.m, o.ch) + " WHERE " + constraint(o) +
                            (o.where ? " AND " + where(o.m, *o.where) : "")}));
      }
      default:
        return counted(
            run({"DELETE FROM " + t + " WHERE " + constraint(o) + (o.where ? " AND " + where(o.m, *o.where) : "")}));
    }
  }

  // DELIBERATE DIFFERENCE (semantics.md, "A row may be its own parent"): a
  // self-parented row counts as its own child, so its key may not change,
  // even when the same write drops or moves the self reference. SQLite only
  // checks that nothing dangles at the end of the statement.
  bool self_parented_key_change(model_id m, std::int64_t id, std::int64_t new_id) {
    // With deferred keys relstore checks key changes at commit, as SQLite does.
    if (m != model_id::citizen || new_id == id || deferred_) return false;
    bool self = false, taken = false;
    for (const rec& r : rows(m)) {
      if (r.id == id) self = r.link == id;
      if (r.id == new_id) taken = true;  // a taken key is reported first, by SQLite itself
    }
    return self && !taken;
  }

  std::vector<rec> rows(model_id m) {
    std::vector<rec> out;
    const std::string cols = std::string("id, ") + (has_parent(m) ? parent_field[static_cast<int>(m)] : "0") + ", " +
                             (has_link(m) ? link_field[static_cast<int>(m)] : "NULL") + ", score";
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db_, ("SELECT " + cols + " FROM " + table_name[static_cast<int>(m)] + " ORDER BY id").c_str(),
                       -1, &st, nullptr);
    while (sqlite3_step(st) == SQLITE_ROW) {
      rec r{sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1), std::nullopt, sqlite3_column_int64(st, 3)};
      if (sqlite3_column_type(st, 2) != SQLITE_NULL) r.link = sqlite3_column_int64(st, 2);
      out.push_back(r);
    }
    sqlite3_finalize(st);
    return out;
  }

 private:
  static std::string n(std::int64_t x) { return std::to_string(x); }
  static std::string v(const std::optional<std::int64_t>& x) { return x ? n(*x) : "NULL"; }

  static std::string insert(model_id m, const rec& r) {
    std::string cols = "id", vals = n(r.id);
    if (has_parent(m)) {
      cols += std::string(", ") + parent_field[static_cast<int>(m)];
      vals += ", " + n(r.parent);
    }
    if (has_link(m)) {
      cols += std::string(", ") + link_field[static_cast<int>(m)];
      vals += ", " + v(r.link);
    }
    return "INSERT INTO " + std::string(table_name[static_cast<int>(m)]) + "(" + cols + ", score) VALUES(" + vals +
           ", " + n(r.score) + ")";
  }
  static std::string set(model_id m, const change& c) {
    const std::string f = c.field == 0   ? "id"
                          : c.field == 1 ? parent_field[static_cast<int>(m)]
                          : c.field == 2 ? link_field[static_cast<int>(m)]
                                         : "score";
    return f + "=" + v(c.v);
  }
  static std::string where(model_id m, const cond& c) {
    const std::string p = parent_field[static_cast<int>(m)], l = link_field[static_cast<int>(m)];
    switch (c.k) {
      case cond::score_gt:
        return "score > " + n(c.a);
      case cond::score_lt:
        return "score < " + n(c.a);
      case cond::parent_eq:
        return p + " = " + n(c.a);
      case cond::link_null:
        return l + " IS NULL";
      // relstore's neq is "is distinct from": it matches null.
      case cond::link_not:
        return l + " IS NOT " + n(c.a);
      default:
        return "id IN (" + n(c.a) + ", " + n(c.b) + ")";
    }
  }
  static std::string constraint(const op& o) {
    return std::string(parent_field[static_cast<int>(o.m)]) + " = " + n(o.id);
  }

  outcome transact(const op& o) {
    switch (o.k) {
      case op_kind::tx_begin:
        if (in_tx_) return {};
        exec_or_die("BEGIN");
        deferred_ = o.id != 0;
        in_tx_ = true;
        return {};
      case op_kind::tx_savepoint:
        if (in_tx_) exec_or_die("SAVEPOINT s" + std::to_string(savepoints_++));
        return {};
      case op_kind::tx_rollback_to:
        if (o.id < savepoints_) {
          // ROLLBACK TO keeps s<id> and cancels those opened after it.
          exec_or_die("ROLLBACK TO s" + std::to_string(o.id));
          savepoints_ = o.id + 1;
        }
        return {};
      case op_kind::tx_release:
        if (o.id < savepoints_) {
          exec_or_die("RELEASE s" + std::to_string(o.id));
          savepoints_ = o.id;
        }
        return {};
      case op_kind::tx_commit: {
        if (!in_tx_) return {};
        char* err = nullptr;
        outcome out;
        if (sqlite3_exec(db_, "COMMIT", nullptr, nullptr, &err) != SQLITE_OK) {
          // A dangling deferred key fails the COMMIT and leaves the transaction open.
          out = outcome{verdict::foreign_key, -1, err ? err : "?"};
          sqlite3_free(err);
          exec_or_die("ROLLBACK");
        }
        in_tx_ = false;
        deferred_ = false;
        savepoints_ = 0;
        return out;
      }
      default:
        if (!in_tx_) return {};
        exec_or_die("ROLLBACK");
        in_tx_ = false;
        deferred_ = false;
        savepoints_ = 0;
        return {};
    }
  }

  // Runs the statements as one write, all or nothing: its own transaction,
  // or a savepoint inside the open one.
  outcome run(const std::vector<std::string>& statements) {
    exec_or_die(in_tx_ ? "SAVEPOINT w" : "BEGIN");
    changes_ = 0;
    for (const auto& s : statements) {
      char* err = nullptr;
      int rc = sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &err);
      if (rc == SQLITE_OK && !deferred_ && dangling_keys()) {
        rc = SQLITE_CONSTRAINT;
        err = sqlite3_mprintf("FOREIGN KEY constraint failed (checked after the statement)");
      }
      if (rc != SQLITE_OK) {
        std::string msg = err ? err : "?";
        sqlite3_free(err);
        if (in_tx_) {
          exec_or_die("ROLLBACK TO w");
          exec_or_die("RELEASE w");
        } else {
          exec_or_die("ROLLBACK");
        }
        outcome o;
        o.detail = msg + " in " + s;
        o.v = msg.find("UNIQUE") != std::string::npos || msg.find("PRIMARY KEY") != std::string::npos
                  ? verdict::duplicate
              : msg.find("FOREIGN KEY") != std::string::npos ? verdict::foreign_key
                                                             : verdict::other;
        return o;
      }
      changes_ += sqlite3_changes(db_);
    }
    exec_or_die(in_tx_ ? "RELEASE w" : "COMMIT");
    return {};
  }
  // Whether any foreign key dangles now.
  bool dangling_keys() {
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db_, "PRAGMA foreign_key_check", -1, &st, nullptr);
    const bool any = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    return any;
  }
  outcome by_id(outcome o) {
    if (o.v == verdict::accepted && changes_ == 0) o.v = verdict::not_found;
    return o;
  }
  outcome counted(outcome o) {
    if (o.v == verdict::accepted) o.count = changes_;
    return o;
  }
  void exec_or_die(const char* sql) { exec_or_die(std::string(sql)); }
  void exec_or_die(const std::string& sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      ADD_FAILURE() << "sqlite: " << (err ? err : "?") << " in " << sql;
      sqlite3_free(err);
    }
  }

  sqlite3* db_ = nullptr;
  std::int64_t changes_ = 0;
  bool in_tx_ = false;
  bool deferred_ = false;
  std::int64_t savepoints_ = 0;
  std::int64_t seen_ = 0;
};

}  // namespace differential
