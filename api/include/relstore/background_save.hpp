// Background saves: a snapshot of the store as it is at the call, written
// while the game goes on running and writing.
//
// save_in_background() forks the process (as Redis's BGSAVE does): the
// child sees memory frozen at the fork through copy-on-write, writes the
// snapshot exactly as save() does (temporary file, fsync, rename, folder
// fsync) and reports its result. The caller's only stall is the fork, which
// copies the page tables of the whole process. Writes made after the call go
// on at full speed (the first write to each page after the fork copies that
// page) and are not in the file. Linux and other POSIX systems only.
//
// Threads: only the calling thread exists in the child. REQUIRES: no other
// thread holds a lock the save takes (relstore takes none; glibc's malloc is
// fork-safe; a file_system replacement that shares a mutex with other
// threads is not).
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>

#include "relstore/detail/child_process.hpp"
#include "relstore/error.hpp"
#include "relstore/snapshot.hpp"
#include "relstore/store.hpp"

namespace relstore {

class background_save;

namespace detail {
// The untyped half of save_in_background: runs `job` (which writes `path`)
// in a forked process. Errors: busy, io_error.
result<background_save> start_background_save(const std::filesystem::path& path, function_ref<result<void>()> job);
// Whether a background save of `path` (resolved as the busy rule resolves
// it) has not been collected yet; false inside the saving process.
bool background_save_running(const std::filesystem::path& path);
}  // namespace detail

// A running background save: shaped like a future. Not synchronised: use it
// from one thread (the game's loop, typically).
class background_save {
 public:
  // No save.
  background_save() = default;
  background_save(background_save&& other) noexcept;
  background_save& operator=(background_save&& other) noexcept;
  // Waits for a save still running (the file is then complete or, on an
  // error, the previous snapshot is untouched); its result is dropped.
  ~background_save();

  // True until the result has been collected by poll() or wait().
  bool running() const noexcept { return job_.running(); }
  // The save's result once it has finished, returned once (running() is
  // false afterwards); nothing while it runs. Never blocks. A failure (disk
  // full, permission, the saving process killed) is io_error with the reason;
  // a failure before the rename leaves the previous snapshot, one after it
  // (the folder's sync) the new one, as save() does. A killed saver's
  // temporary file is removed. REQUIRES: running().
  std::optional<result<void>> poll();
  // Blocks until the save has finished; its result. REQUIRES: running().
  result<void> wait();
  // The saving process's id (to watch or signal it). REQUIRES: running():
  // after the result was collected the process may be gone and its id reused.
  pid_t pid() const noexcept { return job_.pid(); }
  // The saving process's peak resident memory in bytes, counting the pages
  // it still shares with the game; 0 until the result was collected.
  std::size_t saver_peak_rss() const noexcept { return job_.peak_rss(); }

 private:
  friend result<background_save> detail::start_background_save(const std::filesystem::path&,
                                                               detail::function_ref<result<void>()>);
  void finish(const result<void>& r);
  void release() noexcept;

  detail::child_job job_;
  std::string target_;  // in the process's set of running targets while non-empty
  std::filesystem::path path_;
  pid_t pid_ = -1;
};

// Starts a save of `path` as it would be written by save(db, path,
// options); returns at once. At most one save per file runs at a time: a
// background save or a save() of the same file (symbolic links resolved)
// before the running one's result was collected is refused with busy (it
// would be overwritten by the older state), and the running one goes on.
// Saves to other files run side by side. Errors: busy, io_error (the
// process could not be forked).
template <class Schema>
[[nodiscard]] result<background_save> save_in_background(const store<Schema>& db, const std::filesystem::path& path,
                                                         save_options options = {}) {
  auto job = [&]() -> result<void> { return save(db, path, options); };
  return detail::start_background_save(path, job);
}

}  // namespace relstore
