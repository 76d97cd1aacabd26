// A dataset as SQL for sqlite3 or PostgreSQL.
#include "relstore/export_sql.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <optional>
#include <ostream>
#include <queue>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "relstore/detail/sql_text.hpp"
#include "relstore/detail/text_escape.hpp"
#include "relstore/detail/value_ops.hpp"

namespace relstore {
namespace {

const char* sql_type(field_type t, sql_dialect d) {
  static_assert(static_cast<int>(field_type::uint64) == 11 && static_cast<int>(sql_dialect::postgresql) == 1);
  // REQUIRES: t is not field_type::array (see sql_array_type).
  // In field_type order: boolean, int32, int64, uint32, float64, string,
  // float32, int8, int16, uint8, uint16, uint64. PostgreSQL has no unsigned
  // or one-byte integers: each takes the smallest type that holds its range
  // (uint64 NUMERIC(20)); its REAL is a float. SQLite's INTEGER is an int64
  // (check_values refuses a uint64 above INT64_MAX), its REAL a double.
  static constexpr const char* names[2][12] = {{"INTEGER", "INTEGER", "INTEGER", "INTEGER", "REAL", "TEXT", "REAL",
                                                "INTEGER", "INTEGER", "INTEGER", "INTEGER", "INTEGER"},
                                               {"BOOLEAN", "INTEGER", "BIGINT", "BIGINT", "DOUBLE PRECISION", "TEXT",
                                                "REAL", "SMALLINT", "SMALLINT", "SMALLINT", "INTEGER", "NUMERIC(20)"}};
  return names[static_cast<std::size_t>(d)][static_cast<std::size_t>(t)];
}

// The column type of array field `f`: SQLite's TEXT holding the JSON
// array, PostgreSQL's array of the element's type (REAL[], BIGINT[], ...).
std::string sql_array_type(const field_info& f, sql_dialect d) {
  if (d == sql_dialect::sqlite) return "TEXT";
  return std::string(sql_type(f.element, d)) + "[]";
}

const char* sql_policy(on_delete p) {
  switch (p) {
    case on_delete::cascade:
      return "CASCADE";
    case on_delete::set_null:
      return "SET NULL";
    default:
      return "RESTRICT";
  }
}

// The relations touching each model, built once: every walk below is linear
// in the schema, whatever a file declares.
struct schema_graph {
  std::vector<std::vector<const relation_info*>> as_parent, as_child;
  explicit schema_graph(const registry& reg) : as_parent(reg.model_count()), as_child(reg.model_count()) {
    for (std::size_t m = 0; m < reg.model_count(); ++m) {
      for (std::size_t r : reg.has_many_from(m)) as_parent[m].push_back(&reg.relations()[r]);
      for (std::size_t r : reg.has_many_into(m)) as_child[m].push_back(&reg.relations()[r]);
    }
  }
};

// Models ordered parents first (Kahn's algorithm, lowest index first);
// `cyclic` when relations between different models form a cycle (then
// foreign keys are deferred to the commit).
std::vector<std::size_t> model_order(const schema_graph& g, bool& cyclic) {
  const std::size_t n = g.as_child.size();
  std::vector<std::size_t> indegree(n, 0), order;
  for (std::size_t m = 0; m < n; ++m) {
    for (const auto* r : g.as_child[m]) indegree[m] += r->parent != m ? 1 : 0;
  }
  std::priority_queue<std::size_t, std::vector<std::size_t>, std::greater<>> ready;
  for (std::size_t m = 0; m < n; ++m) {
    if (indegree[m] == 0) ready.push(m);
  }
  std::vector<bool> done(n, false);
  while (!ready.empty()) {
    const std::size_t m = ready.top();
    ready.pop();
    done[m] = true;
    order.push_back(m);
    for (const auto* r : g.as_parent[m]) {
      if (r->child != m && --indegree[r->child] == 0) ready.push(r->child);
    }
  }
  cyclic = order.size() != n;
  for (std::size_t m = 0; m < n; ++m) {
    if (!done[m]) order.push_back(m);
  }
  return order;
}

// Rows of `model` ordered so that a row's parent through its self-relations
// comes before it. Iterative: chains of any depth.
std::vector<std::size_t> row_order(const schema_graph& g, const detail::column_table& t, std::size_t model,
                                   bool& cyclic) {
  const std::size_t rows = t.rows();
  std::vector<const relation_info*> selfs;
  for (const auto* r : g.as_parent[model]) {
    if (r->child == model) selfs.push_back(r);
  }
  std::vector<std::size_t> order;
  order.reserve(rows);
  if (selfs.empty()) {
    for (std::size_t r = 0; r < rows; ++r) order.push_back(r);
    return order;
  }
  if (selfs.size() > 1) cyclic = true;  // several self-relations: deferred keys, rows in stored order
  const relation_info& self = *selfs.front();
  std::vector<std::uint8_t> state(rows, 0);  // 0 new, 1 on the path, 2 emitted
  std::vector<std::size_t> path;
  for (std::size_t start = 0; start < rows; ++start) {
    std::size_t r = start;
    while (state[r] == 0) {
      state[r] = 1;
      path.push_back(r);
      const value_view fk = t.get(r, self.child_key);
      if (std::holds_alternative<null_t>(fk)) break;
      const void* parent = t.find(self.parent_key, fk);
      if (parent == nullptr || t.row_of(parent) == r) break;
      const std::size_t p = t.row_of(parent);
      if (state[p] == 1) {
        cyclic = true;  // a cycle of rows: only deferred keys can load it
        break;
      }
      r = p;
    }
    for (auto it = path.rbegin(); it != path.rend(); ++it) {
      state[*it] = 2;
      order.push_back(*it);
    }
    path.clear();
  }
  return order;
}

std::string index_name(const model_info& m, std::size_t field) { return m.name + "_" + m.fields[field].name; }

// The fields of `model` that hold foreign keys, each once however many
// relations use it: one index each.
std::vector<std::size_t> foreign_key_fields(const schema_graph& g, std::size_t model) {
  std::vector<std::size_t> fields;
  for (const auto* r : g.as_child[model]) {
    if (std::find(fields.begin(), fields.end(), r->child_key) == fields.end()) fields.push_back(r->child_key);
  }
  return fields;
}

result<void> refuse(std::string why) { return make_error(errc::invalid_argument, "export-sql: " + std::move(why)); }

// "in the row with id 7", for errors about one value.
std::string row_named(const model_info& info, const detail::column_table& t, std::size_t row) {
  return "in the row with " + info.fields[info.primary_key].name + " " + describe(t.get(row, info.primary_key));
}

// Names SQLite cannot take: names SQL does not tell apart (letter case; a
// table or an index named alike) and names SQLite reserves.
result<void> check_sqlite_names(const registry& reg, const schema_graph& g) {
  std::unordered_map<std::string, std::string> names;  // folded table or index name -> what it names
  auto claim = [&](const std::string& name, const std::string& what) -> result<void> {
    auto [it, fresh] = names.emplace(detail::fold_ascii_case(name), what);
    if (fresh || it->second == what) return {};
    return refuse(it->second + " and " + what + " differ only by letter case, which SQL does not tell apart");
  };
  for (std::size_t m = 0; m < reg.model_count(); ++m) {
    const model_info& info = reg.model(m);
    if (detail::fold_ascii_case(info.name).rfind("sqlite_", 0) == 0) {
      return refuse("model " + info.name + ": names beginning with sqlite_ are reserved by SQLite");
    }
    if (auto r = claim(info.name, "model " + info.name); !r) return r;
    std::unordered_map<std::string, std::string> fields;
    for (const auto& f : info.fields) {
      auto [it, fresh] = fields.emplace(detail::fold_ascii_case(f.name), f.name);
      if (!fresh) {
        return refuse("fields " + info.name + "." + it->second + " and " + info.name + "." + f.name +
                      " differ only by letter case, which SQL does not tell apart");
      }
    }
  }
  for (std::size_t m = 0; m < reg.model_count(); ++m) {
    for (std::size_t f : foreign_key_fields(g, m)) {
      const std::string index = index_name(reg.model(m), f);
      if (auto c = claim(index, "index " + index); !c) return c;
    }
  }
  return {};
}

// Names PostgreSQL cannot take as they are: longer than its 63-byte limit
// (it would cut them, silently renaming) or beginning with pg_, which the
// system catalogs, searched first, may already use. Quoted names keep their
// letter case, and the indexes and constraints are left for PostgreSQL to
// name, so nothing else can collide.
result<void> check_postgresql_names(const registry& reg) {
  constexpr std::size_t max_name = 63;
  for (std::size_t m = 0; m < reg.model_count(); ++m) {
    const model_info& info = reg.model(m);
    if (detail::fold_ascii_case(info.name).rfind("pg_", 0) == 0) {
      return refuse("model " + info.name + ": names beginning with pg_ are reserved by PostgreSQL");
    }
    if (info.name.size() > max_name) {
      return refuse("model " + info.name + ": PostgreSQL cuts names longer than 63 bytes");
    }
    for (const auto& f : info.fields) {
      if (f.name.size() > max_name) {
        return refuse("field " + info.name + "." + f.name + ": PostgreSQL cuts names longer than 63 bytes");
      }
    }
  }
  return {};
}

// Values the dialect cannot hold: for SQLite NaN, which it turns into NULL,
// and a uint64 above INT64_MAX, which it would round to a REAL; for
// PostgreSQL strings holding NUL or bytes that are not UTF-8, which TEXT (in
// a UTF8 database) refuses.
result<void> check_values(const registry& reg, const detail::column_store& ds, sql_dialect dialect) {
  const bool sqlite = dialect == sql_dialect::sqlite;
  for (std::size_t m = 0; m < reg.model_count(); ++m) {
    const model_info& info = reg.model(m);
    const detail::column_table& t = ds.table(m);
    for (std::size_t f = 0; f < info.fields.size(); ++f) {
      const field_type type = info.fields[f].type;
      const bool real = detail::in_doubles(type);
      if (info.fields[f].enumeration) {  // written by name: an undeclared value has none
        for (std::size_t row = 0; row < t.rows(); ++row) {
          const value_view v = t.get(row, f);
          if (v.index() == 0 || detail::enumerator_of(*info.fields[f].enumeration, v)) continue;
          return refuse(info.name + "." + info.fields[f].name + " is " + describe(v) + " " + row_named(info, t, row) +
                        ", which no " + info.fields[f].enumeration->name + " enumerator has");
        }
        continue;
      }
      if (type == field_type::array) {  // SQLite's JSON text has no NaN or infinity
        if (!sqlite || !detail::in_doubles(info.fields[f].element)) continue;
        for (std::size_t row = 0; row < t.rows(); ++row) {
          const value_view v = t.get(row, f);
          if (!detail::holds_non_finite(v)) continue;
          return refuse(info.name + "." + info.fields[f].name + " is " + describe(v) + " " + row_named(info, t, row) +
                        ", whose JSON text for SQLite cannot hold NaN or infinity");
        }
        continue;
      }
      if (sqlite ? !real && type != field_type::uint64 : type != field_type::string) continue;
      const detail::column& c = t.at(f);
      const std::string field = info.name + "." + info.fields[f].name;
      for (std::size_t row = 0; row < t.rows(); ++row) {
        if (info.fields[f].nullable && c.nulls[row]) continue;
        if (sqlite && real) {
          if (!std::isnan(c.doubles[row])) continue;
          return refuse(field + " is NaN " + row_named(info, t, row) +
                        ", which SQLite cannot store (it would read back as NULL)");
        }
        if (sqlite) {  // a uint64 held as its bits: negative above INT64_MAX
          if (c.ints[row] >= 0) continue;
          return refuse(field + " is " + describe(t.get(row, f)) + " " + row_named(info, t, row) +
                        ", above SQLite's largest integer (" + std::to_string(INT64_MAX) +
                        "; it would read back rounded)");
        }
        const std::string& s = c.strings[row];
        if (s.find('\0') != std::string::npos) {
          return refuse(field + " holds a NUL byte " + row_named(info, t, row) + ", which PostgreSQL TEXT cannot hold");
        }
        if (const std::size_t at = detail::invalid_utf8_at(s); at != std::string::npos) {
          return refuse(field + " is not UTF-8 (at byte " + std::to_string(at) + ") " + row_named(info, t, row) +
                        ", which PostgreSQL TEXT cannot hold");
        }
      }
    }
  }
  return {};
}

std::string foreign_key(const registry& reg, const relation_info& r) {
  const model_info& child = reg.model(r.child);
  const model_info& parent = reg.model(r.parent);
  return "FOREIGN KEY (" + detail::quote_sql_ident(child.fields[r.child_key].name) + ") REFERENCES " +
         detail::quote_sql_ident(parent.name) + " (" + detail::quote_sql_ident(parent.fields[r.parent_key].name) +
         ") ON DELETE " + sql_policy(r.policy);
}

// CREATE TABLE for `m`: columns, PRIMARY KEY, UNIQUE (key_from keys, has_one
// foreign keys, has_many_through pairs linked once) and, for SQLite, the
// foreign keys (PostgreSQL adds them after the rows).
std::string create_table(const registry& reg, const schema_graph& g, std::size_t m, sql_dialect dialect) {
  const model_info& info = reg.model(m);
  auto ident = [&](std::size_t f) { return detail::quote_sql_ident(info.fields[f].name); };
  std::string s = "CREATE TABLE " + detail::quote_sql_ident(info.name) + " (\n";
  for (const auto& f : info.fields) {
    const std::string type = f.enumeration                 ? std::string("TEXT")
                             : f.type == field_type::array ? sql_array_type(f, dialect)
                                                           : std::string(sql_type(f.type, dialect));
    s += "  " + detail::quote_sql_ident(f.name) + " " + type + (f.nullable ? "" : " NOT NULL");
    if (f.type == field_type::array) {  // the length is part of the type
      s += " CHECK (" +
           (dialect == sql_dialect::sqlite ? "json_array_length(" + detail::quote_sql_ident(f.name) + ")"
                                           : "cardinality(" + detail::quote_sql_ident(f.name) + ")") +
           " = " + std::to_string(f.extent) + ")";
    }
    if (f.enumeration) {  // an enum by name: one of its enumerators
      s += " CHECK (" + detail::quote_sql_ident(f.name) + " IN (";
      for (std::size_t i = 0; i < f.enumeration->enumerators.size(); ++i) {
        if (i) s += ", ";
        detail::append_sqlite_literal(std::string_view(f.enumeration->enumerators[i].name), s);
      }
      s += "))";
    }
    s += ",\n";
  }
  s += "  PRIMARY KEY (" + ident(info.primary_key) + ")";
  std::vector<std::size_t> uniques;
  for (const auto* r : g.as_parent[m]) {
    if (r->parent_key != info.primary_key &&
        std::find(uniques.begin(), uniques.end(), r->parent_key) == uniques.end()) {
      uniques.push_back(r->parent_key);
      s += ",\n  UNIQUE (" + ident(r->parent_key) + ")";
    }
  }
  for (const auto* r : g.as_child[m]) {  // a has_one's foreign key is unique (NULLs may repeat)
    if (r->kind != relation_kind::has_one || r->child_key == info.primary_key ||
        std::find(uniques.begin(), uniques.end(), r->child_key) != uniques.end()) {
      continue;
    }
    uniques.push_back(r->child_key);
    s += ",\n  UNIQUE (" + ident(r->child_key) + ")";
  }
  std::vector<std::pair<std::size_t, std::size_t>> pairs;  // a pair linked once (both directions: one UNIQUE)
  for (const auto& r : reg.relations()) {
    if (r.kind != relation_kind::has_many_through || r.through != m || r.repeated_links) continue;
    const std::pair<std::size_t, std::size_t> pair = std::minmax(r.through_from, r.through_to);
    if (std::find(pairs.begin(), pairs.end(), pair) != pairs.end()) continue;
    pairs.emplace_back(pair);
    s += ",\n  UNIQUE (" + ident(r.through_from) + ", " + ident(r.through_to) + ")";
  }
  if (dialect == sql_dialect::sqlite) {
    for (const auto* r : g.as_child[m]) s += ",\n  " + foreign_key(reg, *r);
  }
  return s + "\n);\n";
}

// Reports progress every 4096 rows.
struct progress_counter {
  const progress_fn& fn;
  std::size_t total, done = 0;
  void row() {
    if (fn && (++done % 4096 == 0)) fn(done, total);
  }
  void finish() const {
    if (fn) fn(total, total);
  }
};

// Tables with their keys, then INSERTs ordered so that every key resolves
// (or deferred keys when the rows form a cycle).
void write_sqlite(const detail::column_store& ds, const schema_graph& g, std::ostream& out, progress_counter& p) {
  const registry& reg = ds.schema();
  bool cyclic = false;
  const std::vector<std::size_t> models = model_order(g, cyclic);
  std::vector<std::vector<std::size_t>> rows(reg.model_count());
  for (std::size_t m : models) rows[m] = row_order(g, ds.table(m), m, cyclic);
  std::string s;
  s += "-- relstore snapshot export\nPRAGMA foreign_keys=ON;\nBEGIN TRANSACTION;\n";
  if (cyclic) s += "PRAGMA defer_foreign_keys=ON;  -- the keys form a cycle: checked at COMMIT\n";
  for (std::size_t m : models) s += create_table(reg, g, m, sql_dialect::sqlite);
  for (std::size_t m : models) {
    const model_info& info = reg.model(m);
    for (std::size_t f : foreign_key_fields(g, m)) {
      s += "CREATE INDEX " + detail::quote_sql_ident(index_name(info, f)) + " ON " +
           detail::quote_sql_ident(info.name) + " (" + detail::quote_sql_ident(info.fields[f].name) + ");\n";
    }
  }
  out << s;
  for (std::size_t m : models) {
    const model_info& info = reg.model(m);
    std::string head = "INSERT INTO " + detail::quote_sql_ident(info.name) + " (";
    for (std::size_t f = 0; f < info.fields.size(); ++f) {
      head += (f ? ", " : "") + detail::quote_sql_ident(info.fields[f].name);
    }
    head += ") VALUES (";
    for (std::size_t r : rows[m]) {
      s = head;
      for (std::size_t f = 0; f < info.fields.size(); ++f) {
        if (f) s += ", ";
        detail::append_sqlite_literal(ds.table(m).get(r, f), s, &info.fields[f]);
      }
      s += ");\n";
      out << s;
      p.row();
    }
  }
  out << "COMMIT;\n";
}

// Tables with their unique keys, the rows as COPY text, then the indexes and
// foreign keys, which PostgreSQL checks against every row when adding them.
void write_postgresql(const detail::column_store& ds, const schema_graph& g, std::ostream& out, progress_counter& p) {
  const registry& reg = ds.schema();
  bool cyclic = false;  // the rows need no order: the keys come after them
  const std::vector<std::size_t> models = model_order(g, cyclic);
  std::string s;
  s += "-- relstore snapshot export for PostgreSQL: psql -v ON_ERROR_STOP=1 -f FILE\n"
       "SET client_encoding = 'UTF8';\nBEGIN;\n";
  for (std::size_t m : models) s += create_table(reg, g, m, sql_dialect::postgresql);
  out << s;
  for (std::size_t m : models) {
    const model_info& info = reg.model(m);
    const detail::column_table& t = ds.table(m);
    s = "COPY " + detail::quote_sql_ident(info.name) + " (";
    for (std::size_t f = 0; f < info.fields.size(); ++f) {
      s += (f ? ", " : "") + detail::quote_sql_ident(info.fields[f].name);
    }
    s += ") FROM STDIN;\n";
    for (std::size_t r = 0; r < t.rows(); ++r) {
      for (std::size_t f = 0; f < info.fields.size(); ++f) {
        if (f) s += '\t';
        detail::append_copy_field(t.get(r, f), s, &info.fields[f]);
      }
      s += '\n';
      if (s.size() >= (1u << 16)) {
        out << s;
        s.clear();
      }
      p.row();
    }
    s += "\\.\n";
    out << s;
  }
  s.clear();
  for (std::size_t m : models) {
    const model_info& info = reg.model(m);
    for (std::size_t f : foreign_key_fields(g, m)) {
      s += "CREATE INDEX ON " + detail::quote_sql_ident(info.name) + " (" +
           detail::quote_sql_ident(info.fields[f].name) + ");\n";
    }
    for (const auto* r : g.as_child[m]) {
      s += "ALTER TABLE " + detail::quote_sql_ident(info.name) + " ADD " + foreign_key(reg, *r) + ";\n";
    }
  }
  out << s << "COMMIT;\n";
}

}  // namespace

std::optional<sql_dialect> parse_sql_dialect(std::string_view name) noexcept {
  if (name == "sqlite") return sql_dialect::sqlite;
  if (name == "postgresql" || name == "postgres") return sql_dialect::postgresql;
  return std::nullopt;
}

std::string_view to_string(sql_dialect dialect) noexcept {
  return dialect == sql_dialect::sqlite ? "sqlite" : "postgresql";
}

result<void> export_sql(const dataset& data, std::ostream& out, const export_sql_options& options,
                        const progress_fn& progress) {
  const auto& ds = detail::dataset_access::of(data);
  const registry& reg = ds.schema();
  const schema_graph g(reg);
  const bool sqlite = options.dialect == sql_dialect::sqlite;
  if (auto r = sqlite ? check_sqlite_names(reg, g) : check_postgresql_names(reg); !r) return r;
  if (auto r = check_values(reg, ds, options.dialect); !r) return r;
  progress_counter p{progress, ds.total_rows()};
  if (sqlite) {
    write_sqlite(ds, g, out, p);
  } else {
    write_postgresql(ds, g, out, p);
  }
  p.finish();
  if (!out) return make_error(errc::io_error, "cannot write the SQL export");
  return {};
}

}  // namespace relstore
