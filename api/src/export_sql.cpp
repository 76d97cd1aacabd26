// A dataset as SQL for sqlite3.
#include "relstore/export_sql.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <functional>
#include <ostream>
#include <queue>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace relstore {
namespace {

std::string quote_ident(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

void sql_value(const value_view& v, std::string& out) {
  switch (v.index()) {
    case 0:
      out += "NULL";
      return;
    case 1:
      out += std::get<bool>(v) ? "1" : "0";
      return;
    case 2:
      out += std::to_string(std::get<std::int64_t>(v));
      return;
    case 3: {
      const double d = std::get<double>(v);
      if (std::isnan(d)) {
        out += "NULL";  // not reached: check_exportable refuses NaN up front
      } else if (std::isinf(d)) {
        out += d > 0 ? "9e999" : "-9e999";
      } else {
        char buf[32];
        auto r = std::to_chars(buf, buf + sizeof buf, d);
        std::string_view t(buf, static_cast<std::size_t>(r.ptr - buf));
        out += t;
        if (t.find_first_of(".eEn") == std::string_view::npos) out += ".0";
      }
      return;
    }
    default: {
      const std::string_view s = std::get<std::string_view>(v);
      if (s.find('\0') != std::string_view::npos) {
        static const char hex[] = "0123456789ABCDEF";
        out += "CAST(X'";
        for (char ch : s) {
          const auto c = static_cast<unsigned char>(ch);
          out += hex[c >> 4];
          out += hex[c & 15];
        }
        out += "' AS TEXT)";
        return;
      }
      out += '\'';
      for (char c : s) {
        if (c == '\'') out += '\'';
        out += c;
      }
      out += '\'';
    }
  }
}

const char* sql_type(field_type t) {
  switch (t) {
    case field_type::float64:
      return "REAL";
    case field_type::string:
      return "TEXT";
    default:
      return "INTEGER";
  }
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

std::string folded(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string index_name(const model_info& m, std::size_t field) { return m.name + "_" + m.fields[field].name; }

// What SQLite cannot take, refused before a byte is written: names SQL does
// not tell apart (letter case; a table or an index named alike), names
// SQLite reserves, and NaN, which SQLite turns into NULL.
result<void> check_exportable(const registry& reg, const schema_graph& g, const detail::column_store& ds) {
  auto refuse = [](std::string m) { return make_error(errc::invalid_argument, "export-sql: " + std::move(m)); };
  std::unordered_map<std::string, std::string> names;  // folded table or index name -> what it names
  auto claim = [&](const std::string& name, const std::string& what) -> result<void> {
    auto [it, fresh] = names.emplace(folded(name), what);
    if (fresh || it->second == what) return {};
    return refuse(it->second + " and " + what + " differ only by letter case, which SQL does not tell apart");
  };
  for (std::size_t m = 0; m < reg.model_count(); ++m) {
    const model_info& info = reg.model(m);
    if (folded(info.name).rfind("sqlite_", 0) == 0) {
      return refuse("model " + info.name + ": names beginning with sqlite_ are reserved by SQLite");
    }
    if (auto r = claim(info.name, "model " + info.name); !r) return r;
    std::unordered_map<std::string, std::string> fields;
    for (const auto& f : info.fields) {
      auto [it, fresh] = fields.emplace(folded(f.name), f.name);
      if (!fresh) {
        return refuse("fields " + info.name + "." + it->second + " and " + info.name + "." + f.name +
                      " differ only by letter case, which SQL does not tell apart");
      }
    }
  }
  for (std::size_t m = 0; m < reg.model_count(); ++m) {
    const model_info& info = reg.model(m);
    for (const auto* r : g.as_child[m]) {
      if (auto c = claim(index_name(info, r->child_key), "index " + index_name(info, r->child_key)); !c) return c;
    }
    const detail::column_table& t = ds.table(m);
    for (std::size_t f = 0; f < info.fields.size(); ++f) {
      if (info.fields[f].type != field_type::float64) continue;
      const auto& doubles = t.at(f).doubles;
      for (std::size_t row = 0; row < doubles.size(); ++row) {
        if (std::isnan(doubles[row]) && !(info.fields[f].nullable && t.at(f).nulls[row])) {
          return refuse(info.name + "." + info.fields[f].name + " is NaN in the row with " +
                        info.fields[info.primary_key].name + " " + describe(t.get(row, info.primary_key)) +
                        ", which SQLite cannot store (it would read back as NULL)");
        }
      }
    }
  }
  return {};
}

}  // namespace

result<void> export_sql(const dataset& data, std::ostream& out, const progress_fn& progress) {
  const auto& ds = detail::dataset_access::of(data);
  const registry& reg = ds.schema();
  const schema_graph g(reg);
  if (auto r = check_exportable(reg, g, ds); !r) return r;
  bool cyclic = false;
  const std::vector<std::size_t> models = model_order(g, cyclic);
  std::vector<std::vector<std::size_t>> rows(reg.model_count());
  for (std::size_t m : models) rows[m] = row_order(g, ds.table(m), m, cyclic);
  std::string s;
  s += "-- relstore snapshot export\nPRAGMA foreign_keys=ON;\nBEGIN TRANSACTION;\n";
  if (cyclic) s += "PRAGMA defer_foreign_keys=ON;  -- the keys form a cycle: checked at COMMIT\n";
  for (std::size_t m : models) {
    const model_info& info = reg.model(m);
    s += "CREATE TABLE " + quote_ident(info.name) + " (\n";
    for (const auto& f : info.fields) {
      s += "  " + quote_ident(f.name) + " " + sql_type(f.type) + (f.nullable ? "" : " NOT NULL") + ",\n";
    }
    s += "  PRIMARY KEY (" + quote_ident(info.fields[info.primary_key].name) + ")";
    std::vector<std::size_t> uniques;
    for (const auto* r : g.as_parent[m]) {
      if (r->parent_key != info.primary_key &&
          std::find(uniques.begin(), uniques.end(), r->parent_key) == uniques.end()) {
        uniques.push_back(r->parent_key);
        s += ",\n  UNIQUE (" + quote_ident(info.fields[r->parent_key].name) + ")";
      }
    }
    for (const auto* r : g.as_child[m]) {  // a has_one's foreign key is unique (NULLs may repeat)
      if (r->kind != relation_kind::has_one || r->child_key == info.primary_key ||
          std::find(uniques.begin(), uniques.end(), r->child_key) != uniques.end()) {
        continue;
      }
      uniques.push_back(r->child_key);
      s += ",\n  UNIQUE (" + quote_ident(info.fields[r->child_key].name) + ")";
    }
    std::vector<std::pair<std::size_t, std::size_t>> pairs;  // a pair linked once (both directions: one UNIQUE)
    for (const auto& r : reg.relations()) {
      if (r.kind != relation_kind::has_many_through || r.through != m || r.repeated_links) continue;
      const std::pair<std::size_t, std::size_t> pair = std::minmax(r.through_from, r.through_to);
      if (std::find(pairs.begin(), pairs.end(), pair) != pairs.end()) continue;
      pairs.emplace_back(pair);
      s += ",\n  UNIQUE (" + quote_ident(info.fields[r.through_from].name) + ", " +
           quote_ident(info.fields[r.through_to].name) + ")";
    }
    for (const auto* r : g.as_child[m]) {
      const model_info& p = reg.model(r->parent);
      s += ",\n  FOREIGN KEY (" + quote_ident(info.fields[r->child_key].name) + ") REFERENCES " + quote_ident(p.name) +
           " (" + quote_ident(p.fields[r->parent_key].name) + ") ON DELETE " + sql_policy(r->policy);
    }
    s += "\n);\n";
  }
  for (std::size_t m : models) {
    const model_info& info = reg.model(m);
    std::vector<std::size_t> indexed;  // one index per foreign key field, however many relations use it
    for (const auto* r : g.as_child[m]) {
      if (std::find(indexed.begin(), indexed.end(), r->child_key) != indexed.end()) continue;
      indexed.push_back(r->child_key);
      s += "CREATE INDEX " + quote_ident(index_name(info, r->child_key)) + " ON " + quote_ident(info.name) + " (" +
           quote_ident(info.fields[r->child_key].name) + ");\n";
    }
  }
  out << s;
  const std::size_t total = ds.total_rows();
  std::size_t done = 0;
  for (std::size_t m : models) {
    const model_info& info = reg.model(m);
    std::string head = "INSERT INTO " + quote_ident(info.name) + " (";
    for (std::size_t f = 0; f < info.fields.size(); ++f) head += (f ? ", " : "") + quote_ident(info.fields[f].name);
    head += ") VALUES (";
    for (std::size_t r : rows[m]) {
      s = head;
      for (std::size_t f = 0; f < info.fields.size(); ++f) {
        if (f) s += ", ";
        sql_value(ds.table(m).get(r, f), s);
      }
      s += ");\n";
      out << s;
      if (progress && (++done % 4096 == 0)) progress(done, total);
    }
  }
  out << "COMMIT;\n";
  if (progress) progress(total, total);
  if (!out) return make_error(errc::io_error, "cannot write the SQL export");
  return {};
}

}  // namespace relstore
