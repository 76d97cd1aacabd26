// Fuzz target: bytes as "schema\n---\ndocument" for import_json (the shop's
// schema when there is no separator); what imports must verify clean and
// export and dump without error.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>

#include <relstore/snapshot_tools.hpp>

#include "fuzz/fuzz_targets.hpp"

namespace {
constexpr const char* shop_schema = R"({"models":[
  {"name":"Customer","fields":[{"name":"id","type":"int64"},{"name":"name","type":"string"}]},
  {"name":"Order","fields":[{"name":"id","type":"int64"},{"name":"customerId","type":"int64"},
                            {"name":"total","type":"float64"},{"name":"note","type":"string","optional":true}]}],
  "relations":[{"name":"orders","source":"Customer","target":"Order","onDelete":"cascade"}]})";
}  // namespace

int fuzz::import(const std::uint8_t* data, std::size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  const auto cut = input.find("\n---\n");
  const std::string schema = cut == std::string::npos ? shop_schema : input.substr(0, cut);
  const std::string document = cut == std::string::npos ? input : input.substr(cut + 5);
  auto ds = relstore::import_json(document, schema);
  if (!ds) return 0;
  if (!relstore::verify_dataset(*ds).empty()) std::abort();  // import let a broken key through
  std::ostringstream sink;
  (void)relstore::export_sql(*ds, sink);
  if (!relstore::dump_dataset(*ds, "", "", sink)) std::abort();
  (void)relstore::schema_json(*ds);
  return 0;
}

RELSTORE_FUZZ_ENTRY(import)
