// The differential test's vocabulary: operations on the town schema, the
// decisions they get, and the change events they cause, with the text
// each prints as in a failure report.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <sstream>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "common/town_schema.hpp"

namespace differential {

using namespace town;
using relstore::errc;

// ------------------------------------------------------------ operations

enum class model_id { region, town, citizen, house };
inline constexpr const char* table_name[] = {"Region", "Town", "Citizen", "House"};
inline constexpr const char* parent_field[] = {"", "regionId", "townId", "townId"};
inline constexpr const char* link_field[] = {"", "", "mentorId", "ownerId"};

inline bool has_parent(model_id m) { return m != model_id::region; }
inline bool has_link(model_id m) { return m == model_id::citizen || m == model_id::house; }

// A row of any model: id, parent key, optional link key, score.
struct rec {
  std::int64_t id = 0;
  std::int64_t parent = 0;
  std::optional<std::int64_t> link;
  std::int64_t score = 0;
  friend bool operator==(const rec&, const rec&) = default;
};

// A where clause both sides understand.
struct cond {
  enum kind { score_gt, score_lt, parent_eq, link_null, link_not, id_in } k = score_gt;
  std::int64_t a = 0, b = 0;
};

// A patch of one field: 0 id, 1 parent, 2 link (nullopt = null), 3 score.
struct change {
  int field = 3;
  std::optional<std::int64_t> v;
};

enum class op_kind {
  create,
  create_all,
  patch,
  replace,
  remove,
  remove_where,
  update_where,
  c_create,
  c_patch,
  c_remove,
  // Transactions (SQLite's BEGIN / SAVEPOINT / ROLLBACK TO / RELEASE / COMMIT / ROLLBACK).
  tx_begin,  // id != 0: deferred foreign keys
  tx_savepoint,
  tx_rollback_to,  // id: which open savepoint (counted from the outermost)
  tx_release,      // id: as above
  tx_commit,
  tx_rollback
};

inline bool is_tx(op_kind k) { return k >= op_kind::tx_begin; }

struct op {
  op_kind k = op_kind::create;
  model_id m = model_id::region;
  std::int64_t id = 0;        // patch/replace/remove target, constrained parent
  std::vector<rec> rows;      // create, create_all, replace, c_create
  change ch;                  // patch, update_where, c_patch
  std::optional<cond> where;  // remove_where, update_where, c_patch, c_remove
};

// What a side decided.
enum class verdict { accepted, duplicate, foreign_key, not_found, constraint, other };
struct outcome {
  verdict v = verdict::accepted;
  std::int64_t count = -1;  // for where-based writes
  std::string detail;
  bool operator==(const outcome& o) const { return v == o.v && count == o.count; }
};

inline const char* name(verdict v) {
  switch (v) {
    case verdict::accepted:
      return "accepted";
    case verdict::duplicate:
      return "duplicate";
    case verdict::foreign_key:
      return "foreign_key";
    case verdict::not_found:
      return "not_found";
    case verdict::constraint:
      return "constraint";
    default:
      return "other";
  }
}

inline std::string describe(const rec& r) {
  std::ostringstream s;
  s << "{id=" << r.id << " parent=" << r.parent << " link=" << (r.link ? std::to_string(*r.link) : "null")
    << " score=" << r.score << "}";
  return s.str();
}

inline std::string describe(const op& o) {
  static const char* kinds[] = {"create",         "create_all", "patch",     "replace",    "remove",   "remove_where",
                                "update_where",   "c_create",   "c_patch",   "c_remove",   "tx_begin", "tx_savepoint",
                                "tx_rollback_to", "tx_release", "tx_commit", "tx_rollback"};
  std::ostringstream s;
  s << kinds[static_cast<int>(o.k)] << " " << table_name[static_cast<int>(o.m)] << " id=" << o.id;
  for (const auto& r : o.rows) s << " " << describe(r);
  if (o.k == op_kind::patch || o.k == op_kind::update_where || o.k == op_kind::c_patch) {
    s << " set field" << o.ch.field << "=" << (o.ch.v ? std::to_string(*o.ch.v) : "null");
  }
  if (o.where) s << " where(" << o.where->k << "," << o.where->a << "," << o.where->b << ")";
  return s.str();
}

// One change as an observer (relstore) or a trigger (SQLite) saw it.
struct change_event {
  std::string table;
  std::string kind;  // created, updated, deleted
  std::int64_t id = 0;
  friend bool operator==(const change_event&, const change_event&) = default;
};

// The order within one commit is normalised: events are compared grouped by
// entity (table, id), keeping each entity's own events in their order. A
// cascade reaches children in index order, which neither side promises.
inline std::vector<change_event> normalised(std::vector<change_event> v) {
  std::stable_sort(v.begin(), v.end(), [](const change_event& a, const change_event& b) {
    return std::tie(a.table, a.id) < std::tie(b.table, b.id);
  });
  return v;
}

inline std::string describe(const std::vector<change_event>& v) {
  std::ostringstream s;
  for (const auto& e : v) s << " " << e.table << ":" << e.kind << ":" << e.id;
  return s.str();
}

}  // namespace differential
