// export_sql: a dataset as SQL that loads into sqlite3 with its keys enforced.
#pragma once

#include <iosfwd>

#include "relstore/dataset.hpp"
#include "relstore/error.hpp"
#include "relstore/verify.hpp"

namespace relstore {

// SQL for SQLite (and close to standard SQL): CREATE TABLE with PRIMARY KEY,
// UNIQUE (key_from keys and has_one foreign keys) and FOREIGN KEY ... ON
// DELETE CASCADE / RESTRICT / SET NULL, then INSERTs in
// an order that satisfies every key, inside one transaction. Errors: io_error.
result<void> export_sql(const dataset& data, std::ostream& out, const progress_fn& progress = {});

}  // namespace relstore
