// Snapshot operations without application types: verify, dump, import, diff
// and SQL export over a dataset.
#include "relstore/snapshot_tools.hpp"

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <charconv>
#include <cmath>
#include <cstring>
#include <map>
#include <ostream>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "relstore/detail/engine.hpp"
#include "relstore/filter.hpp"
#include "relstore/row.hpp"

namespace relstore {
namespace {

namespace json = boost::json;

// ---------------------------------------------------------------- cell access

struct cell_ref {
  const dataset* ds;
  std::size_t model;
  std::size_t row;
};

template <std::size_t I>
value_view get_cell(const void* p) {
  const auto* c = static_cast<const cell_ref*>(p);
  const dataset_model& m = c->ds->models[c->model];
  const field_info& f = m.info.fields[I];
  const column& col = m.columns[I];
  if (f.nullable && col.nulls[c->row]) return null;
  switch (f.type) {
    case field_type::boolean:
      return col.ints[c->row] != 0;
    case field_type::float64:
      return col.doubles[c->row];
    case field_type::string:
      return std::string_view(col.strings[c->row]);
    default:
      return col.ints[c->row];
  }
}

template <std::size_t... I>
constexpr std::array<value_view (*)(const void*), sizeof...(I)> make_getters(std::index_sequence<I...>) {
  return {&get_cell<I>...};
}
constexpr auto getters = make_getters(std::make_index_sequence<max_fields>{});

value_view cell(const dataset& ds, std::size_t model, std::size_t row, std::size_t field) {
  cell_ref ref{&ds, model, row};
  return getters[field](&ref);
}

std::string cell_text(const dataset& ds, std::size_t model, std::size_t row, std::size_t field) {
  return describe(cell(ds, model, row, field));
}

// A registry whose models read dataset rows through cell_ref pointers.
struct dataset_registry {
  registry reg;
  explicit dataset_registry(const dataset& ds) {
    for (const auto& m : ds.models) {
      model_info info = m.info;
      for (std::size_t i = 0; i < info.fields.size(); ++i) {
        info.fields[i].get = getters[i];
        info.fields[i].set = nullptr;
      }
      (void)reg.add_model(std::move(info));
    }
    for (const auto& r : ds.relations) {
      has_many_options o;
      o.key_to = ds.models[r.child].info.fields[r.child_key].name;
      o.key_from = ds.models[r.parent].info.fields[r.parent_key].name;
      o.inverse = r.inverse;
      o.policy = r.policy;
      (void)reg.add_has_many(r.name, ds.models[r.parent].info.name, ds.models[r.child].info.name, o);
    }
  }
};

// A set of key values of one column (int64 or string keys).
class key_set {
 public:
  bool insert(const value_view& v) {
    if (const auto* i = std::get_if<std::int64_t>(&v)) return ints_.insert(*i).second;
    if (const auto* s = std::get_if<std::string_view>(&v)) return strings_.insert(*s).second;
    return true;
  }
  bool contains(const value_view& v) const {
    if (const auto* i = std::get_if<std::int64_t>(&v)) return ints_.count(*i) > 0;
    if (const auto* s = std::get_if<std::string_view>(&v)) return strings_.count(*s) > 0;
    return false;
  }

 private:
  std::unordered_set<std::int64_t> ints_;
  std::unordered_set<std::string_view> strings_;
};

key_set column_keys(const dataset& ds, std::size_t model, std::size_t field, std::vector<violation>* dupes) {
  key_set keys;
  const dataset_model& m = ds.models[model];
  for (std::size_t row = 0; row < m.rows; ++row) {
    const value_view v = cell(ds, model, row, field);
    if (!keys.insert(v) && dupes != nullptr) {
      const std::string& name = m.info.fields[field].name;
      dupes->push_back({m.info.name, cell_text(ds, model, row, m.info.primary_key), name, describe(v),
                        m.info.name + " row " + std::to_string(row) + ": duplicate " +
                            (field == m.info.primary_key ? "primary key " : "unique key ") + m.info.name + "." + name +
                            " = " + describe(v)});
    }
  }
  return keys;
}

}  // namespace

// ---------------------------------------------------------------- verify

std::vector<violation> verify_dataset(const dataset& ds, const progress_fn& progress) {
  std::vector<violation> out;
  const std::size_t total = ds.total_rows() * 2;
  std::size_t done = 0;
  auto tick = [&](std::size_t n) {
    done += n;
    if (progress) progress(done, total);
  };
  for (std::size_t m = 0; m < ds.models.size(); ++m) {
    (void)column_keys(ds, m, ds.models[m].info.primary_key, &out);
    tick(ds.models[m].rows);
  }
  for (const auto& r : ds.relations) {
    const dataset_model& p = ds.models[r.parent];
    const dataset_model& c = ds.models[r.child];
    const bool unique_key = r.parent_key != p.info.primary_key;
    key_set parents = column_keys(ds, r.parent, r.parent_key, unique_key ? &out : nullptr);
    const field_info& fk = c.info.fields[r.child_key];
    for (std::size_t row = 0; row < c.rows; ++row) {
      const value_view v = cell(ds, r.child, row, r.child_key);
      if (std::holds_alternative<null_t>(v)) {
        if (!fk.nullable) {
          out.push_back({c.info.name, cell_text(ds, r.child, row, c.info.primary_key), fk.name, "null",
                         c.info.name + "." + fk.name + " is null but not optional"});
        }
        continue;
      }
      if (!parents.contains(v)) {
        const std::string key = cell_text(ds, r.child, row, c.info.primary_key);
        out.push_back({c.info.name, key, fk.name, describe(v),
                       c.info.name + " " + c.info.fields[c.info.primary_key].name + " " + key + ": " + fk.name + " = " +
                           describe(v) + " names no " + p.info.name + " with " + p.info.fields[r.parent_key].name +
                           " " + describe(v) + " (relation " + p.info.name + "." + r.name + ")"});
      }
    }
    tick(c.rows / std::max<std::size_t>(ds.relations.size(), 1));
  }
  if (progress) progress(total, total);
  return out;
}

// ---------------------------------------------------------------- dump

result<std::size_t> dump_dataset(const dataset& ds, std::string_view model, std::string_view filter_json,
                                 std::ostream& out) {
  dataset_registry dr(ds);
  std::vector<std::size_t> models;
  if (model.empty()) {
    for (std::size_t i = 0; i < ds.models.size(); ++i) models.push_back(i);
  } else {
    auto m = ds.find_model(model);
    if (!m) return make_error(errc::invalid_argument, "the snapshot has no model " + std::string(model));
    models.push_back(*m);
  }
  if (!filter_json.empty() && models.size() != 1) {
    return make_error(errc::invalid_argument, "a filter needs --model: fields differ between models");
  }
  std::size_t written = 0;
  std::string line;
  for (std::size_t m : models) {
    detail::filter_spec spec;
    if (!filter_json.empty()) {
      auto parsed = detail::parse_filter_json(dr.reg, m, filter_json);
      if (!parsed) return std::move(parsed).error();
      spec = std::move(*parsed);
      if (!spec.include.empty()) return make_error(errc::invalid_filter, "dump does not support include");
    }
    const model_info& info = dr.reg.model(m);
    std::vector<std::size_t> rows;
    for (std::size_t row = 0; row < ds.models[m].rows; ++row) {
      cell_ref ref{&ds, m, row};
      if (!spec.where || detail::evaluate(info, *spec.where, &ref)) rows.push_back(row);
    }
    const std::size_t pk = info.primary_key;
    std::stable_sort(rows.begin(), rows.end(), [&](std::size_t a, std::size_t b) {
      for (const auto& o : spec.order) {
        int c = detail::compare_for_order(cell(ds, m, a, o.field), cell(ds, m, b, o.field));
        if (c != 0) return o.descending ? c > 0 : c < 0;
      }
      return detail::compare_for_order(cell(ds, m, a, pk), cell(ds, m, b, pk)) < 0;
    });
    const auto skip = static_cast<std::size_t>(spec.skip);
    if (skip >= rows.size())
      rows.clear();
    else
      rows.erase(rows.begin(), rows.begin() + static_cast<std::ptrdiff_t>(skip));
    if (spec.limit && static_cast<std::size_t>(*spec.limit) < rows.size())
      rows.resize(static_cast<std::size_t>(*spec.limit));
    const std::uint64_t mask = spec.fields.value_or(~std::uint64_t{0});
    for (std::size_t row : rows) {
      cell_ref ref{&ds, m, row};
      line.clear();
      line += "{\"model\":";
      line += json::serialize(json::string(info.name));
      line += ",\"row\":";
      detail::write_json(info, &ref, mask, line);
      line += "}\n";
      out << line;
      ++written;
    }
  }
  if (!out) return make_error(errc::io_error, "cannot write the dump");
  return written;
}

// ---------------------------------------------------------------- import

namespace {

std::optional<field_type> type_named(std::string_view s) {
  for (auto t : {field_type::boolean, field_type::int32, field_type::int64, field_type::uint32, field_type::float64,
                 field_type::string}) {
    if (to_string(t) == s) return t;
  }
  return std::nullopt;
}

std::optional<on_delete> policy_named(std::string_view s) {
  for (auto p : {on_delete::restrict, on_delete::cascade, on_delete::set_null}) {
    if (to_string(p) == s) return p;
  }
  return std::nullopt;
}

error bad_import(std::string m) { return make_error(errc::invalid_argument, "import: " + std::move(m)); }

std::string str_or(const json::object& o, const char* key, std::string fallback = {}) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::move(fallback);
}

result<dataset> schema_from_json(std::string_view text) {
  std::error_code ec;
  json::value v = json::parse(json::string_view(text.data(), text.size()), ec);
  if (ec) return bad_import("the schema is not valid JSON: " + ec.message());
  if (!v.is_object() || !v.get_object().contains("models") || !v.at("models").is_array()) {
    return bad_import("the schema must be an object with a \"models\" array");
  }
  dataset ds;
  registry reg;
  for (const auto& mv : v.at("models").get_array()) {
    if (!mv.is_object()) return bad_import("each model must be an object");
    const auto& mo = mv.get_object();
    dataset_model dm;
    dm.info.name = str_or(mo, "name");
    if (dm.info.name.empty()) return bad_import("a model has no name");
    const auto* fv = mo.if_contains("fields");
    if (fv == nullptr || !fv->is_array()) return bad_import("model " + dm.info.name + " has no \"fields\" array");
    for (const auto& f : fv->get_array()) {
      if (!f.is_object()) return bad_import("model " + dm.info.name + ": each field must be an object");
      field_info fi;
      fi.name = str_or(f.get_object(), "name");
      auto t = type_named(str_or(f.get_object(), "type"));
      if (fi.name.empty() || !t) {
        return bad_import("model " + dm.info.name + ": field " + json::serialize(f) +
                          " needs a name and a type (bool, int32, int64, uint32, float64, string)");
      }
      fi.type = *t;
      const auto* opt = f.get_object().if_contains("optional");
      fi.nullable = opt != nullptr && opt->is_bool() && opt->get_bool();
      dm.info.fields.push_back(std::move(fi));
    }
    if (dm.info.fields.empty() || dm.info.fields.size() > max_fields) {
      return bad_import("model " + dm.info.name + " needs 1 to 64 fields");
    }
    const std::string pk = str_or(mo, "primaryKey", "id");
    auto pki = dm.info.find_field(pk);
    if (!pki) return bad_import("model " + dm.info.name + " has no primary key field " + pk);
    dm.info.primary_key = *pki;
    dm.columns.resize(dm.info.fields.size());
    if (auto r = reg.add_model(dm.info); !r) return bad_import(r.error().message);
    ds.models.push_back(std::move(dm));
  }
  if (const auto* rv = v.get_object().if_contains("relations")) {
    if (!rv->is_array()) return bad_import("\"relations\" must be an array");
    for (const auto& r : rv->get_array()) {
      if (!r.is_object()) return bad_import("each relation must be an object");
      const auto& ro = r.get_object();
      has_many_options o;
      o.key_to = str_or(ro, "keyTo");
      o.key_from = str_or(ro, "keyFrom");
      o.inverse = str_or(ro, "inverse");
      const std::string policy = str_or(ro, "onDelete", "restrict");
      auto p = policy_named(policy);
      if (!p) return bad_import("unknown onDelete \"" + policy + "\" (restrict, cascade or set_null)");
      o.policy = *p;
      auto added = reg.add_has_many(str_or(ro, "name"), str_or(ro, "source"), str_or(ro, "target"), o);
      if (!added) return make_error(errc::schema_error, "import: " + added.error().message);
      const relation_info& ri = reg.relations()[*added];
      ds.relations.push_back(
          {ri.name, reg.relations()[ri.inverse].name, ri.parent, ri.child, ri.parent_key, ri.child_key, ri.policy});
    }
  }
  return ds;
}

}  // namespace

result<dataset> import_json(std::string_view document, std::string_view schema) {
  auto built = schema_from_json(schema);
  if (!built) return built;
  dataset ds = std::move(*built);
  std::error_code ec;
  json::value doc = json::parse(json::string_view(document.data(), document.size()), ec);
  if (ec) return bad_import("the document is not valid JSON: " + ec.message());
  if (!doc.is_object()) return bad_import("the document must be an object of model name to array of rows");
  for (const auto& [name, rows] : doc.get_object()) {
    auto m = ds.find_model(std::string_view(name.data(), name.size()));
    if (!m) return bad_import("the schema has no model " + std::string(name));
    if (!rows.is_array()) return bad_import(std::string(name) + " must be an array of objects");
    const model_info& info = ds.models[*m].info;
    std::size_t index = 0;
    for (const auto& rowv : rows.get_array()) {
      const std::string where = info.name + "[" + std::to_string(index++) + "]";
      if (!rowv.is_object()) return bad_import(where + " is not an object");
      const std::size_t row = ds.add_row(*m);
      for (const auto& [k, val] : rowv.get_object()) {
        const std::string_view key(k.data(), k.size());
        auto f = info.find_field(key);
        if (!f) {
          for (const auto& r : ds.relations) {
            if ((r.parent == *m && r.name == key) || (r.child == *m && r.inverse == key)) {
              return bad_import("Navigational properties are not allowed in model data (model \"" + info.name +
                                "\" property \"" + std::string(key) + "\")");
            }
          }
          return bad_import(where + ": " + info.name + " has no field \"" + std::string(key) + "\"");
        }
        value cellv;
        switch (val.kind()) {
          case json::kind::null:
            cellv = null;
            break;
          case json::kind::bool_:
            cellv = val.get_bool();
            break;
          case json::kind::int64:
            cellv = val.get_int64();
            break;
          case json::kind::uint64:
            if (val.get_uint64() > static_cast<std::uint64_t>(INT64_MAX))
              return bad_import(where + "." + std::string(key) + ": integer too large");
            cellv = static_cast<std::int64_t>(val.get_uint64());
            break;
          case json::kind::double_:
            cellv = val.get_double();
            break;
          case json::kind::string:
            cellv = std::string(val.get_string());
            break;
          default:
            return bad_import(where + "." + std::string(key) + ": " + json::serialize(val) + " is not a scalar");
        }
        std::string why;
        if (!ds.set(*m, row, *f, cellv, &why)) return bad_import(where + "." + std::string(key) + ": " + why);
      }
    }
  }
  // Integer keys left at 0 are assigned, increasing past every key given.
  for (auto& dm : ds.models) {
    const std::size_t pk = dm.info.primary_key;
    if (dm.info.fields[pk].type != field_type::int64) continue;
    auto& ints = dm.columns[pk].ints;
    std::int64_t next = 1;
    for (auto k : ints) next = std::max(next, k + 1);
    for (auto& k : ints) {
      if (k == 0) k = next++;
    }
  }
  auto problems = verify_dataset(ds);
  if (!problems.empty()) {
    const bool dangling = problems.front().message.find("names no") != std::string::npos;
    std::string msg = "import refused, nothing written: " + problems.front().message;
    if (problems.size() > 1) msg += " (and " + std::to_string(problems.size() - 1) + " more)";
    return make_error(dangling ? errc::foreign_key_violation : errc::already_exists, msg);
  }
  return ds;
}

std::string schema_json(const dataset& ds) {
  json::object root;
  json::array models;
  for (const auto& m : ds.models) {
    json::object mo;
    mo["name"] = m.info.name;
    mo["primaryKey"] = m.info.fields[m.info.primary_key].name;
    json::array fields;
    for (const auto& f : m.info.fields) {
      json::object fo;
      fo["name"] = f.name;
      fo["type"] = std::string(to_string(f.type));
      if (f.nullable) fo["optional"] = true;
      fields.push_back(std::move(fo));
    }
    mo["fields"] = std::move(fields);
    models.push_back(std::move(mo));
  }
  json::array relations;
  for (const auto& r : ds.relations) {
    json::object ro;
    ro["name"] = r.name;
    ro["source"] = ds.models[r.parent].info.name;
    ro["target"] = ds.models[r.child].info.name;
    ro["keyFrom"] = ds.models[r.parent].info.fields[r.parent_key].name;
    ro["keyTo"] = ds.models[r.child].info.fields[r.child_key].name;
    ro["inverse"] = r.inverse;
    ro["onDelete"] = std::string(to_string(r.policy));
    relations.push_back(std::move(ro));
  }
  root["models"] = std::move(models);
  root["relations"] = std::move(relations);
  return json::serialize(root);
}

// ---------------------------------------------------------------- diff

std::vector<model_diff> diff_datasets(const dataset& a, const dataset& b) {
  std::vector<model_diff> out;
  std::vector<std::string> names;
  for (const auto& m : a.models) names.push_back(m.info.name);
  for (const auto& m : b.models) {
    if (!a.find_model(m.info.name)) names.push_back(m.info.name);
  }
  for (const auto& name : names) {
    model_diff d;
    d.model = name;
    auto ma = a.find_model(name);
    auto mb = b.find_model(name);
    if (!ma || !mb) {
      (ma ? d.removed : d.added) = ma ? a.models[*ma].rows : b.models[*mb].rows;
      out.push_back(d);
      continue;
    }
    const dataset_model& A = a.models[*ma];
    const dataset_model& B = b.models[*mb];
    std::unordered_map<std::string, std::size_t> in_b;
    for (std::size_t r = 0; r < B.rows; ++r) in_b.emplace(cell_text(b, *mb, r, B.info.primary_key), r);
    // Fields compared: those both sides have, by name.
    std::vector<std::pair<std::size_t, std::size_t>> common;
    for (std::size_t f = 0; f < A.info.fields.size(); ++f) {
      if (auto g = B.info.find_field(A.info.fields[f].name)) common.emplace_back(f, *g);
    }
    std::size_t matched = 0;
    for (std::size_t r = 0; r < A.rows; ++r) {
      auto it = in_b.find(cell_text(a, *ma, r, A.info.primary_key));
      if (it == in_b.end()) {
        ++d.removed;
        continue;
      }
      ++matched;
      for (auto [fa, fb] : common) {
        if (!detail::same_value(cell(a, *ma, r, fa), cell(b, *mb, it->second, fb))) {
          ++d.changed;
          break;
        }
      }
    }
    d.added = B.rows - matched;
    out.push_back(d);
  }
  return out;
}

// ---------------------------------------------------------------- SQL

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
std::vector<std::size_t> model_order(const dataset& ds, bool& cyclic) {
  const std::size_t n = ds.models.size();
  std::vector<std::size_t> indegree(n, 0), order;
  for (const auto& r : ds.relations) {
    if (r.parent != r.child) ++indegree[r.child];
  }
  std::vector<bool> done(n, false);
  for (bool progress = true; progress;) {
    progress = false;
    for (std::size_t m = 0; m < n; ++m) {
      if (done[m] || indegree[m] != 0) continue;
      done[m] = true;
      progress = true;
      order.push_back(m);
      for (const auto& r : ds.relations) {
        if (r.parent == m && r.child != m) --indegree[r.child];
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
std::vector<std::size_t> row_order(const dataset& ds, std::size_t model, bool& cyclic) {
  const dataset_model& m = ds.models[model];
  std::vector<const dataset::relation*> selfs;
  for (const auto& r : ds.relations) {
    if (r.parent == model && r.child == model) selfs.push_back(&r);
  }
  std::vector<std::size_t> order;
  order.reserve(m.rows);
  if (selfs.empty()) {
    for (std::size_t r = 0; r < m.rows; ++r) order.push_back(r);
    return order;
  }
  if (selfs.size() > 1) cyclic = true;  // several self-relations: deferred keys, rows in stored order
  const dataset::relation& self = *selfs.front();
  std::unordered_map<std::string, std::size_t> by_key;
  for (std::size_t r = 0; r < m.rows; ++r) by_key.emplace(cell_text(ds, model, r, self.parent_key), r);
  std::vector<std::uint8_t> state(m.rows, 0);  // 0 new, 1 on the path, 2 emitted
  std::vector<std::size_t> path;
  for (std::size_t start = 0; start < m.rows; ++start) {
    std::size_t r = start;
    while (state[r] == 0) {
      state[r] = 1;
      path.push_back(r);
      const value_view fk = cell(ds, model, r, self.child_key);
      if (std::holds_alternative<null_t>(fk)) break;
      auto it = by_key.find(describe(fk));
      if (it == by_key.end() || it->second == r) break;
      if (state[it->second] == 1) {
        cyclic = true;  // a cycle of rows: only deferred keys can load it
        break;
      }
      r = it->second;
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

result<void> export_sql(const dataset& ds, std::ostream& out, const progress_fn& progress) {
  bool cyclic = false;
  const std::vector<std::size_t> models = model_order(ds, cyclic);
  std::vector<std::vector<std::size_t>> rows(ds.models.size());
  for (std::size_t m : models) rows[m] = row_order(ds, m, cyclic);
  std::string s;
  s += "-- relstore snapshot export\nPRAGMA foreign_keys=ON;\nBEGIN TRANSACTION;\n";
  if (cyclic) s += "PRAGMA defer_foreign_keys=ON;  -- the keys form a cycle: checked at COMMIT\n";
  for (std::size_t m : models) {
    const model_info& info = ds.models[m].info;
    s += "CREATE TABLE " + quote_ident(info.name) + " (\n";
    for (const auto& f : info.fields) {
      s += "  " + quote_ident(f.name) + " " + sql_type(f.type) + (f.nullable ? "" : " NOT NULL") + ",\n";
    }
    s += "  PRIMARY KEY (" + quote_ident(info.fields[info.primary_key].name) + ")";
    std::vector<std::size_t> uniques;
    for (const auto& r : ds.relations) {
      if (r.parent == m && r.parent_key != info.primary_key &&
          std::find(uniques.begin(), uniques.end(), r.parent_key) == uniques.end()) {
        uniques.push_back(r.parent_key);
        s += ",\n  UNIQUE (" + quote_ident(info.fields[r.parent_key].name) + ")";
      }
    }
    for (const auto& r : ds.relations) {
      if (r.child != m) continue;
      const model_info& p = ds.models[r.parent].info;
      s += ",\n  FOREIGN KEY (" + quote_ident(info.fields[r.child_key].name) + ") REFERENCES " + quote_ident(p.name) +
           " (" + quote_ident(p.fields[r.parent_key].name) + ") ON DELETE " + sql_policy(r.policy);
    }
    s += "\n);\n";
  }
  for (std::size_t m : models) {
    const model_info& info = ds.models[m].info;
    for (const auto& r : ds.relations) {
      if (r.child == m) {
        s += "CREATE INDEX " + quote_ident(info.name + "_" + info.fields[r.child_key].name) + " ON " +
             quote_ident(info.name) + " (" + quote_ident(info.fields[r.child_key].name) + ");\n";
      }
    }
  }
  out << s;
  const std::size_t total = ds.total_rows();
  std::size_t done = 0;
  for (std::size_t m : models) {
    const model_info& info = ds.models[m].info;
    std::string head = "INSERT INTO " + quote_ident(info.name) + " (";
    for (std::size_t f = 0; f < info.fields.size(); ++f) head += (f ? ", " : "") + quote_ident(info.fields[f].name);
    head += ") VALUES (";
    for (std::size_t r : rows[m]) {
      s = head;
      for (std::size_t f = 0; f < info.fields.size(); ++f) {
        if (f) s += ", ";
        sql_value(cell(ds, m, r, f), s);
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
