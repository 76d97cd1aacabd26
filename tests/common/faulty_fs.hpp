// A file_system that fails one step of a save, for the crash-safety tests
// of save() and save_in_background().
#pragma once

#include <gtest/gtest.h>

#include <cerrno>
#include <string>

#include <relstore/file_system.hpp>

namespace test {

// Which step fails, and how.
struct fault {
  enum step { none, open, write, fsync, close, rename, dir_open, dir_fsync, header, payload } at = none;
  int err = EIO;
};
// Fails the step `at` with `err`; every other call is the real one.
class faulty_fs : public relstore::file_system {
 public:
  explicit faulty_fs(fault f) : f_(f) {}
  int open(const char* p, int flags, mode_t mode) override {
    ++opens_;
    if ((f_.at == fault::open && opens_ == 1) || (f_.at == fault::dir_open && opens_ == 2)) return fail<int>();
    return file_system::open(p, flags, mode);
  }
  ssize_t write(int fd, const void* d, std::size_t n) override {
    ++writes_;
    // write: from the first call (the envelope's place); payload: from the
    // second (the streamed payload).
    if (f_.at == fault::write || (f_.at == fault::payload && writes_ > 1)) {
      // A short write first, then the failure: partial data must not survive.
      half_ = !half_;
      if (half_ && n > 1) return file_system::write(fd, d, n / 2);
      return fail<ssize_t>();
    }
    return file_system::write(fd, d, n);
  }
  // The envelope, written last at offset 0.
  ssize_t pwrite(int fd, const void* d, std::size_t n, off_t offset) override {
    if (f_.at == fault::header) {
      half_ = !half_;
      if (half_ && n > 1) return file_system::pwrite(fd, d, n / 2, offset);
      return fail<ssize_t>();
    }
    return file_system::pwrite(fd, d, n, offset);
  }
  int fsync(int fd) override {
    ++fsyncs_;
    if ((f_.at == fault::fsync && fsyncs_ == 1) || (f_.at == fault::dir_fsync && fsyncs_ == 2)) return fail<int>();
    return file_system::fsync(fd);
  }
  int close(int fd) override {
    const int r = file_system::close(fd);
    if (f_.at == fault::close) return fail<int>();
    return r;
  }
  int rename(const char* a, const char* b) override {
    if (f_.at == fault::rename) return fail<int>();
    return file_system::rename(a, b);
  }

 private:
  template <class T>
  T fail() {
    errno = f_.err;
    return -1;
  }
  fault f_;
  int opens_ = 0, fsyncs_ = 0, writes_ = 0;
  bool half_ = false;
};

inline std::string fault_name(const ::testing::TestParamInfo<fault>& param_info) {
  static const char* const names[] = {"none",   "open",     "write",     "fsync",  "close",
                                      "rename", "dir_open", "dir_fsync", "header", "payload"};
  return std::string(names[param_info.param.at]) + "_" + std::to_string(param_info.param.err);
}

// One fault per step, with the errors a disk gives.
inline auto every_fault() {
  return ::testing::Values(fault{fault::open, EACCES}, fault{fault::write, EIO}, fault{fault::write, ENOSPC},
                           fault{fault::fsync, EIO}, fault{fault::fsync, ENOSPC}, fault{fault::close, EIO},
                           fault{fault::rename, EXDEV}, fault{fault::dir_open, EMFILE}, fault{fault::dir_fsync, EIO},
                           fault{fault::header, ENOSPC}, fault{fault::payload, ENOSPC});
}

}  // namespace test
