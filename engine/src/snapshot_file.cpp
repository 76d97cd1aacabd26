// A snapshot as bytes and as a file.
#include "relstore/detail/snapshot_file.hpp"

#include <algorithm>
#include <ios>
#include <istream>
#include <limits>
#include <new>
#include <ostream>
#include <stdexcept>

#include "relstore/detail/codec.hpp"
#include "relstore/detail/envelope.hpp"
#include "relstore/detail/file_io.hpp"

namespace relstore::detail {

result<column_store> decode_snapshot(std::string_view bytes, snapshot_header* header) {
  auto h = check_envelope(bytes.data(), bytes.size());
  if (!h) return std::move(h).error();
  if (header != nullptr) *header = *h;
  return decode(bytes.substr(snapshot_header_size), h->format, h->format_version);
}

result<void> write_snapshot_file(row_source& rows, const std::filesystem::path& path, archive_format format,
                                 file_system& fs) {
  // Streamed: a save holds no copy of its payload (at 1M rows, 34 MB).
  return write_file_atomic_streamed(
      fs, path, snapshot_header_size, [&](std::ostream& out) { return encode_to(rows, format, out); },
      [&](std::uint64_t length, std::uint32_t crc) { return make_envelope(length, crc, format); });
}

result<void> write_snapshot_file(byte_pipe& bytes, const std::filesystem::path& path, archive_format format,
                                 file_system& fs) {
  return write_file_atomic_streamed(
      fs, path, snapshot_header_size, [&](std::ostream& out) { return bytes.drain_into(out); },
      [&](std::uint64_t length, std::uint32_t crc) { return make_envelope(length, crc, format); });
}

result<void> write_snapshot_file(const column_store& data, const std::filesystem::path& path, archive_format format,
                                 file_system& fs) {
  column_store_rows rows(data);
  return write_snapshot_file(rows, path, format, fs);
}

namespace {

// Turns off `in`'s exceptions while alive (a caller's exceptions() mask
// would make the read of the byte past a snapshot throw at its end), and
// restores the mask, without the throw that restoring may cause.
class exceptions_off {
 public:
  explicit exceptions_off(std::istream& in) : in_(in), mask_(in.exceptions()) { in.exceptions(std::ios::goodbit); }
  exceptions_off(const exceptions_off&) = delete;
  exceptions_off& operator=(const exceptions_off&) = delete;
  ~exceptions_off() {
    try {
      in_.exceptions(mask_);
    } catch (const std::ios_base::failure&) {  // the state the caller asked to hear of: it reads rdstate()
    }
  }

 private:
  std::istream& in_;
  std::ios::iostate mask_;
};

}  // namespace

result<column_store> read_snapshot_stream(std::istream& in, snapshot_header* header) {
  const exceptions_off quiet(in);
  if (!in) return make_error(errc::io_error, "cannot read the snapshot stream: it has ended or failed already");
  std::string bytes(snapshot_header_size, '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(snapshot_header_size));
  if (in.bad()) return make_error(errc::io_error, "cannot read the snapshot stream");
  bytes.resize(static_cast<std::size_t>(in.gcount()));
  if (bytes.size() < snapshot_header_size) {
    return make_error(errc::snapshot_corrupt, "the stream ends after " + std::to_string(bytes.size()) +
                                                  " bytes, within the " + std::to_string(snapshot_header_size) +
                                                  "-byte snapshot header");
  }
  const std::uint64_t declared =
      std::min(declared_payload_length(bytes), std::numeric_limits<std::uint64_t>::max() - snapshot_header_size - 1);
  if (auto h = check_envelope_header(bytes, snapshot_header_size + declared); !h) return std::move(h).error();
  const auto too_big = [&] {
    return make_error(errc::io_error, "cannot read the snapshot stream: its payload of " + std::to_string(declared) +
                                          " bytes does not fit in memory");
  };
  try {
    char block[1 << 16];
    for (std::uint64_t want = declared + 1; want > 0 && in;) {
      in.read(block, static_cast<std::streamsize>(std::min<std::uint64_t>(want, sizeof block)));
      bytes.append(block, static_cast<std::size_t>(in.gcount()));
      want -= static_cast<std::uint64_t>(in.gcount());
    }
  } catch (const std::bad_alloc&) {
    return too_big();
  } catch (const std::length_error&) {
    return too_big();
  }
  if (in.bad()) return make_error(errc::io_error, "cannot read the snapshot stream");
  if (bytes.size() - snapshot_header_size > declared) {
    return make_error(errc::snapshot_corrupt, "the stream goes on past the " + std::to_string(declared) +
                                                  " payload bytes its header declares (trailing bytes)");
  }
  return decode_snapshot(bytes, header);
}

result<column_store> read_snapshot_file(const std::filesystem::path& path, snapshot_header* header, file_system& fs) {
  // The header first: a file that is no snapshot (or whose length field
  // disagrees with its size) is refused before it is read whole.
  auto header_first = [](std::string_view front, std::uint64_t size) -> result<void> {
    if (auto h = check_envelope_header(front, size); !h) return std::move(h).error();
    return {};
  };
  return read_regular_file(fs, path, snapshot_header_size, header_first).and_then([&](const file_bytes& bytes) {
    return decode_snapshot(bytes.view(), header);
  });
}

}  // namespace relstore::detail
