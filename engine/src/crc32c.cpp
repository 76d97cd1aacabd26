// CRC32C (Castagnoli): SSE4.2 instructions where the CPU has them, else a
// table. crc32c_portable (Boost.CRC) is the tests' reference. All give the
// standard check value 0xE3069283 for "123456789".
#include <array>
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

namespace {
// A byte at a time over the reflected polynomial (0x82F63B78).
constexpr std::array<std::uint32_t, 256> crc32c_table = [] {
  std::array<std::uint32_t, 256> t{};
  for (std::uint32_t i = 0; i < 256; ++i) {
    std::uint32_t c = i;
    for (int bit = 0; bit < 8; ++bit) c = (c >> 1) ^ (0x82F63B78u & (0u - (c & 1u)));
    t[i] = c;
  }
  return t;
}();
}  // namespace

std::uint32_t crc32c_extend_portable(std::uint32_t crc, const void* data, std::size_t size) noexcept {
  const auto* p = static_cast<const unsigned char*>(data);
  std::uint32_t c = crc ^ 0xFFFFFFFFu;
  while (size-- > 0) c = crc32c_table[(c ^ *p++) & 0xFFu] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

#ifdef RELSTORE_HAVE_SSE42_PATH
namespace {
__attribute__((target("sse4.2"))) std::uint32_t crc32c_sse42(std::uint32_t prior, const void* data,
                                                             std::size_t size) noexcept {
  const auto* p = static_cast<const unsigned char*>(data);
  std::uint64_t crc = prior ^ 0xFFFFFFFFu;
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

std::uint32_t crc32c_extend(std::uint32_t crc, const void* data, std::size_t size) noexcept {
#ifdef RELSTORE_HAVE_SSE42_PATH
  static const bool hw = __builtin_cpu_supports("sse4.2");
  if (hw) return crc32c_sse42(crc, data, size);
#endif
  return crc32c_extend_portable(crc, data, size);
}

std::uint32_t crc32c(const void* data, std::size_t size) noexcept { return crc32c_extend(0, data, size); }

}  // namespace relstore::detail
