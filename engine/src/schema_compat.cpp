// Schema evolution between a snapshot and a program.
#include "relstore/detail/schema_compat.hpp"

#include <string>

#include "relstore/detail/meta.hpp"
#include "relstore/detail/value_ops.hpp"

namespace relstore::detail {
namespace {
error mismatch(std::string message) { return make_error(errc::schema_mismatch, std::move(message)); }
}  // namespace

bool widens(field_type from, field_type to) {
  if (from == to) return true;
  if (from == field_type::float32) return to == field_type::float64;
  const auto a = integer_range_of(from), b = integer_range_of(to);
  return a && b && b->min <= a->min && a->max <= b->max;
}

result<std::vector<std::size_t>> map_fields(const model_info& program, const model_info& snap) {
  const field_info& pk = program.fields[program.primary_key];
  const field_info& spk = snap.fields[snap.primary_key];
  if (spk.name != pk.name) {
    return mismatch("model " + program.name + ": the snapshot's primary key is " + spk.name + ", the program's is " +
                    pk.name);
  }
  std::vector<std::size_t> map(program.fields.size(), npos);
  for (std::size_t i = 0; i < program.fields.size(); ++i) {
    const field_info& f = program.fields[i];
    auto c = snap.find_field(f.name);
    if (!c) continue;  // a field the program gained keeps its default
    const field_info& s = snap.fields[*c];
    // An array keeps its length; its element type may widen.
    const bool arrays_fit = s.type != field_type::array ||
                            (f.type == field_type::array && s.extent == f.extent && widens(s.element, f.element));
    if (!widens(s.type, f.type) || !arrays_fit || (i == program.primary_key && s.type != f.type)) {
      return mismatch(program.name + "." + f.name + " is " + type_label(s) + " in the snapshot but " + type_label(f) +
                      " in the program" + (i == program.primary_key ? " (the primary key's type changed)" : ""));
    }
    if (s.enumeration && f.enumeration) {  // read by value: each name must keep its value
      for (const auto& e : s.enumeration->enumerators) {
        const auto* mine = f.enumeration->find(e.name);
        if (mine == nullptr || mine->value != e.value) {
          return mismatch(program.name + "." + f.name + ": enumerator " + e.name + " of " + s.enumeration->name +
                          " is " + describe(enumerator_value(e, s.type)) + " in the snapshot but " +
                          (mine ? describe(enumerator_value(*mine, f.type)) : std::string("missing")) +
                          " in the program");
        }
      }
    }
    if (s.nullable && !f.nullable) {
      return mismatch(program.name + "." + f.name + " is optional in the snapshot but not in the program");
    }
    map[i] = *c;
  }
  return map;
}

result<void> check_relations(const registry& program, const column_store& snap, bool lenient) {
  const registry& file = snap.schema();
  if (!lenient) {
    bool shared = false;
    std::string theirs;
    for (std::size_t m = 0; m < file.model_count(); ++m) {
      shared = shared || program.find_model(file.model(m).name).has_value();
      if (m < 8) theirs += (m ? ", " : "") + describe(value_view(file.model(m).name));
    }
    if (!shared) {
      return mismatch("the snapshot shares no model with the program (its models: " +
                      (theirs.empty() ? std::string("none") : theirs) +
                      "); loading it would empty the store. Ask for a lenient load to do that");
    }
  }
  for (std::size_t i = 0; i < file.relations().size(); ++i) {
    const relation_info& r = file.relations()[i];
    if (!is_parent_side(r.kind)) continue;
    const model_info& p = file.model(r.parent);
    const model_info& c = file.model(r.child);
    const std::string label = p.name + "." + r.name;
    auto pm = program.find_model(p.name);
    if (!pm) return mismatch("relation " + label + ": source model " + p.name + " is missing in the program");
    if (!program.find_model(c.name)) {
      return mismatch("relation " + label + ": target model " + c.name + " is missing in the program");
    }
    const relation_info* mine = program.find_relation(*pm, r.name);
    if (lenient || mine == nullptr || !is_parent_side(mine->kind)) continue;
    const has_many_options theirs = file.declaration(i);
    const has_many_options ours = program.declaration(static_cast<std::size_t>(mine - program.relations().data()));
    const std::string target = program.model(mine->child).name;
    std::string differs;
    if (target != c.name) {
      differs = "targets " + c.name + " in the snapshot but " + target + " in the program";
    } else if (r.kind != mine->kind) {
      differs = "is a " + std::string(to_string(r.kind)) + " in the snapshot but a " +
                std::string(to_string(mine->kind)) + " in the program";
    } else if (theirs.key_to != ours.key_to) {
      differs = "uses foreign key " + theirs.key_to + " in the snapshot but " + ours.key_to + " in the program";
    } else if (theirs.key_from != ours.key_from) {
      differs = "uses parent key " + theirs.key_from + " in the snapshot but " + ours.key_from + " in the program";
    } else if (theirs.policy != ours.policy) {
      differs = "is on_delete " + std::string(to_string(theirs.policy)) + " in the snapshot but " +
                std::string(to_string(ours.policy)) + " in the program";
    }
    if (!differs.empty()) return mismatch("relation " + label + " " + differs);
  }
  for (std::size_t i = 0; i < file.relations().size() && !lenient; ++i) {
    const relation_info& r = file.relations()[i];
    if (r.kind != relation_kind::has_many_through) continue;
    const model_info& p = file.model(r.parent);
    auto pm = program.find_model(p.name);
    const relation_info* mine = pm ? program.find_relation(*pm, r.name) : nullptr;
    if (mine == nullptr) continue;
    const has_many_through_options theirs = file.through_declaration(i);
    if (mine->kind != relation_kind::has_many_through) {
      return mismatch("relation " + p.name + "." + r.name + " is a has_many_through in the snapshot but a " +
                      std::string(to_string(mine->kind)) + " in the program");
    }
    const has_many_through_options ours =
        program.through_declaration(static_cast<std::size_t>(mine - program.relations().data()));
    if (program.model(mine->child).name != file.model(r.child).name ||
        program.model(mine->through).name != file.model(r.through).name || theirs.key_from != ours.key_from ||
        theirs.key_to != ours.key_to || theirs.repeated_links != ours.repeated_links) {
      return mismatch("relation " + p.name + "." + r.name + " is declared differently in the snapshot (to " +
                      file.model(r.child).name + " through " + file.model(r.through).name + ")");
    }
  }
  for (const auto& r : program.relations()) {
    if (!is_parent_side(r.kind)) continue;
    const model_info& pm = program.model(r.parent);
    const model_info& cm = program.model(r.child);
    auto sc = file.find_model(cm.name);
    if (!sc) continue;
    const std::size_t rows = snap.table(*sc).rows();
    const field_info& fk = cm.fields[r.child_key];
    if (!fk.nullable && rows > 0 && !file.model(*sc).find_field(fk.name)) {
      return mismatch("relation " + pm.name + "." + r.name + ": the snapshot has no foreign key field " + cm.name +
                      "." + fk.name);
    }
    if (!file.find_model(pm.name) && rows > 0 && !fk.nullable) {
      return mismatch("relation " + pm.name + "." + r.name + ": the snapshot has " + cm.name + " rows but no model " +
                      pm.name);
    }
  }
  return {};
}

}  // namespace relstore::detail
