// Whole-file I/O for snapshots: crash-safe writes and reads that never
// block on a special file. Every failure is an io_error naming the path and
// the OS reason (never an errno that was not set). Internal.
#pragma once

#include <filesystem>
#include <initializer_list>
#include <string>
#include <string_view>

#include "relstore/error.hpp"
#include "relstore/file_system.hpp"

namespace relstore::detail {

// Writes `parts`, in order, to `path` atomically: a temporary file in the
// same folder, fsync, close, rename over `path`, fsync the folder. On any
// failure before the rename the previous file is untouched and the
// temporary one removed; a failed folder sync is reported after the rename.
result<void> write_file_atomic(file_system& fs, const std::filesystem::path& path,
                               std::initializer_list<std::string_view> parts);

// Reads the regular file at `path` whole. It is opened without blocking
// and checked before it is read, so a FIFO, a device or a folder is an
// io_error at once.
result<std::string> read_regular_file(file_system& fs, const std::filesystem::path& path);

}  // namespace relstore::detail
