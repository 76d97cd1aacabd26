// Schema evolution between a snapshot and a program.
#include "relstore/detail/schema_compat.hpp"

#include <string>

#include "relstore/detail/meta.hpp"

namespace relstore::detail {
namespace {
error mismatch(std::string message) { return make_error(errc::schema_mismatch, std::move(message)); }
}  // namespace

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
    if (s.type != f.type) {
      return mismatch(program.name + "." + f.name + " is " + std::string(to_string(s.type)) + " in the snapshot but " +
                      std::string(to_string(f.type)) + " in the program" +
                      (i == program.primary_key ? " (the primary key's type changed)" : ""));
    }
    if (s.nullable && !f.nullable) {
      return mismatch(program.name + "." + f.name + " is optional in the snapshot but not in the program");
    }
    map[i] = *c;
  }
  return map;
}

result<void> check_relations(const registry& program, const column_store& snap) {
  const registry& file = snap.schema();
  for (const auto& r : file.relations()) {
    if (r.kind != relation_kind::has_many) continue;
    const model_info& p = file.model(r.parent);
    const model_info& c = file.model(r.child);
    const std::string label = p.name + "." + r.name;
    if (!program.find_model(p.name)) {
      return mismatch("relation " + label + ": source model " + p.name + " is missing in the program");
    }
    if (!program.find_model(c.name)) {
      return mismatch("relation " + label + ": target model " + c.name + " is missing in the program");
    }
  }
  for (const auto& r : program.relations()) {
    if (r.kind != relation_kind::has_many) continue;
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
