// Everything relstore-snapshot is made of: operations on snapshots that need
// no application types, each in its own header.
#pragma once

#include "relstore/dataset.hpp"
#include "relstore/diff.hpp"
#include "relstore/dump.hpp"
#include "relstore/export_sql.hpp"
#include "relstore/import.hpp"
#include "relstore/snapshot_info.hpp"
#include "relstore/snapshot_tool.hpp"
#include "relstore/verify.hpp"
