// What relstore-snapshot info prints.
#include "relstore/snapshot_info.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <ostream>

#include "relstore/detail/crc32c.hpp"
#include "relstore/detail/value_ops.hpp"
#include "relstore/import.hpp"

namespace relstore {

void describe_snapshot(std::string_view file, const snapshot_header& h, const dataset& data, std::ostream& out) {
  const registry& reg = data.schema();
  out << "file: " << file << "\n";
  out << "format: relstore snapshot version " << h.format_version << ", " << to_string(h.format)
      << " archive, Boost archive version " << h.boost_archive_version << "\n";
  out << "platform: " << (h.little_endian ? "little" : "big")
      << "-endian, sizeof int/long/long long/double/size_t/wchar_t/bool = ";
  for (int i = 0; i < 7; ++i) out << (i ? "/" : "") << static_cast<unsigned>(h.sizes[i]);
  out << "\n";
  out << "checksum: CRC32C " << detail::crc32c_hex(h.payload_crc) << ", ok\n";
  out << "size: " << h.payload_length + snapshot_header_size << " bytes (" << snapshot_header_size << " header + "
      << h.payload_length << " payload)\n";
  out << "models:\n";
  for (std::size_t m = 0; m < reg.model_count(); ++m) {
    const model_info& info = reg.model(m);
    out << "  " << info.name << ": " << data.rows(m) << " entities, primary key " << info.fields[info.primary_key].name
        << "\n";
    for (const auto& f : info.fields) {
      out << "    " << f.name << " " << detail::type_label(f) << (f.nullable ? " (optional)" : "");
      if (f.enumeration) {  // enum kind { sword = 0, shield = 1 }
        out << " enum " << f.enumeration->name << " {";
        for (std::size_t i = 0; i < f.enumeration->enumerators.size(); ++i) {
          const auto& e = f.enumeration->enumerators[i];
          out << (i ? ", " : " ") << e.name << " = " << describe(detail::enumerator_value(e, f.type));
        }
        out << " }";
      }
      out << "\n";
    }
  }
  out << "relations:\n";
  for (std::size_t i = 0; i < reg.relations().size(); ++i) {
    const relation_info& r = reg.relations()[i];
    if (r.kind == relation_kind::has_many_through) {
      const model_info& p = reg.model(r.parent);
      const model_info& c = reg.model(r.child);
      const model_info& t = reg.model(r.through);
      out << "  " << p.name << "." << r.name << ": has_many_through " << c.name << " via " << t.name << " (" << t.name
          << "." << t.fields[r.through_from].name << " -> " << p.name << ", " << t.name << "."
          << t.fields[r.through_to].name << " -> " << c.name << ")" << (r.repeated_links ? ", repeated links" : "")
          << "\n";
      continue;
    }
    if (!is_parent_side(r.kind)) continue;
    const model_info& p = reg.model(r.parent);
    const model_info& c = reg.model(r.child);
    out << "  " << p.name << "." << r.name << ": " << to_string(r.kind) << " " << c.name << " (" << c.name << "."
        << c.fields[r.child_key].name << " -> " << p.name << "." << p.fields[r.parent_key].name << "), inverse "
        << c.name << "." << reg.relations()[r.inverse].name << ", on_delete " << to_string(r.policy) << "\n";
  }
}

std::string describe_snapshot_json(const snapshot_header& h, const dataset& data) {
  boost::json::value doc = boost::json::parse(schema_json(data));
  auto& models = doc.at("models").as_array();
  for (std::size_t m = 0; m < models.size(); ++m) models[m].as_object()["entities"] = data.rows(m);
  boost::json::object snap;
  snap["formatVersion"] = h.format_version;
  snap["archive"] = std::string(to_string(h.format));
  snap["boostArchiveVersion"] = h.boost_archive_version;
  snap["littleEndian"] = h.little_endian;
  snap["bytes"] = h.payload_length + snapshot_header_size;
  snap["crc32c"] = detail::crc32c_hex(h.payload_crc);
  doc.as_object()["snapshot"] = std::move(snap);
  return boost::json::serialize(doc);
}

}  // namespace relstore
