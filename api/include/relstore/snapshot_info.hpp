// describe_snapshot: what relstore-snapshot info prints about a snapshot.
#pragma once

#include <iosfwd>
#include <string_view>

#include "relstore/dataset.hpp"
#include "relstore/snapshot_format.hpp"

namespace relstore {

// Writes the file's versions, platform, checksum, size, and the schema
// (models with fields, relations with keys and policies) with row counts.
void describe_snapshot(std::string_view file, const snapshot_header& header, const dataset& data, std::ostream& out);

}  // namespace relstore
