// Snapshots: save a store to disk and load it back, checked and crash-safe.
//
// A snapshot is an envelope (magic, relstore format version, Boost archive
// version, platform fingerprint, payload length, CRC32C of the payload and of
// the envelope) followed by a Boost.Serialization archive of the schema and
// then every entity, column by column. Everything in the envelope is checked
// before Boost reads a byte; every count read from the payload is bounded by
// the bytes that remain; and the loaded data is fully checked (unique keys,
// every foreign key) before it replaces the caller's store.
//
// save() to a path writes a temporary file in the same folder, fsyncs and
// closes it, renames it over the target and fsyncs the folder. On any error
// the previous snapshot is untouched and still loads.
#pragma once

#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <string>

#include "relstore/dataset.hpp"
#include "relstore/detail/snapshot_bridge.hpp"
#include "relstore/error.hpp"
#include "relstore/store.hpp"

namespace relstore {

enum class archive_format : std::uint8_t {
  binary = 0,  // fast, platform-specific (the envelope records the platform)
  text = 1,    // Boost text archive, for debugging
  xml = 2,     // Boost XML archive, for debugging
};

std::string_view to_string(archive_format f) noexcept;

struct save_options {
  archive_format format = archive_format::binary;
};

// What the envelope of a snapshot says.
struct snapshot_header {
  std::uint32_t format_version = 0;
  std::uint32_t boost_archive_version = 0;
  archive_format format = archive_format::binary;
  std::uint64_t payload_length = 0;
  std::uint32_t payload_crc = 0;
  bool little_endian = true;
  std::uint8_t sizes[7] = {};  // int, long, long long, double, size_t, wchar_t, bool
};

// The relstore snapshot format version this build writes and reads.
inline constexpr std::uint32_t snapshot_format_version = 1;
// Bytes of the envelope before the payload.
inline constexpr std::size_t snapshot_header_size = 48;

// Writes `data` as a snapshot. Errors: io_error (with the OS reason).
result<void> write_snapshot(const dataset& data, const std::filesystem::path& path, save_options options = {});
result<void> write_snapshot(const dataset& data, std::ostream& out, save_options options = {});

// Reads a snapshot without the application's types. Errors: io_error,
// snapshot_corrupt, snapshot_version, snapshot_platform. Does not check
// referential integrity (see verify_snapshot in snapshot_tools.hpp).
result<dataset> read_snapshot(const std::filesystem::path& path, snapshot_header* header = nullptr);
result<dataset> read_snapshot(std::istream& in, snapshot_header* header = nullptr);

// Saves every entity of `db`.
template <class Schema>
result<void> save(const store<Schema>& db, const std::filesystem::path& path, save_options options = {}) {
  return write_snapshot(detail::snapshot_bridge<Schema>::to_dataset(db), path, options);
}
template <class Schema>
result<void> save(const store<Schema>& db, std::ostream& out, save_options options = {}) {
  return write_snapshot(detail::snapshot_bridge<Schema>::to_dataset(db), out, options);
}

// Loads a snapshot into `db`, replacing its contents only if everything
// checks out; otherwise `db` is untouched. Fields the program gained keep
// their defaults; fields it lost are ignored. Errors: those of read_snapshot,
// schema_mismatch (a changed key type, a missing relation target, ...), and
// snapshot_corrupt for a duplicate key or a dangling foreign key.
template <class Schema>
result<void> load(store<Schema>& db, const std::filesystem::path& path) {
  auto data = read_snapshot(path);
  if (!data) return std::move(data).error();
  return detail::snapshot_bridge<Schema>::from_dataset(*data, db);
}
template <class Schema>
result<void> load(store<Schema>& db, std::istream& in) {
  auto data = read_snapshot(in);
  if (!data) return std::move(data).error();
  return detail::snapshot_bridge<Schema>::from_dataset(*data, db);
}

}  // namespace relstore
