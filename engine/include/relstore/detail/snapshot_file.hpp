// A snapshot as bytes and as a file: envelope + payload, written crash-safe
// and read without blocking. Internal.
#pragma once

#include <filesystem>
#include <iosfwd>
#include <string>
#include <string_view>

#include "relstore/detail/byte_pipe.hpp"
#include "relstore/detail/column_store.hpp"
#include "relstore/detail/encoder.hpp"
#include "relstore/error.hpp"
#include "relstore/file_system.hpp"
#include "relstore/snapshot_format.hpp"

namespace relstore::detail {

// Checks the envelope, then decodes the payload. Errors: snapshot_corrupt,
// snapshot_version, snapshot_platform.
result<column_store> decode_snapshot(std::string_view bytes, snapshot_header* header);

// Errors: io_error (with the OS reason).
result<void> write_snapshot_file(const column_store& data, const std::filesystem::path& path, archive_format format,
                                 file_system& fs);
// The same from rows pulled as they are encoded. Errors: io_error (with the
// OS reason, or what `rows` threw).
result<void> write_snapshot_file(row_source& rows, const std::filesystem::path& path, archive_format format,
                                 file_system& fs);
// The payload another thread encodes into `bytes` (byte_pipe::close's
// outcome is the encoder's), written as the envelope's length and CRC come
// out of it. On the consumer's thread. Errors: io_error (with the OS
// reason), and the encoder's.
result<void> write_snapshot_file(byte_pipe& bytes, const std::filesystem::path& path, archive_format format,
                                 file_system& fs);
// A snapshot from `in` (a pipe, standard input): its header first, checked
// as a file's is against the length it declares, then that many payload
// bytes and one more, which must not be there, so it returns when the
// stream ends after them (a socket must be shut down for writing). A stream
// that is no snapshot is refused after 48 bytes; a longer one is read no
// further; memory grows with the bytes that arrive, never with what a header
// claims (a forged header before an endless stream: io_error, out of
// memory). in.exceptions() is off during the call and restored without a
// throw. Errors: io_error, snapshot_corrupt (trailing bytes), and those of
// decode_snapshot.
result<column_store> read_snapshot_stream(std::istream& in, snapshot_header* header);
// Errors: io_error and those of decode_snapshot.
result<column_store> read_snapshot_file(const std::filesystem::path& path, snapshot_header* header, file_system& fs);

}  // namespace relstore::detail
