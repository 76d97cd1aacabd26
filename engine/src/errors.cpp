// The engine's error messages.
#include "relstore/detail/errors.hpp"

#include <string>
#include <string_view>

#include "relstore/detail/value_ops.hpp"

namespace relstore::detail {

std::string field_label(const model_info& model, std::size_t field) {
  std::string out;
  out.reserve(model.name.size() + model.fields[field].name.size() + 1);
  return out.append(model.name).append(".").append(model.fields[field].name);
}

error second_child(const registry& reg, const relation_info& r, const value_view& key, const value_view& holder,
                   const value_view& second) {
  const model_info& c = reg.model(r.child);
  const model_info& p = reg.model(r.parent);
  const std::string k = describe(key);
  return make_error(errc::already_exists, field_label(c, r.child_key) + " = " + k + " already names " + p.name + " " +
                                              k + "'s " + r.name + " (" + c.name + " " + describe(holder) + "); " +
                                              c.name + " " + describe(second) + " would be a second (" + p.name + "." +
                                              r.name + " is a has_one)");
}

error repeated_link(const registry& reg, const relation_info& r, const value_view& from, const value_view& to,
                    const value_view& holder, const value_view& second) {
  const model_info& t = reg.model(r.through);
  return make_error(errc::already_exists, t.name + " " + describe(second) + " would link " + reg.model(r.parent).name +
                                              " " + describe(from) + " and " + reg.model(r.child).name + " " +
                                              describe(to) + " a second time (" + t.name + " " + describe(holder) +
                                              " does; " + reg.model(r.parent).name + "." + r.name +
                                              " allows one link per pair)");
}

namespace {

// `key` as a value of `field`: an enum field's by its enumerator's name, as
// JSON shows it.
std::string describe_in(const field_info& field, const value_view& key) {
  if (field.enumeration) {
    if (const auto* e = enumerator_of(*field.enumeration, key)) return describe(value_view(std::string_view(e->name)));
  }
  return describe(key);
}

std::string duplicate_key_text(const model_info& model, std::size_t field, const value_view& key) {
  const std::string k = describe_in(model.fields[field], key);
  if (field == model.primary_key) return model.name + " with " + model.fields[field].name + " " + k + " already exists";
  return field_label(model, field) + " = " + k + " already exists";
}

std::string dangling_key_text(const registry& reg, const relation_info& r, const value_view& key) {
  const model_info& c = reg.model(r.child);
  const model_info& p = reg.model(r.parent);
  // Built in one buffer: wording it costs one allocation here. The
  // literals are string_views, so no append needs a strlen when the
  // inliner leaves it out of line (it does since this file grew).
  using namespace std::string_view_literals;
  const std::string k = describe(key);
  std::string m;
  m.reserve(96 + 2 * k.size() + 2 * p.name.size());
  m.append(c.name).append("."sv).append(c.fields[r.child_key].name).append(" = "sv).append(k);
  m.append(": no "sv).append(p.name).append(" with "sv).append(p.fields[r.parent_key].name);
  m.append(" "sv).append(k).append(" (relation "sv).append(p.name).append("."sv).append(r.name).append(")"sv);
  return m;
}

std::string not_found_text(const model_info& model, const value_view& key) {
  return model.name + " with " + model.fields[model.primary_key].name + " " + describe(key) + " not found";
}

}  // namespace

error duplicate_key(const model_info& model, std::size_t field, const value_view& key) {
  return make_error(errc::already_exists, duplicate_key_text(model, field, key));
}

error dangling_key(const registry& reg, const relation_info& r, const value_view& key) {
  return make_error(errc::foreign_key_violation, dangling_key_text(reg, r, key));
}

error key_change_blocked(const registry& reg, const relation_info& r, const value_view& from, const value_view& to,
                         std::size_t children) {
  const model_info& p = reg.model(r.parent);
  return make_error(errc::restrict_violation, "cannot change " + field_label(p, r.parent_key) + " from " +
                                                  describe(from) + " to " + describe(to) + ": " +
                                                  std::to_string(children) + " " + reg.model(r.child).name +
                                                  " reference it through relation " + p.name + "." + r.name);
}

error delete_restricted(const registry& reg, const relation_info& r, const value_view& parent_pk,
                        std::size_t children) {
  const model_info& p = reg.model(r.parent);
  return make_error(errc::restrict_violation, "cannot delete " + p.name + " with " + p.fields[p.primary_key].name +
                                                  " " + describe(parent_pk) + ": relation " + p.name + "." + r.name +
                                                  " (on_delete restrict) has " + std::to_string(children) + " " +
                                                  reg.model(r.child).name + " referencing it");
}

error not_found(const model_info& model, const value_view& key) {
  return make_error(errc::not_found, not_found_text(model, key));
}

value_view deferred_key(const error::deferred& d) noexcept {
  switch (d.kind) {
    case error::key_kind::boolean:
      return d.key.b;
    case error::key_kind::int64:
      return d.key.i;
    case error::key_kind::uint64:
      return d.key.u;
    case error::key_kind::float64:
      return d.key.d;
    case error::key_kind::none:
      break;
  }
  return null;
}

std::string format_dangling_key(const error::deferred& d) {
  const registry& reg = *static_cast<const registry*>(d.context);
  return dangling_key_text(reg, reg.relations()[d.index], deferred_key(d));
}

std::string format_duplicate_key(const error::deferred& d) {
  return duplicate_key_text(*static_cast<const model_info*>(d.context), d.index, deferred_key(d));
}

std::string format_not_found(const error::deferred& d) {
  return not_found_text(*static_cast<const model_info*>(d.context), deferred_key(d));
}

error not_found_under(const model_info& child, const value_view& key, const model_info& parent,
                      const value_view& parent_key) {
  return make_error(errc::not_found, child.name + " with " + child.fields[child.primary_key].name + " " +
                                         describe(key) + " not found under " + parent.name + " " +
                                         describe(parent_key));
}

error parent_not_found(const model_info& child, const value_view& key, std::string_view relation, std::size_t fk,
                       const value_view& fk_value) {
  return make_error(errc::not_found, child.name + " " + describe(key) + ": " + std::string(relation) + " not found (" +
                                         field_label(child, fk) + " = " + describe(fk_value) + ")");
}

error key_cannot_change(const model_info& child, std::size_t field, const value_view& given, const model_info& parent,
                        const value_view& parent_key) {
  return make_error(errc::constraint_violation, "Property \"" + child.fields[field].name + "\" cannot be changed! (" +
                                                    field_label(child, field) + " = " + describe(given) +
                                                    "; this view holds the " + child.name + " rows of " + parent.name +
                                                    " " + describe(parent_key) + ")");
}

error key_changed_in_place(const model_info& model, const value_view& key, std::size_t field, const value_view& from,
                           const value_view& to) {
  return make_error(errc::invalid_argument, model.name + " " + describe(key) + ": update_each changed " +
                                                field_label(model, field) + " (" + describe(from) + " -> " +
                                                describe(to) +
                                                "); keys, foreign keys and indexed fields cannot change in place "
                                                "(use update_by_id)");
}

error empty_key(const model_info& model) {
  return make_error(errc::invalid_argument,
                    field_label(model, model.primary_key) + ": the primary key must not be empty");
}

error zero_key(const model_info& model, const value_view& key) {
  return make_error(errc::invalid_argument, model.name + " " + describe(key) + ": " +
                                                field_label(model, model.primary_key) +
                                                " cannot become 0 (a create given 0 takes the next free key; no "
                                                "entity has key 0)");
}

error generated_key_given(const model_info& model, const value_view& key) {
  return make_error(errc::invalid_argument, field_label(model, model.primary_key) + " = " + describe(key) +
                                                ": the key is generated by the store and cannot be given or changed");
}

error required_field_missing(const model_info& model, std::size_t field) {
  return make_error(errc::invalid_argument, field_label(model, field) + " is required");
}

error keys_exhausted(const model_info& model) {
  return make_error(errc::key_space_exhausted,
                    model.name + ": no automatic " + model.fields[model.primary_key].name +
                        " is left (a key of 9223372036854775807 exists); give the key explicitly");
}

error in_batch(const error& e, std::size_t element, const char* call) {
  return make_error(e.code, std::string(call) + ": element " + std::to_string(element) +
                                " rejected, nothing created: " + e.message());
}

}  // namespace relstore::detail
