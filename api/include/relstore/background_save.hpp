// Background saves: a snapshot of the store as it is at the call, written
// while the game goes on running and writing.
//
// save_in_background() records which entities are live (one bit each; no
// entity is read) and returns. From then on the store keeps a point-in-time
// copy lazily: an entity is copied, as it was at the call, just before the
// game first writes or deletes it, and poll() copies the others a slice at
// a time. Once every entity is copied, a thread of the save's own sorts the
// copy by key and writes the file exactly as save() does (temporary file,
// fsync, rename, folder fsync). Writes made after the call go on and are
// not in the file; entities created after it cost nothing.
//
// Threads: the copying runs on the thread that writes the store, inside the
// store's own writes and in poll(), wait() and the destructor.
// REQUIRES: those are called on that thread, as is every write to the store
// while the copy runs (the store's own rules). The store may be destroyed
// or reloaded meanwhile: its entities are then copied as they go.
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <optional>

#include "relstore/detail/function_ref.hpp"
#include "relstore/detail/point_in_time_copy.hpp"
#include "relstore/error.hpp"
#include "relstore/snapshot.hpp"
#include "relstore/store.hpp"

namespace relstore {

class background_save;

namespace detail {
// The untyped half of save_in_background: claims `path`, then begins the
// copy with start() and hands it to the handle. Errors: busy (before
// start() runs), io_error (out of memory).
result<background_save> start_background_save(const std::filesystem::path& path, const save_options& options,
                                              function_ref<std::unique_ptr<point_in_time_copy>()> start);
// Whether a background save of `path` (resolved as the busy rule resolves
// it) has not been collected yet.
bool background_save_running(const std::filesystem::path& path);
}  // namespace detail

// A running background save: shaped like a future. Not synchronised: use it
// from the thread that writes the store (the game's loop, typically).
class background_save {
 public:
  // No save.
  background_save() noexcept;
  background_save(background_save&& other) noexcept;
  background_save& operator=(background_save&& other) noexcept;
  // Finishes a save still running (the file is then complete or, on an
  // error, the previous snapshot is untouched); its result is dropped.
  ~background_save();

  // True until the result has been collected by poll() or wait().
  bool running() const noexcept;
  // Copies entities for about `budget` (at least a few hundred), then
  // returns the save's result once it has finished, returned once
  // (running() is false afterwards), or nothing while it runs. Call it once
  // per frame: the copy advances only here and in the store's writes. A
  // failure (disk full, permission, out of memory) is io_error with the
  // reason; one before the rename leaves the previous snapshot, one after
  // it (the folder's sync) the new one, as save() does. REQUIRES: running().
  std::optional<result<void>> poll(std::chrono::microseconds budget = std::chrono::microseconds{500});
  // Copies what is left at once, then blocks until the file is written;
  // the result. REQUIRES: running().
  result<void> wait() noexcept;

  // Entities still to copy; 0 once the file is being written.
  std::size_t pending() const noexcept;
  // The memory the save's copy of the store held, in bytes: its columns,
  // reserved at the call for every entity then live. 0 until the result
  // was collected.
  std::size_t copy_bytes() const noexcept;

 private:
  friend result<background_save> detail::start_background_save(
      const std::filesystem::path&, const save_options&,
      detail::function_ref<std::unique_ptr<detail::point_in_time_copy>()>);
  struct job;
  std::unique_ptr<job> job_;
};

// Starts a save of `path` as save(db, path, options) would write it at this
// moment (inside an open transaction, uncommitted writes included); returns
// at once. At most one save per file runs at a time: a background save or a
// save() of the same file (symbolic links resolved) before the running
// one's result was collected is refused with busy (it would be overwritten
// by the older state), and the running one goes on. Saves to other files
// run side by side, of the same store or not. `path` is made absolute at
// the call. REQUIRES: options.fs, if set, lives until the result is
// collected and may be called from the save's own thread.
// Errors: busy, io_error (out of memory).
template <class Schema>
[[nodiscard]] result<background_save> save_in_background(const store<Schema>& db, const std::filesystem::path& path,
                                                         save_options options = {}) {
  auto start = [&] { return detail::snapshot_bridge<Schema>::start_copy(detail::store_access::of(db)); };
  return detail::start_background_save(path, options, start);
}

}  // namespace relstore
