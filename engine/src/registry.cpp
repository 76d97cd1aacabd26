// The run-time registry and LoopBack's key inference for dynamic schemas.
#include "relstore/registry.hpp"

#include "relstore/detail/meta.hpp"
#include "relstore/detail/text_escape.hpp"
#include "relstore/detail/value_ops.hpp"

#include <optional>

namespace relstore {
namespace {

error schema_error(std::string message) { return make_error(errc::schema_error, std::move(message)); }

bool is_key_type(field_type t) { return t == field_type::int64 || t == field_type::string; }

// A name prints as itself: well-formed UTF-8 (it goes into JSON) with no
// control character (C0, DEL, UTF-8 encoded C1), so a name read from a file
// cannot drive a terminal or a message.
bool printable(std::string_view name) {
  if (detail::invalid_utf8_at(name) != std::string_view::npos) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const auto c = static_cast<unsigned char>(name[i]);
    if (c < 0x20 || c == 0x7f) return false;
    if (c == 0xc2 && i + 1 < name.size() && static_cast<unsigned char>(name[i + 1]) <= 0x9f &&
        static_cast<unsigned char>(name[i + 1]) >= 0x80) {
      return false;
    }
  }
  return true;
}

std::optional<error> bad_name(const char* what, std::string_view name) {
  if (name.empty()) return schema_error(std::string("a ") + what + " has an empty name");
  if (!printable(name)) {
    return schema_error(std::string("the ") + what + " name " + describe(value_view(name)) +
                        " has a control character or is not UTF-8");
  }
  return std::nullopt;
}

}  // namespace

std::string_view to_string(on_delete policy) noexcept {
  switch (policy) {
    case on_delete::restrict:
      return "restrict";
    case on_delete::cascade:
      return "cascade";
    case on_delete::set_null:
      return "set_null";
  }
  return "unknown";
}

std::string_view to_string(relation_kind kind) noexcept {
  switch (kind) {
    case relation_kind::has_many:
      return "has_many";
    case relation_kind::belongs_to:
      return "belongs_to";
    case relation_kind::has_one:
      return "has_one";
    case relation_kind::has_many_through:
      return "has_many_through";
  }
  return "unknown";
}

result<std::size_t> registry::add_static_model(const model_info& model) {
  if (auto e = bad_name("model", model.name)) return *e;
  if (find_model(model.name)) return schema_error("model " + model.name + " is defined twice");
  if (model.fields.empty() || model.fields.size() > max_fields) {
    return schema_error("model " + model.name + " has " + std::to_string(model.fields.size()) + " fields (1 to " +
                        std::to_string(max_fields) + " allowed)");
  }
  name_map fields;
  for (std::size_t i = 0; i < model.fields.size(); ++i) {
    const std::string& f = model.fields[i].name;
    if (f.empty()) return schema_error("model " + model.name + " has a field with an empty name");
    if (auto e = bad_name("field", f)) return *e;
    if (!fields.emplace(f, i).second) return schema_error("model " + model.name + ": field " + f + " appears twice");
    const field_info& fi = model.fields[i];
    if (fi.type == field_type::array &&
        (!detail::is_number_type(fi.element) || fi.extent == 0 || fi.extent > max_extent)) {
      return schema_error("model " + model.name + ": array field " + f + " needs a number element type and 1 to " +
                          std::to_string(max_extent) + " elements");
    }
    if (fi.enumeration) {  // shown in JSON, dumps and the tool's listing
      if (auto e = bad_name("enum", fi.enumeration->name)) return *e;
      for (const auto& en : fi.enumeration->enumerators) {
        if (auto e = bad_name("enumerator", en.name)) return *e;
      }
    }
  }
  if (model.primary_key >= model.fields.size()) {
    return schema_error("model " + model.name + " has no primary key field");
  }
  const field_info& pk = model.fields[model.primary_key];
  if (!is_key_type(pk.type) || pk.nullable) {
    return schema_error("model " + model.name + ": primary key " + pk.name + " must be int64 or string, not " +
                        std::string(to_string(pk.type)) + (pk.nullable ? " (optional)" : ""));
  }
  models_.push_back(&model);
  model_index_.emplace(model.name, models_.size() - 1);
  relation_index_.emplace_back();
  from_.emplace_back();
  into_.emplace_back();
  return models_.size() - 1;
}

result<std::size_t> registry::add_model(model_info model) {
  owned_.push_back(std::make_unique<model_info>(std::move(model)));
  auto r = add_static_model(*owned_.back());
  if (!r) owned_.pop_back();
  return r;
}

std::optional<std::size_t> registry::find_model(std::string_view name) const noexcept {
  auto it = model_index_.find(name);
  if (it == model_index_.end()) return std::nullopt;
  return it->second;
}

const relation_info* registry::find_relation(std::size_t source, std::string_view name) const noexcept {
  if (source >= relation_index_.size()) return nullptr;
  const name_map& m = relation_index_[source];
  auto it = m.find(name);
  return it == m.end() ? nullptr : &relations_[it->second];
}

has_many_options registry::declaration(std::size_t index) const {
  const relation_info& r = relations_[index];
  has_many_options o;
  o.key_to = models_[r.child]->fields[r.child_key].name;
  o.key_from = models_[r.parent]->fields[r.parent_key].name;
  o.inverse = relations_[r.inverse].name;
  o.policy = r.policy;
  return o;
}

result<std::size_t> registry::add_has_many(std::string_view name, std::string_view parent, std::string_view child,
                                           const has_many_options& options) {
  return add_relation(relation_kind::has_many, name, parent, child, options);
}

result<std::size_t> registry::add_has_one(std::string_view name, std::string_view parent, std::string_view child,
                                          const has_many_options& options) {
  return add_relation(relation_kind::has_one, name, parent, child, options);
}

result<std::size_t> registry::add_relation(relation_kind kind, std::string_view name, std::string_view parent,
                                           std::string_view child, const has_many_options& options) {
  if (!is_parent_side(kind)) {
    return schema_error("relation " + std::string(name) + ": only a has_many or a has_one is declared this way");
  }
  auto p = find_model(parent);
  if (!p)
    return schema_error("relation " + std::string(name) + ": source model " + std::string(parent) + " is not defined");
  auto c = find_model(child);
  if (!c)
    return schema_error("relation " + std::string(name) + ": target model " + std::string(child) + " is not defined");
  const model_info& pm = *models_[*p];
  const model_info& cm = *models_[*c];
  const std::string label = pm.name + "." + std::string(name);
  if (name.empty()) return schema_error("a relation of " + pm.name + " has an empty name");
  if (auto e = bad_name("relation", name)) return *e;
  if (into_[*c].size() >= max_incoming_relations) {
    return schema_error("relation " + label + ": model " + cm.name + " is already the target of " +
                        std::to_string(max_incoming_relations) + " relations, the most one model may have");
  }

  std::string key_to = options.key_to;
  if (key_to.empty()) key_to = std::string(detail::default_key_to(pm.name).view());
  auto ck = cm.find_field(key_to);
  if (!ck) return schema_error("target model " + cm.name + " is missing definition of foreign key " + key_to);

  const std::string key_from = options.key_from.empty() ? pm.fields[pm.primary_key].name : options.key_from;
  auto pk = pm.find_field(key_from);
  if (!pk) return schema_error("relation " + label + ": source model " + pm.name + " has no key field " + key_from);
  const field_info& pf = pm.fields[*pk];
  const field_info& cf = cm.fields[*ck];
  if (!is_key_type(pf.type) || pf.nullable) {
    return schema_error("relation " + label + ": key " + pm.name + "." + pf.name +
                        " must be a non-optional int64 or string");
  }
  if (cf.type != pf.type) {
    return schema_error("relation " + label + ": foreign key " + cm.name + "." + cf.name + " is " +
                        std::string(to_string(cf.type)) + " but " + pm.name + "." + pf.name + " is " +
                        std::string(to_string(pf.type)));
  }
  if (options.policy == on_delete::set_null && !cf.nullable) {
    return schema_error("relation " + label + ": on_delete set_null needs an optional foreign key, but " + cm.name +
                        "." + cf.name + " is not optional");
  }
  std::string inverse = options.inverse;
  if (inverse.empty()) inverse = std::string(detail::camel_case(pm.name).view());
  if (auto e = bad_name("inverse relation", inverse)) return *e;
  if (pm.find_field(name)) {
    return schema_error("relation " + label + ": the name is a field of " + pm.name +
                        " (a model cannot carry its navigational property)");
  }
  if (cm.find_field(inverse)) {
    return schema_error("relation " + label + ": the inverse name " + inverse + " is a field of " + cm.name);
  }
  if (find_relation(*p, name)) return schema_error("relation " + label + " is defined twice");
  if (find_relation(*c, inverse)) {
    return schema_error("relation " + label + ": " + cm.name + " already has a relation named " + inverse);
  }
  if (*p == *c && inverse == name) return schema_error("relation " + label + ": the inverse needs another name");

  relation_info many;
  many.name = std::string(name);
  many.kind = kind;
  many.source = *p;
  many.parent = *p;
  many.child = *c;
  many.parent_key = *pk;
  many.child_key = *ck;
  many.policy = options.policy;
  relation_info one = many;
  one.name = inverse;
  one.kind = relation_kind::belongs_to;
  one.source = *c;
  const std::size_t at = relations_.size();
  many.inverse = at + 1;
  one.inverse = at;
  from_[*p].push_back(at);
  into_[*c].push_back(at);
  relation_index_[*p].emplace(many.name, at);
  relation_index_[*c].emplace(one.name, at + 1);
  relations_.push_back(std::move(many));
  relations_.push_back(std::move(one));
  return at;
}

has_many_through_options registry::through_declaration(std::size_t index) const {
  const relation_info& r = relations_[index];
  const model_info& t = *models_[r.through];
  return {t.fields[r.through_from].name, t.fields[r.through_to].name, r.repeated_links};
}

result<std::size_t> registry::add_has_many_through(std::string_view name, std::string_view parent,
                                                   std::string_view target, std::string_view through,
                                                   const has_many_through_options& options) {
  const std::string label = std::string(parent) + "." + std::string(name);
  auto p = find_model(parent);
  auto c = find_model(target);
  auto t = find_model(through);
  if (!p) return schema_error("relation " + label + ": source model " + std::string(parent) + " is not defined");
  if (!c) return schema_error("relation " + label + ": target model " + std::string(target) + " is not defined");
  if (!t) return schema_error("relation " + label + ": through model " + std::string(through) + " is not defined");
  const model_info& pm = *models_[*p];
  const model_info& cm = *models_[*c];
  const model_info& tm = *models_[*t];
  if (name.empty()) return schema_error("a relation of " + pm.name + " has an empty name");
  if (auto e = bad_name("relation", name)) return *e;
  if (*t == *p || *t == *c) return schema_error("relation " + label + ": the through model must be a third model");
  const std::string from =
      options.key_from.empty() ? std::string(detail::default_key_to(pm.name).view()) : options.key_from;
  const std::string to = options.key_to.empty() ? std::string(detail::default_key_to(cm.name).view()) : options.key_to;
  auto ff = tm.find_field(from);
  if (!ff) return schema_error("through model " + tm.name + " is missing definition of foreign key " + from);
  auto tf = tm.find_field(to);
  if (!tf) return schema_error("through model " + tm.name + " is missing definition of foreign key " + to);
  if (*ff == *tf) return schema_error("relation " + label + ": both ends use " + tm.name + "." + from);
  // The through model's keys are enforced by relations of their own.
  auto enforced_by = [&](std::size_t end, std::size_t field) {
    for (std::size_t ri : from_[end]) {
      const relation_info& r = relations_[ri];
      if (r.child == *t && r.child_key == field && r.parent_key == models_[end]->primary_key) return true;
    }
    return false;
  };
  for (const auto& [end, field] : {std::pair{*p, *ff}, std::pair{*c, *tf}}) {
    if (!enforced_by(end, field)) {
      return schema_error("relation " + label + ": declare a has_many from " + models_[end]->name + " to " + tm.name +
                          " on " + tm.name + "." + tm.fields[field].name +
                          " first (it enforces that key and says what deleting a " + models_[end]->name +
                          " does to its links)");
    }
  }
  if (pm.find_field(name)) {
    return schema_error("relation " + label + ": the name is a field of " + pm.name +
                        " (a model cannot carry its navigational property)");
  }
  if (find_relation(*p, name)) return schema_error("relation " + label + " is defined twice");

  relation_info r;
  r.name = std::string(name);
  r.kind = relation_kind::has_many_through;
  r.source = *p;
  r.parent = *p;
  r.child = *c;
  r.parent_key = pm.primary_key;
  r.child_key = cm.primary_key;
  r.through = *t;
  r.through_from = *ff;
  r.through_to = *tf;
  r.repeated_links = options.repeated_links;
  const std::size_t at = relations_.size();
  r.inverse = at;
  relation_index_[*p].emplace(r.name, at);
  relations_.push_back(std::move(r));
  return at;
}

}  // namespace relstore
