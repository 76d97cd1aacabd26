// Whole-file I/O for snapshots: crash-safe writes and reads that never
// block on a special file. Every failure is an io_error naming the path and
// the OS reason (never an errno that was not set). Internal.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <string>
#include <string_view>

#include "relstore/detail/function_ref.hpp"
#include "relstore/error.hpp"
#include "relstore/file_system.hpp"

namespace relstore::detail {

// Writes a file to `path` atomically: a temporary file in the same folder,
// fsync, close, rename over `path`, fsync the folder. On any failure before
// the rename the previous file is untouched and the temporary one removed;
// a failed folder sync is reported after the rename.
// The file's first `header_size` bytes depend on the rest: body(out)
// streams the rest through `out` (buffered: it is never held whole in
// memory), then header(length, crc), given the length and CRC32C of what
// body wrote, returns those bytes, written at offset 0 before the fsync. A
// failed write is an io_error with the OS reason; body's own error is
// returned as it is.
// REQUIRES: header returns header_size bytes.
result<void> write_file_atomic_streamed(file_system& fs, const std::filesystem::path& path, std::size_t header_size,
                                        function_ref<result<void>(std::ostream&)> body,
                                        function_ref<std::string(std::uint64_t, std::uint32_t)> header);

// Reads the regular file at `path` whole. It is opened without blocking
// and checked before it is read, so a FIFO, a device or a folder is an
// io_error at once.
result<std::string> read_regular_file(file_system& fs, const std::filesystem::path& path);

}  // namespace relstore::detail
