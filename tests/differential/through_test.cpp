// has_many_through against SQLite: random writes through the clinic
// schema's Patient.doctors (a join table with ON DELETE CASCADE from the
// patient, RESTRICT from the doctor, and UNIQUE (patientId, doctorId)) go to
// both; after each one they must have decided the same (accepted, or refused
// for the same kind of reason), hold the same rows, and every patient's
// doctors must equal the SQL join.
//
// RELSTORE_DIFF_OPS=N runs N operations per seed (default 3000).
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cstdint>
#include <cstdlib>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "common/clinic_schema.hpp"

namespace through_test {

namespace {

using namespace clinic;
using relstore::errc;

enum class verdict { accepted, duplicate, foreign_key, restrict, constraint, not_found, other };

verdict of(const relstore::error& e) {
  switch (e.code) {
    case errc::already_exists:
      return verdict::duplicate;
    case errc::foreign_key_violation:
      return verdict::foreign_key;
    case errc::restrict_violation:
      return verdict::restrict;
    case errc::not_found:
      return verdict::not_found;
    default:
      return verdict::other;
  }
}

class sql {
 public:
  sql() {
    sqlite3_open(":memory:", &db_);
    exec(R"(PRAGMA foreign_keys=ON;
      CREATE TABLE Patient(id INTEGER PRIMARY KEY, name TEXT NOT NULL);
      CREATE TABLE Doctor(id INTEGER PRIMARY KEY, name TEXT NOT NULL, rank INTEGER NOT NULL);
      CREATE TABLE Appointment(id INTEGER PRIMARY KEY,
        patientId INTEGER NOT NULL REFERENCES Patient(id) ON DELETE CASCADE,
        doctorId INTEGER NOT NULL REFERENCES Doctor(id) ON DELETE RESTRICT,
        day TEXT NOT NULL, UNIQUE (patientId, doctorId));)");
  }
  ~sql() { sqlite3_close(db_); }

  // Runs the statements all or nothing.
  verdict run(const std::vector<std::string>& statements) {
    exec("BEGIN");
    for (const auto& s : statements) {
      char* err = nullptr;
      if (sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
        const std::string m = err ? err : "?";
        sqlite3_free(err);
        exec("ROLLBACK");
        if (m.find("UNIQUE") != std::string::npos || m.find("PRIMARY KEY") != std::string::npos) {
          return verdict::duplicate;
        }
        if (m.find("FOREIGN KEY") != std::string::npos) return verdict::foreign_key;
        return verdict::other;
      }
    }
    exec("COMMIT");
    return verdict::accepted;
  }
  std::vector<std::vector<std::int64_t>> rows(const std::string& query) {
    std::vector<std::vector<std::int64_t>> out;
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db_, query.c_str(), -1, &st, nullptr);
    while (sqlite3_step(st) == SQLITE_ROW) {
      std::vector<std::int64_t> r;
      for (int c = 0; c < sqlite3_column_count(st); ++c) r.push_back(sqlite3_column_int64(st, c));
      out.push_back(std::move(r));
    }
    sqlite3_finalize(st);
    return out;
  }
  std::int64_t one(const std::string& query) {
    auto r = rows(query);
    return r.empty() ? 0 : r[0][0];
  }
  void exec(const std::string& s) {
    char* err = nullptr;
    if (sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      ADD_FAILURE() << (err ? err : "?") << " in " << s;
      sqlite3_free(err);
    }
  }

 private:
  sqlite3* db_ = nullptr;
};

std::string str(std::int64_t v) { return std::to_string(v); }

// One seed: returns the first disagreement, or "".
std::string run_seed(unsigned seed, int ops) {
  std::mt19937_64 rng(seed);
  auto pick = [&](std::int64_t lo, std::int64_t hi) {
    return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng);
  };
  store db;
  sql sq;
  std::int64_t next_link = 1000;
  for (int i = 0; i < ops; ++i) {
    const std::int64_t p = pick(1, 6), d = pick(1, 6);
    auto doctors = db.repo<Patient>().related<"doctors">(p);
    verdict r = verdict::accepted, s = verdict::accepted;
    std::string what;
    switch (pick(0, 8)) {
      case 0: {
        what = "create Patient " + str(p);
        auto x = db.repo<Patient>().create({.id = p, .name = "p"});
        r = x ? verdict::accepted : of(x.error());
        s = sq.run({"INSERT INTO Patient VALUES(" + str(p) + ",'p')"});
        break;
      }
      case 1: {
        const std::int64_t rank = pick(0, 3);
        what = "create Doctor " + str(d);
        auto x = db.repo<Doctor>().create({.id = d, .name = "d", .rank = rank});
        r = x ? verdict::accepted : of(x.error());
        s = sq.run({"INSERT INTO Doctor VALUES(" + str(d) + ",'d'," + str(rank) + ")"});
        break;
      }
      case 2:
      case 3: {
        what = "link " + str(p) + " " + str(d);
        const std::int64_t id = next_link++;
        auto x = doctors.link(d, {.id = id, .day = "mon"});
        r = x ? verdict::accepted : of(x.error());
        if (sq.one("SELECT count(*) FROM Doctor WHERE id=" + str(d)) == 0) {
          s = verdict::not_found;  // link() looks the target up first
        } else {
          s = sq.run({"INSERT INTO Appointment VALUES(" + str(id) + "," + str(p) + "," + str(d) + ",'mon')"});
        }
        break;
      }
      case 4: {
        what = "unlink " + str(p) + " " + str(d);
        auto x = doctors.unlink(d);
        r = x ? verdict::accepted : of(x.error());
        s = sq.run({"DELETE FROM Appointment WHERE patientId=" + str(p) + " AND doctorId=" + str(d)});
        break;
      }
      case 5: {
        what = "delete Patient " + str(p);
        auto x = db.repo<Patient>().delete_by_id(p);
        r = x ? verdict::accepted : of(x.error());
        s = sq.one("SELECT count(*) FROM Patient WHERE id=" + str(p)) == 0
                ? verdict::not_found
                : sq.run({"DELETE FROM Patient WHERE id=" + str(p)});
        break;
      }
      case 6: {
        what = "delete Doctor " + str(d);
        auto x = db.repo<Doctor>().delete_by_id(d);
        r = x ? verdict::accepted : of(x.error());
        s = sq.one("SELECT count(*) FROM Doctor WHERE id=" + str(d)) == 0
                ? verdict::not_found
                : sq.run({"DELETE FROM Doctor WHERE id=" + str(d)});
        if (s == verdict::foreign_key) s = verdict::restrict;  // SQLite's RESTRICT: "FOREIGN KEY constraint failed"
        break;
      }
      case 7: {
        const std::int64_t rank = pick(0, 3);
        what = "doctors(" + str(p) + ").delete_all(rank >= " + str(rank) + ")";
        auto x = doctors.delete_all(relstore::field(&Doctor::rank) >= rank);
        r = x ? verdict::accepted : of(x.error());
        const std::string targets =
            "SELECT doctorId FROM Appointment JOIN Doctor ON Doctor.id = doctorId "
            "WHERE patientId=" +
            str(p) + " AND rank >= " + str(rank);
        s = sq.run({"CREATE TEMP TABLE t AS " + targets,
                    "DELETE FROM Appointment WHERE patientId=" + str(p) + " AND doctorId IN (SELECT doctorId FROM t)",
                    "DELETE FROM Doctor WHERE id IN (SELECT doctorId FROM t)", "DROP TABLE t"});
        if (s == verdict::foreign_key) s = verdict::restrict;
        break;
      }
      default: {
        const std::int64_t id = pick(7, 12);
        what = "doctors(" + str(p) + ").create(Doctor " + str(id) + ")";
        const std::int64_t link = next_link++;
        auto x = doctors.create({.id = id, .name = "n", .rank = 1}, {.id = link, .day = "fri"});
        r = x ? verdict::accepted : of(x.error());
        s = sq.run({"INSERT INTO Doctor VALUES(" + str(id) + ",'n',1)",
                    "INSERT INTO Appointment VALUES(" + str(link) + "," + str(p) + "," + str(id) + ",'fri')"});
        break;
      }
    }
    if (r != s) {
      return "op " + std::to_string(i) + " (" + what + "): relstore " + std::to_string(static_cast<int>(r)) +
             ", sqlite " + std::to_string(static_cast<int>(s));
    }
    // Same rows, and every patient's doctors equal the join.
    std::vector<std::vector<std::int64_t>> links;
    db.for_each<Appointment>([&](const Appointment& a) { links.push_back({a.id, a.patientId, a.doctorId}); });
    if (links != sq.rows("SELECT id, patientId, doctorId FROM Appointment ORDER BY id")) {
      return "op " + std::to_string(i) + " (" + what + "): appointments differ";
    }
    for (std::int64_t q = 1; q <= 6; ++q) {
      std::vector<std::vector<std::int64_t>> mine;
      for (const auto& doc : db.repo<Patient>().related<"doctors">(q).find().value()) mine.push_back({doc->id});
      if (mine != sq.rows("SELECT DISTINCT doctorId FROM Appointment WHERE patientId=" + str(q) + " ORDER BY 1")) {
        return "op " + std::to_string(i) + " (" + what + "): doctors of patient " + str(q) + " differ";
      }
    }
    if (db.size<Doctor>() != static_cast<std::size_t>(sq.one("SELECT count(*) FROM Doctor")) ||
        db.size<Patient>() != static_cast<std::size_t>(sq.one("SELECT count(*) FROM Patient"))) {
      return "op " + std::to_string(i) + " (" + what + "): row counts differ";
    }
  }
  return {};
}

TEST(ThroughDifferential, RelstoreAndSqliteAgreeOnRandomLinks) {
  const char* env = std::getenv("RELSTORE_DIFF_OPS");
  const int ops = env != nullptr ? std::atoi(env) : 3000;
  for (unsigned seed = 1; seed <= 4; ++seed) {
    const std::string problem = run_seed(seed, ops);
    ASSERT_TRUE(problem.empty()) << "seed " << seed << ": " << problem;
  }
}

}  // namespace

}  // namespace through_test
