// The snapshot envelope.
#include "relstore/detail/envelope.hpp"

#include <algorithm>
#include <boost/archive/basic_archive.hpp>
#include <cstring>

#include "relstore/detail/crc32c.hpp"

namespace relstore {

std::string_view to_string(archive_format f) noexcept {
  switch (f) {
    case archive_format::binary:
      return "binary";
    case archive_format::text:
      return "text";
    case archive_format::xml:
      return "xml";
  }
  return "unknown";
}

namespace detail {
namespace {

constexpr char magic[8] = {'R', 'E', 'L', 'S', 'T', 'O', 'R', 'E'};

void put32(unsigned char* p, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<unsigned char>(v >> (8 * i));
}
void put64(unsigned char* p, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) p[i] = static_cast<unsigned char>(v >> (8 * i));
}
std::uint32_t get32(const unsigned char* p) {
  std::uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}
std::uint64_t get64(const unsigned char* p) {
  std::uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

bool host_little_endian() {
  const std::uint16_t one = 1;
  unsigned char b;
  std::memcpy(&b, &one, 1);
  return b == 1;
}

void host_sizes(std::uint8_t* s) {
  s[0] = sizeof(int);
  s[1] = sizeof(long);
  s[2] = sizeof(long long);
  s[3] = sizeof(double);
  s[4] = sizeof(std::size_t);
  s[5] = sizeof(wchar_t);
  s[6] = sizeof(bool);
}

error corrupt(std::string m) { return make_error(errc::snapshot_corrupt, std::move(m)); }

}  // namespace

std::uint32_t boost_archive_version() {
  const boost::serialization::library_version_type v = boost::archive::BOOST_ARCHIVE_VERSION();
  const std::uint_least16_t raw = v;
  return raw;
}

// magic[8] version[4] boost[4] format[1] endian[1] sizes[7] reserved[7]
// length[8] payload_crc[4] header_crc[4], integers little-endian.
std::string make_envelope(std::string_view payload, archive_format format, std::uint32_t version) {
  return make_envelope(payload.size(), crc32c(payload.data(), payload.size()), format, version);
}

std::string make_envelope(std::uint64_t length, std::uint32_t crc, archive_format format) {
  return make_envelope(length, crc, format, written_format_version(format));
}

std::string make_envelope(std::uint64_t length, std::uint32_t crc, archive_format format, std::uint32_t version) {
  unsigned char h[snapshot_header_size] = {};
  std::memcpy(h, magic, 8);
  put32(h + 8, version);
  put32(h + 12, boost_archive_version());
  h[16] = static_cast<unsigned char>(format);
  h[17] = host_little_endian() ? 1 : 2;
  host_sizes(h + 18);
  put64(h + 32, length);
  put32(h + 40, crc);
  put32(h + 44, crc32c(h, 44));
  return std::string(reinterpret_cast<const char*>(h), snapshot_header_size);
}

std::string make_envelope(std::string_view payload, archive_format format) {
  return make_envelope(payload, format, written_format_version(format));
}

std::string seal_snapshot(std::string_view payload, archive_format format) {
  return seal_snapshot(payload, format, written_format_version(format));
}

std::string seal_snapshot(std::string_view payload, archive_format format, std::uint32_t version) {
  std::string out = make_envelope(payload, format, version);
  out.append(payload);
  return out;
}

result<snapshot_header> check_envelope_header(std::string_view front, std::uint64_t size) {
  if (size < snapshot_header_size || front.size() < snapshot_header_size) {
    return corrupt("the file is " + std::to_string(size) + " bytes, shorter than the " +
                   std::to_string(snapshot_header_size) + "-byte snapshot header");
  }
  const auto* h = reinterpret_cast<const unsigned char*>(front.data());
  if (std::memcmp(h, magic, 8) != 0) return corrupt("not a relstore snapshot (bad magic bytes)");
  if (get32(h + 44) != crc32c(h, 44)) return corrupt("the snapshot header checksum does not match");
  snapshot_header out;
  out.format_version = get32(h + 8);
  out.boost_archive_version = get32(h + 12);
  if (out.format_version > snapshot_format_version || out.format_version == 0) {
    return make_error(errc::snapshot_version, "snapshot format version " + std::to_string(out.format_version) +
                                                  " is not supported (this build reads version " +
                                                  std::to_string(snapshot_format_version) + ")");
  }
  if (out.boost_archive_version > boost_archive_version()) {
    return make_error(errc::snapshot_version,
                      "snapshot written with Boost archive version " + std::to_string(out.boost_archive_version) +
                          ", newer than this build's " + std::to_string(boost_archive_version()));
  }
  if (h[16] > static_cast<unsigned char>(archive_format::xml)) {
    return corrupt("unknown archive format " + std::to_string(h[16]));
  }
  out.format = static_cast<archive_format>(h[16]);
  out.little_endian = h[17] == 1;
  std::memcpy(out.sizes, h + 18, 7);
  for (int i = 25; i < 32; ++i) {
    if (h[i] != 0) return corrupt("reserved header bytes are not zero");
  }
  if (h[17] != 1 && h[17] != 2) return corrupt("bad byte order mark");
  std::uint8_t mine[7];
  host_sizes(mine);
  if (out.format == archive_format::binary &&
      (out.little_endian != host_little_endian() || std::memcmp(mine, out.sizes, 7) != 0)) {
    return make_error(
        errc::snapshot_platform,
        std::string("binary snapshot from another platform (") + (out.little_endian ? "little" : "big") +
            "-endian, sizeof int/long/long long/double/size_t/wchar_t/bool = " + std::to_string(out.sizes[0]) + "/" +
            std::to_string(out.sizes[1]) + "/" + std::to_string(out.sizes[2]) + "/" + std::to_string(out.sizes[3]) +
            "/" + std::to_string(out.sizes[4]) + "/" + std::to_string(out.sizes[5]) + "/" +
            std::to_string(out.sizes[6]) + "); convert it to text or xml there");
  }
  out.payload_length = get64(h + 32);
  out.payload_crc = get32(h + 40);
  const std::uint64_t actual = size - snapshot_header_size;
  if (out.payload_length != actual) {
    return corrupt("the payload is " + std::to_string(actual) + " bytes but the header says " +
                   std::to_string(out.payload_length) +
                   (actual < out.payload_length ? " (truncated)" : " (trailing bytes)"));
  }
  return out;
}

std::uint64_t declared_payload_length(std::string_view front) {
  RELSTORE_ASSERT(front.size() >= snapshot_header_size, "declared_payload_length: a front shorter than the header");
  return get64(reinterpret_cast<const unsigned char*>(front.data()) + 32);
}

result<snapshot_header> check_envelope(const char* data, std::size_t size) {
  auto out = check_envelope_header({data, std::min<std::size_t>(size, snapshot_header_size)}, size);
  if (out && crc32c(data + snapshot_header_size, size - snapshot_header_size) != out->payload_crc) {
    return corrupt("the payload checksum does not match (the file is damaged)");
  }
  return out;
}

}  // namespace detail
}  // namespace relstore
