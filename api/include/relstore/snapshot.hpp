// Snapshots: save a store to disk and load it back, checked and crash-safe.
//
// A snapshot is an envelope (magic, relstore format version, Boost archive
// version, platform fingerprint, payload length, CRC32C of the payload and of
// the envelope) followed by a Boost.Serialization archive of the schema and
// then every entity, column by column (docs/snapshot_format.md). Everything in
// the envelope is checked before Boost reads a byte; every count read from the
// payload is bounded by the bytes that remain; the schema passes the
// registry's checks; and the loaded data is fully checked (unique keys, every
// foreign key) before it replaces the caller's store.
//
// save() to a path writes a temporary file in the same folder, fsyncs and
// closes it, renames it over the target and fsyncs the folder. On any error
// the previous snapshot is untouched and still loads.
#pragma once

#include <filesystem>
#include <iosfwd>
#include <new>
#include <string>

#include "relstore/dataset.hpp"
#include "relstore/detail/snapshot_bridge.hpp"
#include "relstore/error.hpp"
#include "relstore/file_system.hpp"
#include "relstore/snapshot_format.hpp"
#include "relstore/store.hpp"

namespace relstore {

struct save_options {
  archive_format format = archive_format::binary;
  file_system* fs = nullptr;  // null: default_file_system()
};

struct load_options {
  file_system* fs = nullptr;  // null: default_file_system()
  // Also load what a strict load refuses: a snapshot whose schema shares no
  // model with the program's (the store ends up empty) or contradicts one of
  // its relations (another kind, target, key or policy), and primary keys create
  // refuses (0, ""). For repairing files; off by default.
  bool lenient = false;
};

// Writes `data` as a snapshot. Errors: io_error (with the OS reason).
result<void> write_snapshot(const dataset& data, const std::filesystem::path& path, save_options options = {});
result<void> write_snapshot(const dataset& data, std::ostream& out, save_options options = {});

// Reads a snapshot without the application's types. Errors: io_error,
// snapshot_corrupt (also for a schema the registry refuses, with its
// message), snapshot_version, snapshot_platform. Does not check keys (see
// verify_dataset).
result<dataset> read_snapshot(const std::filesystem::path& path, snapshot_header* header = nullptr,
                              load_options options = {});
// From a stream (a pipe, standard input): the header, then the payload length
// it declares and one byte more, which must not be there (snapshot_corrupt,
// "trailing bytes"): it returns when the stream ends (a socket must be shut
// down for writing). A stream that is no snapshot is refused after 48 bytes;
// a longer one is read no further than its header's length (a header forged
// to claim more than the memory before an endless stream: io_error). Leaves
// `in` after the bytes read, with eofbit and failbit set on success. Throws
// no std::ios_base::failure, whatever in.exceptions() asks (it is restored).
// A stream that has ended or failed already: io_error.
result<dataset> read_snapshot(std::istream& in, snapshot_header* header = nullptr);

namespace detail {
result<void> save_columns(const column_store& data, const std::filesystem::path& path, const save_options& options);
result<void> save_columns(const column_store& data, std::ostream& out, const save_options& options);
result<column_store> load_columns(const std::filesystem::path& path, const load_options& options);
result<column_store> load_columns(std::istream& in);

// What a load that ran out of memory returns; `db` is untouched.
result<void> out_of_memory_loading();

template <class Schema>
result<void> load_into(store<Schema>& db, const column_store& data, bool lenient) {
  try {
    store<Schema> fresh;
    fresh.set_limits(db.limits());
    return snapshot_bridge<Schema>::from_columns(data, store_access::of(fresh), lenient).transform([&] {
      db = std::move(fresh);
    });
  } catch (const std::bad_alloc&) {  // `fresh`, and all it held, is freed
    return out_of_memory_loading();
  }
}
}  // namespace detail

// Saves every entity of `db`.
template <class Schema>
result<void> save(const store<Schema>& db, const std::filesystem::path& path, save_options options = {}) {
  auto rows = detail::snapshot_bridge<Schema>::to_columns(detail::store_access::of(db));
  if (!rows) return std::move(rows).error();
  return detail::save_columns(*rows, path, options);
}
template <class Schema>
result<void> save(const store<Schema>& db, std::ostream& out, save_options options = {}) {
  auto rows = detail::snapshot_bridge<Schema>::to_columns(detail::store_access::of(db));
  if (!rows) return std::move(rows).error();
  return detail::save_columns(*rows, out, options);
}

// Loads a snapshot into `db`, replacing its contents only if everything
// checks out; otherwise `db` is untouched. REQUIRES: no transaction is open
// on `db` (a load assigns the store). Fields the program gained keep
// their defaults; fields it lost are ignored. Errors: those of read_snapshot,
// schema_mismatch (a changed key type, a missing relation target, a relation
// that contradicts the program's, no model in common), and snapshot_corrupt
// for a duplicate key, a dangling foreign key or a key create refuses (0 or
// ""), and io_error when memory runs out. load_options::lenient relaxes what
// it says.
template <class Schema>
result<void> load(store<Schema>& db, const std::filesystem::path& path, load_options options = {}) {
  return detail::load_columns(path, options).and_then([&](const detail::column_store& data) {
    return detail::load_into(db, data, options.lenient);
  });
}
template <class Schema>
result<void> load(store<Schema>& db, std::istream& in, load_options options = {}) {
  return detail::load_columns(in).and_then(
      [&](const detail::column_store& data) { return detail::load_into(db, data, options.lenient); });
}

// Loads `data` into `db` as load() does. A dataset whose columns do not
// hold one value per row (cells() changed without resize()) or hold a
// value out of its field's range is snapshot_corrupt, as in a file.
template <class Schema>
result<void> load(store<Schema>& db, const dataset& data, load_options options = {}) {
  const detail::column_store& columns = detail::dataset_access::of(data);
  try {
    for (std::size_t m = 0; m < columns.model_count(); ++m) {
      if (auto r = columns.table(m).check(); !r) return r;
    }
  } catch (const std::bad_alloc&) {
    return detail::out_of_memory_loading();
  }
  return detail::load_into(db, columns, options.lenient);
}

}  // namespace relstore
