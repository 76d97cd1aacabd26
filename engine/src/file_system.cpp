// The POSIX calls behind file_system.
#include "relstore/file_system.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>

namespace relstore {

int file_system::open(const char* path, int flags, mode_t mode) { return ::open(path, flags, mode); }
ssize_t file_system::read(int fd, void* data, std::size_t size) { return ::read(fd, data, size); }
ssize_t file_system::write(int fd, const void* data, std::size_t size) { return ::write(fd, data, size); }
ssize_t file_system::pwrite(int fd, const void* data, std::size_t size, off_t offset) {
  return ::pwrite(fd, data, size, offset);
}
int file_system::fstat(int fd, struct stat* st) { return ::fstat(fd, st); }
int file_system::fsync(int fd) { return ::fsync(fd); }
int file_system::close(int fd) { return ::close(fd); }
int file_system::rename(const char* from, const char* to) { return ::rename(from, to); }
int file_system::unlink(const char* path) { return ::unlink(path); }

file_system& default_file_system() noexcept {
  static file_system posix;
  return posix;
}

}  // namespace relstore
