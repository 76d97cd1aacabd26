// Entities as JSON objects. Internal.
#pragma once

#include <cstdint>
#include <string>

#include "relstore/model_info.hpp"

namespace relstore::detail {

// Appends `entity` as a JSON object of the fields whose bit is set in `mask`.
void write_json(const model_info& model, const void* entity, std::uint64_t mask, std::string& out);

}  // namespace relstore::detail
