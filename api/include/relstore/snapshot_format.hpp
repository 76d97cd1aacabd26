// The snapshot envelope's vocabulary: archive formats, what a header says,
// and the format version. The byte layout is docs/snapshot_format.md's.
//
// Vocabulary header: includes only other vocabulary headers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace relstore {

enum class archive_format : std::uint8_t {
  binary = 0,  // fast, platform-specific (the envelope records the platform)
  text = 1,    // Boost text archive, for debugging
  xml = 2,     // Boost XML archive, for debugging
};

std::string_view to_string(archive_format f) noexcept;

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

// The newest relstore snapshot format version this build reads.
// Version history: 1 (relstore 0.1) the first; 2 records each relation's
// kind (has_many or has_one); 3 writes the strings of text and XML archives
// as escaped text instead of decimal bytes (binary payloads are version 2's).
// Versions 1 and 2 are still read (in version 1 every relation a has_many).
inline constexpr std::uint32_t snapshot_format_version = 3;

// The format version this build writes for `f`: binary files stay version 2,
// byte for byte, so that older builds still read them.
constexpr std::uint32_t written_format_version(archive_format f) noexcept {
  return f == archive_format::binary ? 2 : snapshot_format_version;
}
// Bytes of the envelope before the payload.
inline constexpr std::size_t snapshot_header_size = 48;

}  // namespace relstore
