// Datasets from JSON, and their schema as JSON.
#include "relstore/import.hpp"

#include <algorithm>
#include <bit>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "relstore/detail/codec.hpp"
#include "relstore/detail/csv.hpp"
#include "relstore/detail/errors.hpp"
#include "relstore/detail/json_value.hpp"
#include "relstore/detail/value_ops.hpp"
#include "relstore/detail/verify.hpp"

namespace relstore {
namespace {

namespace json = boost::json;

std::optional<field_type> type_named(std::string_view s) {
  for (int t = 0; t <= static_cast<int>(field_type::array); ++t) {
    if (to_string(static_cast<field_type>(t)) == s) return static_cast<field_type>(t);
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

// A field's "enum": {"name":"kind","values":{"sword":0,"shield":1}}, over
// integer type `type`.
result<std::shared_ptr<const enum_info>> enum_from_json(const json::value& v, const std::string& field,
                                                        field_type type) {
  const auto* o = v.if_object();
  const auto* values = o != nullptr ? o->if_contains("values") : nullptr;
  if (!detail::integer_range_of(type) || values == nullptr || !values->is_object()) {
    return bad_import("field " + field + ": \"enum\" needs an integer type and {\"name\":...,\"values\":{...}}");
  }
  auto e = std::make_shared<enum_info>();
  e->name = str_or(*o, "name", "enum");
  const auto r = *detail::integer_range_of(type);
  for (const auto& [name, n] : values->get_object()) {
    const bool fits = (n.is_int64() && r.contains(n.get_int64())) || (n.is_uint64() && r.contains(n.get_uint64()));
    const std::int64_t bits =
        n.is_int64() ? n.get_int64() : static_cast<std::int64_t>(n.is_uint64() ? n.get_uint64() : 0);
    if (!fits || name.empty()) {
      return bad_import("field " + field + ": enumerator " + detail::json_text(json::string(name)) + " = " +
                        detail::json_text(n) + " is not a value of " + std::string(to_string(type)));
    }
    e->enumerators.push_back({std::string(name), bits});
  }
  return std::shared_ptr<const enum_info>(std::move(e));
}

// `text` past a leading UTF-8 byte order mark (a spreadsheet's CSV, or a
// file saved by some editors, has one): it is not text. A second one is.
std::string_view past_bom(std::string_view text) { return text.starts_with("\xEF\xBB\xBF") ? text.substr(3) : text; }

result<detail::column_store> schema_from_json(std::string_view text) {
  text = past_bom(text);
  auto parsed = detail::parse_json(text, errc::invalid_argument, [] { return std::string("import: the schema"); });
  if (!parsed) return std::move(parsed).error();
  const json::value& v = *parsed;
  if (!v.is_object() || !v.get_object().contains("models") || !v.at("models").is_array()) {
    return bad_import("the schema must be an object with a \"models\" array");
  }
  detail::column_store ds;
  const auto& models = v.at("models").get_array();
  if (models.size() > detail::max_snapshot_models) {
    return bad_import("the schema has " + std::to_string(models.size()) + " models (at most " +
                      std::to_string(detail::max_snapshot_models) + ")");
  }
  for (const auto& mv : models) {
    if (!mv.is_object()) return bad_import("each model must be an object");
    const auto& mo = mv.get_object();
    model_info info;
    info.name = str_or(mo, "name");
    const auto* fv = mo.if_contains("fields");
    if (fv == nullptr || !fv->is_array()) return bad_import("model " + info.name + " has no \"fields\" array");
    for (const auto& f : fv->get_array()) {
      if (!f.is_object()) return bad_import("model " + info.name + ": each field must be an object");
      field_info fi;
      fi.name = str_or(f.get_object(), "name");
      auto t = type_named(str_or(f.get_object(), "type"));
      if (!t) {
        return bad_import("model " + info.name + ": field " + detail::json_text(f) +
                          " needs a type (bool, int8, int16, int32, int64, uint8, uint16, uint32, uint64, float32, "
                          "float64, string, array)");
      }
      fi.type = *t;
      if (fi.type == field_type::array) {  // "element": a number type, "length": 1 to 64
        auto e = type_named(str_or(f.get_object(), "element"));
        const auto* n = f.get_object().if_contains("length");
        const bool number = e && detail::is_number_type(*e);
        if (!number || n == nullptr || !n->is_int64() || n->get_int64() < 1 ||
            n->get_int64() > static_cast<std::int64_t>(max_extent)) {
          return bad_import("model " + info.name + ": array field " + detail::json_text(f) +
                            " needs an \"element\" number type and a \"length\" from 1 to 64");
        }
        fi.element = *e;
        fi.extent = static_cast<std::uint32_t>(n->get_int64());
      }
      const auto* opt = f.get_object().if_contains("optional");
      fi.nullable = opt != nullptr && opt->is_bool() && opt->get_bool();
      if (const auto* ev = f.get_object().if_contains("enum")) {
        auto e = enum_from_json(*ev, info.name + "." + fi.name, fi.type);
        if (!e) return std::move(e).error();
        fi.enumeration = std::move(*e);
      }
      info.fields.push_back(std::move(fi));
    }
    const std::string pk = str_or(mo, "primaryKey", "id");
    auto pki = info.find_field(pk);
    if (!pki) return bad_import("model " + info.name + " has no primary key field " + pk);
    info.primary_key = *pki;
    if (auto r = ds.add_model(std::move(info)); !r)
      return make_error(errc::schema_error, "import: " + r.error().message());
  }
  if (const auto* rv = v.get_object().if_contains("relations")) {
    if (!rv->is_array()) return bad_import("\"relations\" must be an array");
    if (rv->get_array().size() > detail::max_snapshot_relations) {
      return bad_import("the schema has too many relations (at most " + std::to_string(detail::max_snapshot_relations) +
                        ")");
    }
    // Foreign key relations first: a has_many_through needs them declared.
    for (const auto& r : rv->get_array()) {
      if (!r.is_object()) return bad_import("each relation must be an object");
      const auto& ro = r.get_object();
      if (str_or(ro, "kind", "hasMany") == "hasManyThrough") continue;
      has_many_options o;
      o.key_to = str_or(ro, "keyTo");
      o.key_from = str_or(ro, "keyFrom");
      o.inverse = str_or(ro, "inverse");
      const std::string policy = str_or(ro, "onDelete", "restrict");
      auto p = policy_named(policy);
      if (!p) return bad_import("unknown onDelete \"" + policy + "\" (restrict, cascade or set_null)");
      o.policy = *p;
      const std::string kind = str_or(ro, "kind", "hasMany");
      if (kind != "hasMany" && kind != "hasOne") {
        return bad_import("unknown relation kind \"" + kind + "\" (hasMany, hasOne or hasManyThrough)");
      }
      auto added = ds.add_relation(kind == "hasOne" ? relation_kind::has_one : relation_kind::has_many,
                                   str_or(ro, "name"), str_or(ro, "source"), str_or(ro, "target"), o);
      if (!added) return make_error(errc::schema_error, "import: " + added.error().message());
    }
    for (const auto& r : rv->get_array()) {
      const auto& ro = r.get_object();
      if (str_or(ro, "kind", "hasMany") != "hasManyThrough") continue;
      has_many_through_options o;
      o.key_from = str_or(ro, "keyFrom");
      o.key_to = str_or(ro, "keyTo");
      if (const auto* rep = ro.if_contains("repeatedLinks")) {
        if (!rep->is_bool()) return bad_import("\"repeatedLinks\" must be true or false");
        o.repeated_links = rep->get_bool();
      }
      auto added = ds.add_has_many_through(str_or(ro, "name"), str_or(ro, "source"), str_or(ro, "target"),
                                           str_or(ro, "through"), o);
      if (!added) return make_error(errc::schema_error, "import: " + added.error().message());
    }
  }
  return ds;
}

// Adds rows to `ds` from the inputs of an import, checking each cell as it
// is stored.
class row_reader {
 public:
  explicit row_reader(detail::column_store& ds) : ds_(ds), reg_(ds.schema()) {
    for (std::size_t m = 0; m < reg_.model_count(); ++m) {
      std::uint64_t fields = 0;
      const auto& all = reg_.model(m).fields;
      for (std::size_t f = 0; f < all.size(); ++f) {
        if (all[f].enumeration && !all[f].nullable) fields |= std::uint64_t{1} << f;
      }
      required_enums_.push_back(fields);
    }
    origins_.resize(reg_.model_count());
  }

  result<void> read(const import_source& s, const std::function<void(std::size_t)>& advanced) {
    const bool csv = s.format == import_source::kind::csv;
    names_.push_back(s.name);
    labels_.push_back(!s.name.empty() ? s.name : csv ? "the CSV input" : "the document");
    const std::string_view text = past_bom(s.text);
    if (text.size() == s.text.size()) return read_text(s, advanced);
    import_source rest = s;
    rest.text = text;
    advanced(3);
    return read_text(rest, advanced);
  }

  // Where the rows of model `model` whose primary key describe()s as `key`
  // came from, as the reader's messages name a row ("o.csv:12",
  // "orders.json: Order[3]"), two at most, joined by " and "; empty if no
  // row has it. Costs a pass over the model's rows.
  std::string rows_keyed(std::string_view model, std::string_view key) const {
    const auto m = reg_.find_model(model);
    if (!m) return {};
    const detail::column_table& t = ds_.table(*m);
    const field_info& pk = t.info().fields[t.info().primary_key];
    std::string out;
    std::size_t found = 0;
    for (std::size_t r = 0; r < t.rows() && r < origins_[*m].size(); ++r) {
      if (describe(pk.get(t.entity(r))) != key) continue;
      if (++found > 2) {
        out += " and more";
        break;
      }
      if (found > 1) out += " and ";
      const origin& o = origins_[*m][r];
      out += o.line ? labels_[o.source] + ":" + std::to_string(o.at)
                    : (names_[o.source].empty() ? "" : names_[o.source] + ": ") + t.info().name + "[" +
                          std::to_string(o.at) + "]";
    }
    return out;
  }

 private:
  // Where a row came from: line `at` of a source (CSV, JSON Lines), or
  // element `at` of its model's array in a JSON document.
  struct origin {
    std::uint32_t source = 0;  // index into names_ and labels_
    bool line = false;
    std::uint64_t at = 0;
  };

  // Records where the row just added to model m came from.
  void came_from(std::size_t m, bool line, std::uint64_t at) {
    origins_[m].push_back({static_cast<std::uint32_t>(names_.size() - 1), line, at});
  }

  result<void> read_text(const import_source& s, const std::function<void(std::size_t)>& advanced) {
    return s.format == import_source::kind::csv ? read_csv(s, advanced) : read_json(s, advanced);
  }

  result<std::size_t> model_named(std::string_view name, const std::string& where) const {
    auto m = reg_.find_model(name);
    if (!m) return bad_import(where + "the schema has no model " + describe(value_view(name)));
    return *m;
  }

  // The field of model `m` named `key`, or an error naming the model (and
  // saying so when `key` is a relation: LoopBack's message).
  result<std::size_t> field_named(std::size_t m, std::string_view key, const std::string& where) const {
    const model_info& info = reg_.model(m);
    if (auto f = info.find_field(key)) return *f;
    if (reg_.find_relation(m, key) != nullptr) {
      return bad_import(where + "Navigational properties are not allowed in model data (model \"" + info.name +
                        "\" property \"" + std::string(key) + "\")");
    }
    // Quoted and escaped: the name comes from a file (a BOM shows as \ufeff).
    return bad_import(where + info.name + " has no field " + describe(value_view(key)));
  }

  result<void> add_object(std::size_t m, const json::value& rowv, const std::string& where, bool line,
                          std::uint64_t at) {
    if (!rowv.is_object()) return bad_import(where + " is not an object");
    detail::column_table& t = ds_.table(m);
    const std::size_t row = t.add_row();
    came_from(m, line, at);
    std::uint64_t given = 0;
    for (const auto& [k, val] : rowv.get_object()) {
      const std::string_view key(k.data(), k.size());
      auto f = field_named(m, key, where + ": ");
      if (!f) return std::move(f).error();
      given |= std::uint64_t{1} << *f;
      std::string why;
      auto cell = detail::json_scalar(val, &why);
      if (!cell) return bad_import(where + "." + std::string(key) + ": " + detail::json_text(val) + " " + why);
      if (!t.set(row, *f, *cell, &why)) return bad_import(where + "." + std::string(key) + ": " + why);
    }
    return check_defaults(m, row, given, where);
  }

  // The fields of `row` not `given` keep their defaults (null, 0, ""). An
  // enum field that is not optional may not: unless 0 is one of its
  // enumerators, 0 is the value of none, and a load would refuse the file.
  result<void> check_defaults(std::size_t m, std::size_t row, std::uint64_t given, const std::string& where) {
    detail::column_table& t = ds_.table(m);
    const model_info& info = t.info();
    for (std::uint64_t left = required_enums_[m] & ~given; left != 0; left &= left - 1) {
      const auto f = static_cast<std::size_t>(std::countr_zero(left));
      const field_info& fi = info.fields[f];
      std::string why;
      if (!t.set(row, f, value(std::int64_t{0}), &why)) {
        return bad_import(where + ": " + info.name + "." + fi.name + " is not given, and its default " + why);
      }
    }
    return {};
  }

  // A document {"Model":[rows]}.
  result<void> read_document(const json::value& doc, const std::string& prefix) {
    if (!doc.is_object()) return bad_import(prefix + "the document must be an object of model name to array of rows");
    for (const auto& [name, rows] : doc.get_object()) {
      auto m = model_named(std::string_view(name.data(), name.size()), prefix);
      if (!m) return std::move(m).error();
      if (!rows.is_array()) return bad_import(prefix + std::string(name) + " must be an array of objects");
      std::size_t index = 0;
      for (const auto& rowv : rows.get_array()) {
        const std::string where = prefix + reg_.model(*m).name + "[" + std::to_string(index) + "]";
        if (auto r = add_object(*m, rowv, where, false, index++); !r) return r;
      }
    }
    return {};
  }

  // One line of JSON Lines as dump writes it, or nullopt when `v` is not one.
  static std::optional<std::pair<std::string_view, const json::value*>> dump_line(const json::value& v) {
    const auto* o = v.if_object();
    if (o == nullptr || o->size() != 2) return std::nullopt;
    const auto* model = o->if_contains("model");
    const auto* row = o->if_contains("row");
    if (model == nullptr || row == nullptr || !model->is_string() || !row->is_object()) return std::nullopt;
    return std::pair{std::string_view(model->get_string()), row};
  }

  result<void> read_json(const import_source& s, const std::function<void(std::size_t)>& advanced) {
    const std::string_view text = s.text;
    const std::string label = s.name.empty() ? std::string("the document") : s.name;
    constexpr std::string_view blanks = " \t\r\n";
    const std::size_t lead = text.find_first_not_of(blanks);
    if (lead == std::string_view::npos) {  // no row: what dump writes for no row
      advanced(text.size());
      return {};
    }
    // The first line that is not blank tells JSON Lines from a document.
    const std::size_t before = text.rfind('\n', lead);
    const std::size_t first_begin = before == std::string_view::npos ? 0 : before + 1;
    const std::size_t first_end = std::min(text.find('\n', lead), text.size());
    auto what = [&] { return "import: " + label; };
    auto first = detail::parse_json(text.substr(first_begin, first_end - first_begin), errc::invalid_argument, what);
    if (!first || !dump_line(*first)) {
      // A document on one line was parsed whole already.
      const bool whole = first_begin == 0 && first_end == text.size();
      auto doc = whole ? std::move(first) : detail::parse_json(text, errc::invalid_argument, what);
      if (!doc) return std::move(doc).error();
      advanced(text.size());
      return read_document(*doc, s.name.empty() ? std::string() : s.name + ": ");
    }
    std::size_t line = 0;
    for (std::size_t pos = 0; pos < text.size();) {
      const std::size_t end = std::min(text.find('\n', pos), text.size());
      const std::string_view l = text.substr(pos, end - pos);
      ++line;
      const std::string where = label + ":" + std::to_string(line);
      advanced(end + 1 - pos);
      pos = end + 1;
      if (l.find_first_not_of(" \t\r") == std::string_view::npos) continue;
      auto v = detail::parse_json(l, errc::invalid_argument, [&] { return "import: " + where; });
      if (!v) return std::move(v).error();
      auto entry = dump_line(*v);
      if (!entry) return bad_import(where + ": expected {\"model\":...,\"row\":{...}} as dump writes");
      auto m = model_named(entry->first, where + ": ");
      if (!m) return std::move(m).error();
      if (auto r = add_object(*m, *entry->second, where + ": " + reg_.model(*m).name, true, line); !r) return r;
    }
    return {};
  }

  result<void> read_csv(const import_source& s, const std::function<void(std::size_t)>& advanced) {
    const std::string label = s.name.empty() ? std::string("the CSV input") : s.name;
    auto m = model_named(s.model, label + ": ");
    if (!m) return std::move(m).error();
    detail::column_table& t = ds_.table(*m);
    const model_info& info = t.info();
    detail::csv_reader in(s.text);
    std::vector<detail::csv_field> cells;
    std::vector<std::size_t> columns;
    std::size_t done = 0;
    auto bad_csv = [&] { return bad_import(label + ": " + in.error()); };
    if (!in.next(cells)) {
      return in.error().empty() ? bad_import(label + ": empty; a CSV input needs a header of field names") : bad_csv();
    }
    for (const auto& c : cells) {
      auto f = field_named(*m, c.text, label + ": header: ");
      if (!f) return std::move(f).error();
      if (std::find(columns.begin(), columns.end(), *f) != columns.end()) {
        return bad_import(label + ": header: " + info.name + "." + info.fields[*f].name + " appears twice");
      }
      columns.push_back(*f);
    }
    std::uint64_t given = 0;
    for (const std::size_t c : columns) given |= std::uint64_t{1} << c;
    while (in.next(cells)) {
      const std::string where = label + ":" + std::to_string(in.line());
      // A blank line is no row, however many columns (an empty string is "").
      if (cells.size() == 1 && cells[0].text.empty() && !cells[0].quoted) continue;
      if (cells.size() != columns.size()) {
        return bad_import(where + ": " + std::to_string(cells.size()) + " fields, the header has " +
                          std::to_string(columns.size()));
      }
      const std::size_t row = t.add_row();
      came_from(*m, true, in.line());
      for (std::size_t i = 0; i < columns.size(); ++i) {
        const field_info& fi = info.fields[columns[i]];
        std::string why;
        // An enum field takes an enumerator's name or its value, as JSON does.
        // (A quoted cell is a name: dump quotes names, and "10" may be one.)
        const bool by_name = fi.enumeration && (cells[i].quoted || !whole_number(cells[i].text));
        auto cell = detail::csv_cell(cells[i], by_name ? field_type::string : fi.type, fi.nullable, &why, fi.element);
        if (!cell) {
          return bad_import(where + ": " + info.name + "." + fi.name + ": " + describe(value_view(cells[i].text)) +
                            " " + why);
        }
        if (!t.set(row, columns[i], *cell, &why))
          return bad_import(where + ": " + info.name + "." + fi.name + ": " + why);
      }
      if (auto r = check_defaults(*m, row, given, where); !r) return r;
      advanced(in.offset() - done);
      done = in.offset();
    }
    if (!in.error().empty()) return bad_csv();
    advanced(s.text.size() - done);
    return {};
  }

  // Digits, after an optional minus: the field's integer type reads it.
  static bool whole_number(std::string_view text) {
    if (text.starts_with('-')) text.remove_prefix(1);
    return !text.empty() && text.find_first_not_of("0123456789") == std::string_view::npos;
  }

  detail::column_store& ds_;
  const registry& reg_;
  std::vector<std::uint64_t> required_enums_;  // per model: its enum fields that are not optional
  std::vector<std::string> names_;             // per source read: its name
  std::vector<std::string> labels_;            // per source read: its name in messages
  std::vector<std::vector<origin>> origins_;   // per model, per row
};

}  // namespace

result<dataset> import_json(std::string_view document, std::string_view schema) {
  import_source s;
  s.text = document;
  return import_data(schema, {s});
}

result<dataset> import_data(std::string_view schema, const std::vector<import_source>& sources,
                            const progress_fn& progress) {
  auto built = schema_from_json(schema);
  if (!built) return std::move(built).error();
  detail::column_store ds = std::move(*built);
  const registry& reg = ds.schema();
  std::size_t total = 0;
  std::size_t done = 0;
  for (const auto& s : sources) total += s.text.size();
  const std::function<void(std::size_t)> advanced = [&](std::size_t bytes) {
    done += bytes;
    if (progress) progress(std::min(done, total), total);
  };
  row_reader reader(ds);
  for (const auto& s : sources) {
    if (auto r = reader.read(s, advanced); !r) return std::move(r).error();
  }
  // Integer keys left at 0 are assigned, increasing past every key given.
  for (std::size_t m = 0; m < ds.model_count(); ++m) {
    detail::column_table& t = ds.table(m);
    const std::size_t pk = t.info().primary_key;
    if (t.info().fields[pk].type != field_type::int64) continue;
    auto& ints = t.at(pk).ints;
    for (auto k : ints) t.keys().observe(k);
    for (auto& k : ints) {
      if (k != 0) continue;
      if (!t.keys().peek()) return detail::keys_exhausted(t.info());
      k = t.keys().take();
    }
  }
  std::vector<violation> problems;
  detail::verify(reg, ds.bases().data(), [&](const violation& v) {
    problems.push_back(v);
    return true;
  });
  if (!problems.empty()) {
    const violation& first = problems.front();
    std::string msg = "import refused, nothing written: ";
    if (const std::string at = reader.rows_keyed(first.model, first.key); !at.empty()) msg += at + ": ";
    msg += first.message;
    if (problems.size() > 1) msg += " (and " + std::to_string(problems.size() - 1) + " more)";
    return make_error(first.code, msg);
  }
  return detail::dataset_access::make(std::move(ds));
}

std::string schema_json(const dataset& data) {
  const registry& reg = data.schema();
  json::object root;
  json::array models;
  for (std::size_t m = 0; m < reg.model_count(); ++m) {
    const model_info& info = reg.model(m);
    json::object mo;
    mo["name"] = info.name;
    mo["primaryKey"] = info.fields[info.primary_key].name;
    json::array fields;
    for (const auto& f : info.fields) {
      json::object fo;
      fo["name"] = f.name;
      fo["type"] = std::string(to_string(f.type));
      if (f.nullable) fo["optional"] = true;
      if (f.type == field_type::array) {
        fo["element"] = std::string(to_string(f.element));
        fo["length"] = f.extent;
      }
      if (f.enumeration) {
        json::object values;
        for (const auto& e : f.enumeration->enumerators) {
          values[e.name] =
              f.type == field_type::uint64 ? json::value(static_cast<std::uint64_t>(e.value)) : json::value(e.value);
        }
        fo["enum"] = json::object{{"name", f.enumeration->name}, {"values", std::move(values)}};
      }
      fields.push_back(std::move(fo));
    }
    mo["fields"] = std::move(fields);
    models.push_back(std::move(mo));
  }
  json::array relations;
  for (std::size_t i = 0; i < reg.relations().size(); ++i) {
    const relation_info& r = reg.relations()[i];
    if (r.kind == relation_kind::has_many_through) {
      const has_many_through_options o = reg.through_declaration(i);
      json::object ro;
      ro["name"] = r.name;
      ro["kind"] = "hasManyThrough";
      ro["source"] = reg.model(r.parent).name;
      ro["target"] = reg.model(r.child).name;
      ro["through"] = reg.model(r.through).name;
      ro["keyFrom"] = o.key_from;
      ro["keyTo"] = o.key_to;
      if (o.repeated_links) ro["repeatedLinks"] = true;
      relations.push_back(std::move(ro));
      continue;
    }
    if (!is_parent_side(r.kind)) continue;
    const has_many_options o = reg.declaration(i);
    json::object ro;
    ro["name"] = r.name;
    if (r.kind == relation_kind::has_one) ro["kind"] = "hasOne";
    ro["source"] = reg.model(r.parent).name;
    ro["target"] = reg.model(r.child).name;
    ro["keyFrom"] = o.key_from;
    ro["keyTo"] = o.key_to;
    ro["inverse"] = o.inverse;
    ro["onDelete"] = std::string(to_string(r.policy));
    relations.push_back(std::move(ro));
  }
  root["models"] = std::move(models);
  root["relations"] = std::move(relations);
  return json::serialize(root);
}

}  // namespace relstore
