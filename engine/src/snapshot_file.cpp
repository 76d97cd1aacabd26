// A snapshot as bytes and as a file.
#include "relstore/detail/snapshot_file.hpp"

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

result<void> write_snapshot_file(const column_store& data, const std::filesystem::path& path, archive_format format,
                                 file_system& fs) {
  auto payload = encode(data, format);
  if (!payload) return std::move(payload).error();
  const std::string header = make_envelope(*payload, format);
  return write_file_atomic(fs, path, {header, *payload});
}

result<column_store> read_snapshot_file(const std::filesystem::path& path, snapshot_header* header, file_system& fs) {
  return read_regular_file(fs, path).and_then([&](const std::string& bytes) { return decode_snapshot(bytes, header); });
}

}  // namespace relstore::detail
