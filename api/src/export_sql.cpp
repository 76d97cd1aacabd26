// A dataset as SQL for sqlite3.
#include "relstore/export_sql.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

namespace relstore {
namespace {

std::vector<const relation_info*> has_manys(const registry& reg) {
  std::vector<const relation_info*> out;
  for (const auto& r : reg.relations()) {
    if (r.kind == relation_kind::has_many) out.push_back(&r);
  }
  return out;
}
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
        out += "NULL";  // SQLite cannot store NaN
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

// Models ordered parents first; `cyclic` when relations between different
// models form a cycle (then foreign keys are deferred to the commit).
std::vector<std::size_t> model_order(const registry& reg, bool& cyclic) {
  const std::size_t n = reg.model_count();
  std::vector<std::size_t> indegree(n, 0), order;
  for (const auto& r : has_manys(reg)) {
    if (r->parent != r->child) ++indegree[r->child];
  }
  std::vector<bool> done(n, false);
  for (bool progress = true; progress;) {
    progress = false;
    for (std::size_t m = 0; m < n; ++m) {
      if (done[m] || indegree[m] != 0) continue;
      done[m] = true;
      progress = true;
      order.push_back(m);
      for (const auto& r : has_manys(reg)) {
        if (r->parent == m && r->child != m) --indegree[r->child];
      }
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
std::vector<std::size_t> row_order(const registry& reg, const detail::column_table& t, std::size_t model,
                                   bool& cyclic) {
  const std::size_t rows = t.rows();
  std::vector<const relation_info*> selfs;
  for (const auto* r : has_manys(reg)) {
    if (r->parent == model && r->child == model) selfs.push_back(r);
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

}  // namespace

result<void> export_sql(const dataset& data, std::ostream& out, const progress_fn& progress) {
  const auto& ds = detail::dataset_access::of(data);
  const registry& reg = ds.schema();
  bool cyclic = false;
  const std::vector<std::size_t> models = model_order(reg, cyclic);
  std::vector<std::vector<std::size_t>> rows(reg.model_count());
  for (std::size_t m : models) rows[m] = row_order(reg, ds.table(m), m, cyclic);
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
    for (const auto* r : has_manys(reg)) {
      if (r->parent == m && r->parent_key != info.primary_key &&
          std::find(uniques.begin(), uniques.end(), r->parent_key) == uniques.end()) {
        uniques.push_back(r->parent_key);
        s += ",\n  UNIQUE (" + quote_ident(info.fields[r->parent_key].name) + ")";
      }
    }
    for (const auto* r : has_manys(reg)) {
      if (r->child != m) continue;
      const model_info& p = reg.model(r->parent);
      s += ",\n  FOREIGN KEY (" + quote_ident(info.fields[r->child_key].name) + ") REFERENCES " + quote_ident(p.name) +
           " (" + quote_ident(p.fields[r->parent_key].name) + ") ON DELETE " + sql_policy(r->policy);
    }
    s += "\n);\n";
  }
  for (std::size_t m : models) {
    const model_info& info = reg.model(m);
    for (const auto* r : has_manys(reg)) {
      if (r->child == m) {
        s += "CREATE INDEX " + quote_ident(info.name + "_" + info.fields[r->child_key].name) + " ON " +
             quote_ident(info.name) + " (" + quote_ident(info.fields[r->child_key].name) + ");\n";
      }
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
