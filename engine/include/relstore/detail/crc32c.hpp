// CRC32C (Castagnoli), the snapshot checksum. Internal.
#pragma once

#include <cstddef>
#include <cstdint>

namespace relstore::detail {

// SSE4.2 instructions where the CPU has them, else the portable one.
std::uint32_t crc32c(const void* data, std::size_t size) noexcept;
// The portable path (Boost.CRC), exposed so tests can compare both.
std::uint32_t crc32c_portable(const void* data, std::size_t size) noexcept;

}  // namespace relstore::detail
