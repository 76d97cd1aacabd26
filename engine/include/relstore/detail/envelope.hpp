// The 48-byte snapshot envelope: magic, format version, Boost archive
// version, archive format, platform fingerprint, payload length, CRC32C of
// the payload and of the envelope itself. Layout: docs/snapshot_format.md.
// Internal.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "relstore/error.hpp"
#include "relstore/snapshot_format.hpp"

namespace relstore::detail {

// The envelope for `payload`, with this build's versions and platform: the
// format version is written_format_version(format) unless `version` (one this
// build reads) is given.
std::string make_envelope(std::string_view payload, archive_format format);
std::string make_envelope(std::string_view payload, archive_format format, std::uint32_t version);
// The envelope of a payload of `length` bytes whose CRC32C is `crc`, for a
// payload checksummed as it streams.
std::string make_envelope(std::uint64_t length, std::uint32_t crc, archive_format format);
std::string make_envelope(std::uint64_t length, std::uint32_t crc, archive_format format, std::uint32_t version);

// Checks the envelope at the front of `data` and the payload's checksum,
// before any byte of the payload is interpreted. Errors: snapshot_corrupt,
// snapshot_version, snapshot_platform.
result<snapshot_header> check_envelope(const char* data, std::size_t size);
// check_envelope without the payload's checksum: the header at the front of
// a file of `size` bytes, from its first snapshot_header_size bytes (`front`).
result<snapshot_header> check_envelope_header(std::string_view front, std::uint64_t size);

// The payload length the header at `front` declares, unchecked: trust it
// after check_envelope_header only. REQUIRES: front.size() >=
// snapshot_header_size.
std::uint64_t declared_payload_length(std::string_view front);

// `payload` behind a valid envelope (tests and the fuzzer use it).
std::string seal_snapshot(std::string_view payload, archive_format format);
std::string seal_snapshot(std::string_view payload, archive_format format, std::uint32_t version);

// The Boost archive library version of this build.
std::uint32_t boost_archive_version();

}  // namespace relstore::detail
