// The snapshot payload: a Boost.Serialization archive of the schema (models,
// fields, relations with keys and policies) and then every model's rows,
// column by column. Layout: docs/snapshot_format.md. Reading it; writing
// it is encoder.hpp's. Internal.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>

#include "relstore/detail/column_store.hpp"
#include "relstore/detail/encoder.hpp"
#include "relstore/error.hpp"
#include "relstore/snapshot_format.hpp"

namespace relstore::detail {

// The most models and relations a snapshot (or an import) may declare.
inline constexpr std::uint32_t max_snapshot_models = 4096;
inline constexpr std::uint32_t max_snapshot_relations = 65536;

// Decodes a payload of `format` written at format `version` (1 to 3: the
// envelope's). Every count is bounded by the bytes left before anything is
// allocated; the schema passes the registry's checks and every column
// column_table::check. Boost.Serialization's exceptions stop here. Errors:
// snapshot_corrupt. Keys and foreign keys are not checked (verify does that).
result<column_store> decode(std::string_view payload, archive_format format,
                            std::uint32_t version = snapshot_format_version);

}  // namespace relstore::detail
