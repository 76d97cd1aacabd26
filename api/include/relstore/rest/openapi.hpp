// The OpenAPI 3 document of a registry's routes (router.hpp), as LoopBack
// serves at /openapi.json: one schema per model under components, one path
// item per route.
#pragma once

#include <string>
#include <string_view>

#include "relstore/registry.hpp"

namespace relstore::rest {

// `snapshot_route`: whether POST /snapshot is served; `snapshot_starts`:
// whether it only starts a save (202, 409 while one runs) or saves (200).
std::string openapi_document(const registry& reg, std::string_view title, bool snapshot_route,
                             bool snapshot_starts = false);

}  // namespace relstore::rest
