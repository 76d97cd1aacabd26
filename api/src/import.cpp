// Datasets from JSON, and their schema as JSON.
#include "relstore/import.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <vector>

#include "relstore/detail/codec.hpp"
#include "relstore/detail/errors.hpp"
#include "relstore/detail/json_value.hpp"
#include "relstore/detail/verify.hpp"

namespace relstore {
namespace {

namespace json = boost::json;

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

result<detail::column_store> schema_from_json(std::string_view text) {
  auto parsed = detail::parse_json(text, errc::invalid_argument, "import: the schema");
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
                          " needs a type (bool, int32, int64, uint32, float64, string)");
      }
      fi.type = *t;
      const auto* opt = f.get_object().if_contains("optional");
      fi.nullable = opt != nullptr && opt->is_bool() && opt->get_bool();
      info.fields.push_back(std::move(fi));
    }
    const std::string pk = str_or(mo, "primaryKey", "id");
    auto pki = info.find_field(pk);
    if (!pki) return bad_import("model " + info.name + " has no primary key field " + pk);
    info.primary_key = *pki;
    if (auto r = ds.add_model(std::move(info)); !r)
      return make_error(errc::schema_error, "import: " + r.error().message);
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
      if (!added) return make_error(errc::schema_error, "import: " + added.error().message);
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
      if (!added) return make_error(errc::schema_error, "import: " + added.error().message);
    }
  }
  return ds;
}

}  // namespace

result<dataset> import_json(std::string_view document, std::string_view schema) {
  auto built = schema_from_json(schema);
  if (!built) return std::move(built).error();
  detail::column_store ds = std::move(*built);
  const registry& reg = ds.schema();
  auto parsed = detail::parse_json(document, errc::invalid_argument, "import: the document");
  if (!parsed) return std::move(parsed).error();
  const json::value& doc = *parsed;
  if (!doc.is_object()) return bad_import("the document must be an object of model name to array of rows");
  for (const auto& [name, rows] : doc.get_object()) {
    auto m = reg.find_model(std::string_view(name.data(), name.size()));
    if (!m) return bad_import("the schema has no model " + std::string(name));
    if (!rows.is_array()) return bad_import(std::string(name) + " must be an array of objects");
    detail::column_table& t = ds.table(*m);
    const model_info& info = t.info();
    std::size_t index = 0;
    for (const auto& rowv : rows.get_array()) {
      const std::string where = info.name + "[" + std::to_string(index++) + "]";
      if (!rowv.is_object()) return bad_import(where + " is not an object");
      const std::size_t row = t.add_row();
      for (const auto& [k, val] : rowv.get_object()) {
        const std::string_view key(k.data(), k.size());
        auto f = info.find_field(key);
        if (!f) {
          if (reg.find_relation(*m, key) != nullptr) {
            return bad_import("Navigational properties are not allowed in model data (model \"" + info.name +
                              "\" property \"" + std::string(key) + "\")");
          }
          return bad_import(where + ": " + info.name + " has no field \"" + std::string(key) + "\"");
        }
        std::string why;
        auto cell = detail::json_scalar(val, &why);
        if (!cell) return bad_import(where + "." + std::string(key) + ": " + detail::json_text(val) + " " + why);
        if (!t.set(row, *f, *cell, &why)) return bad_import(where + "." + std::string(key) + ": " + why);
      }
    }
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
    std::string msg = "import refused, nothing written: " + problems.front().message;
    if (problems.size() > 1) msg += " (and " + std::to_string(problems.size() - 1) + " more)";
    return make_error(problems.front().code, msg);
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
