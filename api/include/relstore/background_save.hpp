// Background saves: a snapshot of the store as it is at the call, written
// while the game goes on running and writing.
//
// save_in_background() records which entities are live (one bit each; no
// entity is read) and returns. The store is then encoded in place, a slice
// at a time, on the game's own thread inside poll() (the encoder runs in a
// fiber, so no thread is woken); between polls the game runs and writes.
// The encoded bytes go to a thread of the save's own, which writes the
// file: poll() never waits on the disk. An entity the game
// writes or deletes before the save has read it for the last time is
// copied first, as it was, and the save reads the copy: the save's extra
// memory is what the game changed meanwhile. The file is written as save()
// writes it (temporary file, fsync, rename, folder fsync), its rows in
// storage order. Writes made after the call go on and are not in the file;
// entities created after it cost nothing.
//
// Threads: the store is read only inside poll(), wait() and the
// destructor, on the thread that calls them. The save's own thread writes
// the file and frees the copies; it never touches the store.
// REQUIRES: those are called on the thread that writes the store, as is
// every write to the store while the save runs (the store's own rules). The
// store may be destroyed or reloaded meanwhile: its entities are then
// copied as they go.
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <optional>

#include "relstore/detail/function_ref.hpp"
#include "relstore/detail/point_in_time_source.hpp"
#include "relstore/error.hpp"
#include "relstore/snapshot.hpp"
#include "relstore/store.hpp"

namespace relstore {

class background_save;

namespace detail {
// The untyped half of save_in_background: claims `path`, then takes the
// store's rows with start() and hands them to the handle. Errors: busy
// (before start() runs), io_error (out of memory).
result<background_save> start_background_save(const std::filesystem::path& path, const save_options& options,
                                              function_ref<std::unique_ptr<point_in_time_source>()> start);
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
  // Lets the save read the store for about `budget` (at least a few hundred
  // rows), then returns the save's result once it has finished, returned
  // once (running() is false afterwards), or nothing while it runs. Call it
  // once per frame: the save reads the store only here. A
  // failure (disk full, permission, out of memory) is io_error with the
  // reason; one before the rename leaves the previous snapshot, one after
  // it (the folder's sync) the new one, as save() does. REQUIRES: running().
  std::optional<result<void>> poll(std::chrono::microseconds budget = std::chrono::microseconds{500});
  // Lets the save read what is left at once, then blocks until the file is
  // written; the result. REQUIRES: running().
  result<void> wait() noexcept;

  // Entities live at the call and not copied aside, in the models the save
  // has not finished reading; 0 once it is done with the store.
  std::size_t pending() const noexcept;
  // The most memory the save's copies held at once, in bytes: the entities
  // the game wrote or deleted before the save had read them, as they were.
  // 0 until the result was collected.
  std::size_t copy_bytes() const noexcept;

 private:
  friend result<background_save> detail::start_background_save(
      const std::filesystem::path&, const save_options&,
      detail::function_ref<std::unique_ptr<detail::point_in_time_source>()>);
  struct job;
  std::unique_ptr<job> job_;
};

// Starts a save of `path` holding the store as save(db, path, options) would
// at this moment (inside an open transaction, uncommitted writes included;
// rows in storage order, where save() sorts them by key); returns
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
  auto start = [&] { return detail::snapshot_bridge<Schema>::start_source(detail::store_access::of(db)); };
  return detail::start_background_save(path, options, start);
}

}  // namespace relstore
