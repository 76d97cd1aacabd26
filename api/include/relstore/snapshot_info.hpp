// describe_snapshot: what relstore-snapshot info prints about a snapshot.
#pragma once

#include <iosfwd>
#include <string>
#include <string_view>

#include "relstore/dataset.hpp"
#include "relstore/snapshot_format.hpp"

namespace relstore {

// Writes the file's versions, platform, checksum, size, and the schema
// (models with fields, relations with keys and policies) with row counts.
void describe_snapshot(std::string_view file, const snapshot_header& header, const dataset& data, std::ostream& out);

// The same as one JSON object: schema_json's "models" and "relations" (so
// that import_data takes it as a schema), each model with its "entities"
// count, and a "snapshot" object with the envelope's versions and sizes.
std::string describe_snapshot_json(const snapshot_header& header, const dataset& data);

}  // namespace relstore
