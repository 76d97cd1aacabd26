// CRC32C (Castagnoli), the snapshot checksum. Internal.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace relstore::detail {

// SSE4.2 instructions where the CPU has them, else crc32c_extend_portable.
std::uint32_t crc32c(const void* data, std::size_t size) noexcept;
// The CRC32C of some bytes whose CRC32C is `crc`, followed by `data`:
// crc32c_extend(crc32c(a), b) == crc32c(a + b), and crc32c_extend(0, b) ==
// crc32c(b). For data that is checksummed as it streams.
std::uint32_t crc32c_extend(std::uint32_t crc, const void* data, std::size_t size) noexcept;
// crc32c_extend without SSE4.2 (a table, a byte at a time), exposed so
// tests can compare both.
std::uint32_t crc32c_extend_portable(std::uint32_t crc, const void* data, std::size_t size) noexcept;
// Boost.CRC: the reference the tests compare both paths with.
std::uint32_t crc32c_portable(const void* data, std::size_t size) noexcept;

// `crc` as the tools and messages show it: eight lowercase hex digits.
std::string crc32c_hex(std::uint32_t crc);

}  // namespace relstore::detail
