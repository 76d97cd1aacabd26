// child_process: runs a job in a forked copy of this process and reports its
// result back through a pipe, as Redis's BGSAVE does. The child sees memory
// exactly as it was at the fork (copy-on-write), so the job reads a frozen
// store while the parent goes on writing. Internal; POSIX only.
//
// Thread-safety: a child_job is used by one thread at a time. Only the
// thread that calls start() exists in the child: REQUIRES that no other
// thread holds a lock the job takes (glibc's malloc is safe; a file_system
// replacement that locks a mutex other threads use is not).
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <optional>
#include <string>

#include "relstore/detail/function_ref.hpp"
#include "relstore/error.hpp"

namespace relstore::detail {

class child_job {
 public:
  // No job.
  child_job() = default;
  child_job(child_job&& other) noexcept;
  child_job& operator=(child_job&& other) noexcept;
  child_job(const child_job&) = delete;
  child_job& operator=(const child_job&) = delete;
  // Waits for a running job (and discards its result).
  ~child_job();

  // Forks; the child runs `job`, writes its result to the pipe and leaves
  // with _exit (no destructors, no atexit handlers, no stdio flush). `job`
  // must not throw out (an exception is reported as io_error). Errors:
  // io_error when the pipe or the fork fails.
  static result<child_job> start(function_ref<result<void>()> job);

  // True until the job's result has been collected by poll() or wait().
  bool running() const noexcept { return pid_ > 0; }
  pid_t pid() const noexcept { return pid_; }
  // The job's result if the child has finished (collected once: running()
  // is then false), or nothing yet. Never blocks. REQUIRES: running().
  std::optional<result<void>> poll();
  // Blocks until the child has finished. REQUIRES: running().
  result<void> wait();
  // The child's peak resident set in bytes (pages it shares with the parent
  // included), known once its result was collected; 0 before.
  std::size_t peak_rss() const noexcept { return peak_rss_; }

 private:
  // Reads what the child wrote; true at end of file.
  bool drain(bool block);
  result<void> reap();
  void reset() noexcept;

  pid_t pid_ = -1;
  int fd_ = -1;
  std::string report_;
  std::size_t peak_rss_ = 0;
};

}  // namespace relstore::detail
