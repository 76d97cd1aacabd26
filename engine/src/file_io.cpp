// Crash-safe writes and non-blocking, checked reads of whole files.
#include "relstore/detail/file_io.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <new>
#include <ostream>
#include <streambuf>
#include <string>
#include <utility>
#include <vector>

#include "relstore/assert.hpp"
#include "relstore/detail/block_allocator.hpp"
#include "relstore/detail/crc32c.hpp"

namespace relstore::detail {
namespace {

error os_error(const std::string& what, const std::filesystem::path& path, int err) {
  return make_error(errc::io_error, what + " " + path.string() + ": " + std::strerror(err));
}

const char* kind_of(mode_t mode) {
  if (S_ISDIR(mode)) return "a folder";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

// A temporary file next to `path`, open for writing; what a failed save
// removes and a finished one renames over `path`.
struct temp_file {
  std::filesystem::path dir, name;
  int fd = -1;
};

result<temp_file> create_temp(file_system& fs, const std::filesystem::path& path) {
  static std::atomic<unsigned> counter{0};
  temp_file t;
  t.dir = path.parent_path();
  if (t.dir.empty()) t.dir = ".";
  t.name = t.dir / (path.filename().string() + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(counter++));
  t.fd = fs.open(t.name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (t.fd < 0) return os_error("cannot create", t.name, errno);
  return t;
}

// Closes and removes `t`.
void discard(file_system& fs, const temp_file& t) {
  fs.close(t.fd);
  fs.unlink(t.name.c_str());
}
// discard, and the error saying `what` failed with `err`.
error abandon(file_system& fs, const temp_file& t, const std::string& what, int err) {
  discard(fs, t);
  return os_error(what, t.name, err);
}

// Writes all of [p, p + n): at the file's offset, or at `offset` with
// pwrite if one is given; 0, or the errno of the failure (a write of 0 bytes
// is EIO). Interrupted writes are retried.
int write_all(file_system& fs, int fd, const char* p, std::size_t n, off_t offset = -1) {
  while (n > 0) {
    const ssize_t w = offset < 0 ? fs.write(fd, p, n) : fs.pwrite(fd, p, n, offset);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) return errno;
    if (w == 0) return EIO;
    p += w;
    n -= static_cast<std::size_t>(w);
    if (offset >= 0) offset += static_cast<off_t>(w);
  }
  return 0;
}

// fsync, close, rename over `path`, fsync the folder.
result<void> commit(file_system& fs, const temp_file& t, const std::filesystem::path& path) {
  if (fs.fsync(t.fd) != 0)
    return abandon(fs, t, "cannot fsync", errno);  // never retried: the page cache state is unknown
  if (fs.close(t.fd) != 0) {
    const int err = errno;
    fs.unlink(t.name.c_str());
    return os_error("cannot close", t.name, err);
  }
  if (fs.rename(t.name.c_str(), path.c_str()) != 0) {
    const int err = errno;
    fs.unlink(t.name.c_str());
    return os_error("cannot rename the new file over", path, err);
  }
  const int dfd = fs.open(t.dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
  if (dfd < 0) return os_error("saved, but cannot open the folder to sync it:", t.dir, errno);
  const int sync = fs.fsync(dfd);
  const int err = errno;
  fs.close(dfd);
  if (sync != 0) return os_error("saved, but cannot fsync the folder", t.dir, err);
  return {};
}

// An output streambuf writing to a file through a 1 MiB buffer, counting
// and checksumming what it writes. After the first failed write it writes
// nothing more and the stream fails; error() is that write's errno.
class file_sink : public std::streambuf {
 public:
  file_sink(file_system& fs, int fd) : fs_(fs), fd_(fd), buffer_(std::size_t{1} << 20) { reset(); }

  int error() const noexcept { return error_; }
  std::uint64_t length() const noexcept { return length_; }
  std::uint32_t crc() const noexcept { return crc_; }

 protected:
  int_type overflow(int_type c) override {
    if (!drain()) return traits_type::eof();
    if (!traits_type::eq_int_type(c, traits_type::eof())) {
      *pptr() = traits_type::to_char_type(c);
      pbump(1);
    }
    return traits_type::not_eof(c);
  }
  int sync() override { return drain() ? 0 : -1; }

 private:
  void reset() { setp(buffer_.data(), buffer_.data() + buffer_.size()); }
  bool drain() {
    if (error_ != 0) return false;
    const auto n = static_cast<std::size_t>(pptr() - pbase());
    crc_ = crc32c_extend(crc_, pbase(), n);
    length_ += n;
    error_ = write_all(fs_, fd_, pbase(), n);
    reset();
    return error_ == 0;
  }

  file_system& fs_;
  int fd_;
  std::vector<char> buffer_;
  int error_ = 0;
  std::uint64_t length_ = 0;
  std::uint32_t crc_ = 0;
};

}  // namespace

namespace {

// Where a save to `path` writes: through a symbolic link to the file it
// names (a dangling link is replaced), as an editor saves.
std::filesystem::path save_target(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::is_symlink(std::filesystem::symlink_status(path, ec))) return path;
  std::filesystem::path target = std::filesystem::canonical(path, ec);
  return ec ? path : target;
}

// The replaced file's permissions go to its replacement (a 0600 save stays
// 0600). Best effort: the new file keeps 0644 (less the umask) if the old
// one cannot be read or fchmod fails.
void keep_permissions(const std::filesystem::path& path, int fd) {
  std::error_code ec;
  const auto st = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::is_regular_file(st)) return;
  (void)::fchmod(fd, static_cast<mode_t>(st.permissions() & std::filesystem::perms::all));
}

}  // namespace

result<void> write_file_atomic_streamed(file_system& fs, const std::filesystem::path& requested,
                                        std::size_t header_size, function_ref<result<void>(std::ostream&)> body,
                                        function_ref<std::string(std::uint64_t, std::uint32_t)> header) {
  const std::filesystem::path path = save_target(requested);
  if (struct stat st{}; ::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {  // a rename would replace it
    return make_error(errc::io_error,
                      "cannot save over " + path.string() + ": it is " + kind_of(st.st_mode) + ", not a regular file");
  }
  auto t = create_temp(fs, path);
  if (!t) return std::move(t).error();
  keep_permissions(path, t->fd);
  const std::string room(header_size, '\0');  // keeps the header's place; a crash leaves only the temporary file
  if (const int err = write_all(fs, t->fd, room.data(), room.size()); err != 0) {
    return abandon(fs, *t, "cannot write", err);
  }
  try {
    file_sink sink(fs, t->fd);
    std::ostream out(&sink);
    auto streamed = body(out);
    if (streamed) sink.pubsync();                                                 // a failed body's rest is not written
    if (sink.error() != 0) return abandon(fs, *t, "cannot write", sink.error());  // the OS reason, not the stream's
    if (!streamed) {
      discard(fs, *t);
      return std::move(streamed).error();
    }
    if (!out) {
      discard(fs, *t);
      return make_error(errc::io_error, "cannot write " + t->name.string() + ": the output stream failed");
    }
    const std::string head = header(sink.length(), sink.crc());
    RELSTORE_ASSERT(head.size() == header_size, "write_file_atomic_streamed: a header of another size");
    if (const int err = write_all(fs, t->fd, head.data(), head.size(), 0); err != 0) {
      return abandon(fs, *t, "cannot write the header of", err);
    }
  } catch (...) {  // std::bad_alloc: nothing is left behind
    discard(fs, *t);
    throw;
  }
  return commit(fs, *t, path);
}

file_bytes::file_bytes(std::size_t capacity)
    : data_(capacity == 0 ? nullptr : static_cast<char*>(allocate_block(capacity, 1))), capacity_(capacity) {}

file_bytes::file_bytes(file_bytes&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)),
      size_(std::exchange(other.size_, 0)),
      capacity_(std::exchange(other.capacity_, 0)) {}

file_bytes& file_bytes::operator=(file_bytes&& other) noexcept {
  if (this != &other) {
    if (data_ != nullptr) free_block(data_, capacity_, 1);
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
    capacity_ = std::exchange(other.capacity_, 0);
  }
  return *this;
}

file_bytes::~file_bytes() {
  if (data_ != nullptr) free_block(data_, capacity_, 1);
}

void file_bytes::set_size(std::size_t n) noexcept {
  RELSTORE_ASSERT(n <= capacity_, "file_bytes::set_size past the capacity");
  size_ = n;
}

namespace {

// Reads up to `n` bytes into `to`; the count read (fewer at the end of the
// file, which may have shrunk: a checksum will say so), or -1 with errno.
ssize_t read_up_to(file_system& fs, int fd, char* to, std::size_t n) {
  std::size_t got = 0;
  while (got < n) {
    const ssize_t r = fs.read(fd, to + got, n - got);
    if (r < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (r < 0) return -1;
    if (r == 0) break;
    got += static_cast<std::size_t>(r);
  }
  return static_cast<ssize_t>(got);
}

}  // namespace

result<file_bytes> read_regular_file(file_system& fs, const std::filesystem::path& path) {
  return read_regular_file(fs, path, 0, [](std::string_view, std::uint64_t) -> result<void> { return {}; });
}

result<file_bytes> read_regular_file(file_system& fs, const std::filesystem::path& path, std::size_t front,
                                     function_ref<result<void>(std::string_view, std::uint64_t)> check) {
  // O_NONBLOCK: opening a FIFO with no writer, or a device, must not hang.
  const int fd = fs.open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY, 0);
  if (fd < 0) return os_error("cannot open", path, errno);
  struct stat st {};
  if (fs.fstat(fd, &st) != 0) {
    const int err = errno;
    fs.close(fd);
    return os_error("cannot stat", path, err);
  }
  if (!S_ISREG(st.st_mode)) {
    fs.close(fd);
    return make_error(errc::io_error,
                      "cannot read " + path.string() + ": it is " + kind_of(st.st_mode) + ", not a regular file");
  }
  const auto size = static_cast<std::uint64_t>(st.st_size);
  // The front first, checked before the whole file is allocated (on the
  // stack: running out of memory is reported below, as an io_error).
  RELSTORE_ASSERT(front <= max_front, "read_regular_file: a front past max_front");
  char front_bytes[max_front];
  const ssize_t in_head =
      read_up_to(fs, fd, front_bytes, static_cast<std::size_t>(std::min<std::uint64_t>(front, size)));
  if (in_head < 0) {
    const int err = errno;
    fs.close(fd);
    return os_error("cannot read", path, err);
  }
  const std::string_view head(front_bytes, static_cast<std::size_t>(in_head));
  if (auto r = check(head, size); !r) {
    fs.close(fd);
    return std::move(r).error();
  }
  file_bytes bytes;
  try {
    bytes = file_bytes(std::max(static_cast<std::size_t>(size), head.size()));
  } catch (const std::bad_alloc&) {
    fs.close(fd);
    return make_error(errc::io_error, "cannot read " + path.string() + ": its " + std::to_string(st.st_size) +
                                          " bytes do not fit in memory");
  }
  if (!head.empty()) std::memcpy(bytes.data(), head.data(), head.size());  // an empty file has no buffer
  ssize_t rest = 0;
  if (head.size() == front) {  // else the file ended within the front
    rest = read_up_to(fs, fd, bytes.data() + head.size(), bytes.capacity() - head.size());
  }
  const int err = errno;
  fs.close(fd);
  if (rest < 0) return os_error("cannot read", path, err);
  bytes.set_size(head.size() + static_cast<std::size_t>(rest));
  return bytes;
}

}  // namespace relstore::detail
