// CRC32C (Castagnoli): SSE4.2 instructions where the CPU has them, else
// Boost.CRC. Both give the standard check value 0xE3069283 for "123456789".
#include <boost/crc.hpp>
#include <cstring>

#include "relstore/detail/crc32c.hpp"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <nmmintrin.h>
#define RELSTORE_HAVE_SSE42_PATH 1
#endif

namespace relstore::detail {

std::uint32_t crc32c_portable(const void* data, std::size_t size) noexcept {
  boost::crc_optimal<32, 0x1EDC6F41, 0xFFFFFFFF, 0xFFFFFFFF, true, true> crc;
  crc.process_bytes(data, size);
  return crc.checksum();
}

#ifdef RELSTORE_HAVE_SSE42_PATH
namespace {
__attribute__((target("sse4.2"))) std::uint32_t crc32c_sse42(const void* data, std::size_t size) noexcept {
  const auto* p = static_cast<const unsigned char*>(data);
  std::uint64_t crc = 0xFFFFFFFFu;
  while (size >= 8) {
    std::uint64_t word;
    std::memcpy(&word, p, 8);
    crc = _mm_crc32_u64(crc, word);
    p += 8;
    size -= 8;
  }
  auto c = static_cast<std::uint32_t>(crc);
  while (size-- > 0) c = _mm_crc32_u8(c, *p++);
  return c ^ 0xFFFFFFFFu;
}
}  // namespace
#endif

std::uint32_t crc32c(const void* data, std::size_t size) noexcept {
#ifdef RELSTORE_HAVE_SSE42_PATH
  static const bool hw = __builtin_cpu_supports("sse4.2");
  if (hw) return crc32c_sse42(data, size);
#endif
  return crc32c_portable(data, size);
}

}  // namespace relstore::detail
