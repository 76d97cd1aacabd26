// Snapshots of datasets, to paths and streams.
#include "relstore/snapshot.hpp"

#include <istream>
#include <ostream>

#include "relstore/background_save.hpp"
#include "relstore/detail/codec.hpp"
#include "relstore/detail/envelope.hpp"
#include "relstore/detail/snapshot_file.hpp"

namespace relstore {

namespace detail {

result<void> save_columns(const column_store& data, const std::filesystem::path& path, const save_options& options) {
  if (background_save_running(path)) {
    return make_error(errc::busy, "a background save of " + path.string() +
                                      " is still running: a save now would be overwritten by its older state");
  }
  return write_snapshot_file(data, path, options.format, options.fs ? *options.fs : default_file_system());
}

result<void> save_columns(const column_store& data, std::ostream& out, const save_options& options) {
  return encode(data, options.format).and_then([&](const std::string& payload) -> result<void> {
    const std::string header = make_envelope(payload, options.format);
    out.write(header.data(), static_cast<std::streamsize>(header.size()));
    out.write(payload.data(), static_cast<std::streamsize>(payload.size()));
    out.flush();
    if (!out) return make_error(errc::io_error, "cannot write the snapshot to the stream");
    return {};
  });
}

result<void> out_of_memory_loading() {
  return make_error(errc::io_error, "the snapshot cannot be loaded: out of memory");
}

result<column_store> load_columns(const std::filesystem::path& path, const load_options& options) {
  return read_snapshot_file(path, nullptr, options.fs ? *options.fs : default_file_system());
}

result<column_store> load_columns(std::istream& in) { return read_snapshot_stream(in, nullptr); }

}  // namespace detail

result<void> write_snapshot(const dataset& data, const std::filesystem::path& path, save_options options) {
  return detail::save_columns(detail::dataset_access::of(data), path, options);
}

result<void> write_snapshot(const dataset& data, std::ostream& out, save_options options) {
  return detail::save_columns(detail::dataset_access::of(data), out, options);
}

result<dataset> read_snapshot(const std::filesystem::path& path, snapshot_header* header, load_options options) {
  return detail::read_snapshot_file(path, header, options.fs ? *options.fs : default_file_system())
      .transform([](detail::column_store c) { return detail::dataset_access::make(std::move(c)); });
}

result<dataset> read_snapshot(std::istream& in, snapshot_header* header) {
  return detail::read_snapshot_stream(in, header).transform([](detail::column_store c) {
    return detail::dataset_access::make(std::move(c));
  });
}

}  // namespace relstore
