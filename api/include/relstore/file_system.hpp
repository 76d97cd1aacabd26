// file_system: the system calls a snapshot save or load makes, as leveldb's
// Env. Each member defaults to the POSIX call; a test overrides one to
// inject a fault, and passes its object in save_options or load_options,
// so tests with different faults can run side by side.
//
// Thread-safety: the default object is stateless and may be shared; a
// replacement must be safe for the calls made on it.
//
// Vocabulary header: includes only other vocabulary headers.
#pragma once

#include <sys/stat.h>
#include <sys/types.h>

#include <cstddef>

namespace relstore {

class file_system {
 public:
  virtual ~file_system() = default;
  // Each returns what the POSIX call returns and sets errno as it does.
  virtual int open(const char* path, int flags, mode_t mode);
  virtual ssize_t read(int fd, void* data, std::size_t size);
  virtual ssize_t write(int fd, const void* data, std::size_t size);
  virtual int fstat(int fd, struct stat* st);
  virtual int fsync(int fd);
  virtual int close(int fd);
  virtual int rename(const char* from, const char* to);
  virtual int unlink(const char* path);
  // A save streams its payload with write(), then writes the envelope at
  // offset 0 with pwrite(): a replacement that overrides write (to count,
  // redirect or fail it) should override pwrite too.
  virtual ssize_t pwrite(int fd, const void* data, std::size_t size, off_t offset);
};

// The POSIX calls. Lives for the program.
file_system& default_file_system() noexcept;

}  // namespace relstore
