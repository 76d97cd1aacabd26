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
// a failed folder sync is reported after the rename. A symbolic link is
// written through (the file it names is replaced), and a replaced file's
// permissions are kept. A path naming what is not a regular file (a
// device, FIFO, folder) is an io_error, and is left as it is.
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

// A file's bytes, in memory from allocate_block that is not zeroed: bytes
// past size() are unspecified. Move-only; owns its memory.
class file_bytes {
 public:
  file_bytes() = default;
  // Room for `capacity` bytes, none of them valid yet. Throws std::bad_alloc.
  explicit file_bytes(std::size_t capacity);
  file_bytes(file_bytes&& other) noexcept;
  file_bytes& operator=(file_bytes&& other) noexcept;
  ~file_bytes();

  char* data() noexcept { return data_; }
  const char* data() const noexcept { return data_; }
  std::size_t size() const noexcept { return size_; }
  std::size_t capacity() const noexcept { return capacity_; }
  // REQUIRES: n <= capacity(), and the first n bytes were written.
  void set_size(std::size_t n) noexcept;
  std::string_view view() const noexcept { return {data_, size_}; }

 private:
  char* data_ = nullptr;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
};

// Reads the regular file at `path` whole. It is opened without blocking
// and checked before it is read, so a FIFO, a device or a folder is an
// io_error at once; so is a file whose size cannot be allocated.
result<file_bytes> read_regular_file(file_system& fs, const std::filesystem::path& path);
// As above, but check(front bytes, file size) first sees the file's size and
// its first `front` bytes (fewer if the file is shorter), before the rest is
// allocated or read: a file that is not what the caller reads costs no more.
// An error check returns is returned as it is. REQUIRES: front <= max_front.
inline constexpr std::size_t max_front = 64;
result<file_bytes> read_regular_file(file_system& fs, const std::filesystem::path& path, std::size_t front,
                                     function_ref<result<void>(std::string_view, std::uint64_t)> check);

}  // namespace relstore::detail
