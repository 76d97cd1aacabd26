// Entities as JSON objects. Internal.
#pragma once

#include <cstdint>
#include <string>

#include "relstore/model_info.hpp"
#include "relstore/value.hpp"

namespace relstore::detail {

// Appends `entity` as a JSON object of the fields whose bit is set in `mask`.
// Numbers in plain decimal with their shortest exact digits (-0.0 keeps its
// sign); doubles that are not finite are null, as JSON has no NaN.
void write_json(const model_info& model, const void* entity, std::uint64_t mask, std::string& out);

// Appends one value as write_json writes a field's (`field`: the field it
// is a value of, when known; see append_value).
void write_json_value(const value_view& v, std::string& out, const field_info* field = nullptr);

}  // namespace relstore::detail
