// Crash-safe writes and non-blocking, checked reads of whole files.
#include "relstore/detail/file_io.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>

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

}  // namespace

result<void> write_file_atomic(file_system& fs, const std::filesystem::path& path,
                               std::initializer_list<std::string_view> parts) {
  static std::atomic<unsigned> counter{0};
  std::filesystem::path dir = path.parent_path();
  if (dir.empty()) dir = ".";
  const std::filesystem::path temp =
      dir / (path.filename().string() + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(counter++));

  const int fd = fs.open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return os_error("cannot create", temp, errno);
  auto abandon = [&](const std::string& what, int err) {
    fs.close(fd);
    fs.unlink(temp.c_str());
    return os_error(what, temp, err);
  };
  for (std::string_view part : parts) {
    const char* p = part.data();
    std::size_t left = part.size();
    while (left > 0) {
      const ssize_t n = fs.write(fd, p, left);
      if (n < 0) {
        if (errno == EINTR) continue;
        return abandon("cannot write", errno);
      }
      if (n == 0) return abandon("cannot write", EIO);
      p += n;
      left -= static_cast<std::size_t>(n);
    }
  }
  if (fs.fsync(fd) != 0) return abandon("cannot fsync", errno);  // never retried: the page cache state is unknown
  if (fs.close(fd) != 0) {
    const int err = errno;
    fs.unlink(temp.c_str());
    return os_error("cannot close", temp, err);
  }
  if (fs.rename(temp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    fs.unlink(temp.c_str());
    return os_error("cannot rename the snapshot over", path, err);
  }
  const int dfd = fs.open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
  if (dfd < 0) return os_error("saved, but cannot open the folder to sync it:", dir, errno);
  const int sync = fs.fsync(dfd);
  const int err = errno;
  fs.close(dfd);
  if (sync != 0) return os_error("saved, but cannot fsync the folder", dir, err);
  return {};
}

result<std::string> read_regular_file(file_system& fs, const std::filesystem::path& path) {
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
  std::string bytes(static_cast<std::size_t>(st.st_size), '\0');
  std::size_t got = 0;
  while (got < bytes.size()) {
    const ssize_t n = fs.read(fd, bytes.data() + got, bytes.size() - got);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n < 0) {
      const int err = errno;
      fs.close(fd);
      return os_error("cannot read", path, err);
    }
    if (n == 0) break;  // the file shrank while being read: the checksum will say so
    got += static_cast<std::size_t>(n);
  }
  fs.close(fd);
  bytes.resize(got);
  return bytes;
}

}  // namespace relstore::detail
