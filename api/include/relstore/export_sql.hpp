// export_sql: a dataset as SQL that loads into sqlite3 or PostgreSQL with its
// keys enforced.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string_view>

#include "relstore/dataset.hpp"
#include "relstore/error.hpp"
#include "relstore/verify.hpp"

namespace relstore {

enum class sql_dialect : std::uint8_t {
  // For sqlite3 (and close to standard SQL): CREATE TABLE with PRIMARY KEY,
  // UNIQUE (key_from keys, has_one foreign keys, has_many_through pairs
  // linked once) and FOREIGN KEY ... ON DELETE CASCADE / RESTRICT / SET NULL,
  // then INSERTs in an order that satisfies every key, inside one
  // transaction. Refuses NaN (SQLite reads it back as NULL), names that
  // differ only by letter case and names beginning with sqlite_.
  sqlite,
  // For psql (PostgreSQL 12 or later): the same tables with BIGINT, INTEGER,
  // DOUBLE PRECISION, BOOLEAN and TEXT columns, PRIMARY KEY and UNIQUE; rows
  // as COPY ... FROM STDIN in text format; then the foreign keys (ALTER
  // TABLE ... ADD FOREIGN KEY, checked against every row, so reference
  // cycles load), all in one transaction. Load with
  // `psql -v ON_ERROR_STOP=1 -f out.sql`. Values read back exactly: doubles
  // bit for bit, -0 and infinities included; a NaN as PostgreSQL's one NaN.
  // Refuses strings holding NUL or invalid UTF-8 (TEXT cannot hold them),
  // names longer than 63 bytes (PostgreSQL would cut them) and names
  // beginning with pg_.
  postgresql,
};

// "sqlite", "postgresql" (also "postgres"); nullopt for any other name.
std::optional<sql_dialect> parse_sql_dialect(std::string_view name) noexcept;
// The name parse_sql_dialect reads back.
std::string_view to_string(sql_dialect dialect) noexcept;

struct export_sql_options {
  sql_dialect dialect = sql_dialect::sqlite;
};

// Writes `data` as SQL in options.dialect. What the dialect cannot hold is
// refused before a byte is written: invalid_argument, naming the model, the
// field and the row's key. Errors: invalid_argument, io_error.
result<void> export_sql(const dataset& data, std::ostream& out, const export_sql_options& options = {},
                        const progress_fn& progress = {});

}  // namespace relstore
