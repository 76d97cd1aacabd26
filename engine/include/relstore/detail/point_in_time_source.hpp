// point_in_time_source: a store's rows as they were at one moment, read in
// place by a snapshot encoder on a thread of its own while the store goes on
// being written. Each model's node pool is watched (node_pool::watch): an
// entity the store's thread writes or destroys before the encoder has read
// it for the last time is copied first, as it was, and the encoder reads
// that copy instead. The extra memory is those copies: what the game
// changed, as it was. Internal.
//
// Threads: the encoder (the reader) and the thread that writes the store
// take turns (class turn): the reader touches the store and the pools only
// during a turn the store's thread lends it, and that thread waits meanwhile.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <memory_resource>
#include <mutex>
#include <vector>

#include "relstore/detail/encoder.hpp"
#include "relstore/detail/node_pool.hpp"
#include "relstore/registry.hpp"

namespace relstore::detail {

// Two threads taking turns: the owner (the store's thread) lends the turn
// to the reader until a deadline; the reader gives it back once the deadline
// has passed, or for good once it is done with the store.
class turn {
 public:
  using clock = std::chrono::steady_clock;
  // Owner: lets the reader run until `until`, if it waits for the store;
  // returns once it paused or finished, or at once if it is busy with its
  // own work (unless `until` is max: then it waits for it to need the
  // store). Returns false once it has finished (then at once).
  bool lend(clock::time_point until);
  // Reader: blocks until the turn is lent to it, unless it holds it.
  void take();
  // Reader: whether its time is up. REQUIRES: it holds the turn.
  bool due() const;
  // Reader: gives the turn back (take() waits for the next).
  void give_back();
  // Reader: gives the turn back for good. REQUIRES: it holds the turn.
  void finish();
  // Reader: gives the turn back if it holds it, with its time up (due() is
  // true until the next turn), so its next look at the clock waits for
  // that turn. Otherwise (between turns, finished, alone) does nothing.
  void step_aside();
  bool finished() const;
  // No owner thread: the reader runs on it (no lend; take returns at once
  // and the time is never up).
  void run_alone();

 private:
  enum class state { owner, reader, finished };
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  state state_ = state::owner;
  bool waiting_ = false;  // the reader waits in take(): lend() hands it the turn
  clock::time_point until_{};
  bool alone_ = false;
};

// Memory from the global heap, counted (the blocks of a reader's copies).
class counting_resource final : public std::pmr::memory_resource {
 public:
  std::size_t bytes = 0;  // allocated and not yet freed

 private:
  void* do_allocate(std::size_t n, std::size_t align) override {
    void* p = std::pmr::new_delete_resource()->allocate(n, align);
    bytes += n;
    return p;
  }
  void do_deallocate(void* p, std::size_t n, std::size_t align) override {
    std::pmr::new_delete_resource()->deallocate(p, n, align);
    bytes -= n;
  }
  bool do_is_equal(const std::pmr::memory_resource& other) const noexcept override { return this == &other; }
};

// The typed half of one model's reading (snapshot_bridge): its copies, and
// its cells. The watch's ctx. Its fields are the reader's during its turns,
// the store's thread's between them (the copies are made then).
class model_reader {
 public:
  virtual ~model_reader() = default;
  // Appends field `field` of up to `max` rows, from place `from` of this
  // reader's watch of `pool` (node_pool::visit_watched), to `part`; sets
  // `rows` to how many; returns where to go on. Throws std::runtime_error
  // if a copy is missing (the copy ran out of memory).
  virtual std::uint64_t read(const node_pool& pool, std::uint64_t from, std::size_t max, std::size_t field,
                             column& part, std::size_t& rows) const = 0;
  // Frees the copies and the saved columns.
  virtual void drop_copies() noexcept = 0;

  // Bytes the copies and saved columns hold now, roughly (their nodes and
  // their strings).
  std::size_t copy_bytes = 0;
  // Columns saved whole, as they were at the call, before a pass wrote them
  // in every entity: saved[f] when bit f of saved_fields is set. The
  // reader reads them instead of the store.
  std::vector<column> saved;
  std::uint64_t saved_fields = 0;
  // The field the reader reads now; it is done with those before it.
  std::size_t reading = 0;
  // The entities live at the call.
  std::size_t live_at_call = 0;
  // A copy or a saved column ran out of memory: the reading fails.
  bool failed = false;
};

class point_in_time_source final : public row_source {
 public:
  explicit point_in_time_source(const registry& schema) : schema_(schema) {}
  // Ends the watches left. REQUIRES: on the store's thread, the reader done.
  ~point_in_time_source() override;
  point_in_time_source(const point_in_time_source&) = delete;
  point_in_time_source& operator=(const point_in_time_source&) = delete;

  // Model `model` (the next one, in schema order) is read through `reader`
  // from `pool`, watched from now on with `copy` and `fields` (which keep
  // reader's fields). Keeps the pool alive until that model is read.
  // REQUIRES: on the store's thread, before the reader starts.
  void add(std::unique_ptr<model_reader> reader, std::shared_ptr<node_pool> pool, node_pool::copy_fn copy,
           node_pool::fields_fn fields);

  turn& turns() noexcept { return turn_; }
  // Entities live at the call that the reader may still read from the
  // store. REQUIRES: on the store's thread.
  std::size_t pending() const noexcept;
  // The most the copies held at once, in bytes.
  std::size_t peak_copy_bytes() const noexcept { return peak_; }
  // Reader: ends every watch left and finishes its turn for good (after an
  // error, or once done). Blocks for a turn if it holds none.
  void release();
  // The encoder is done, or gave up: release().
  void finished() override { release(); }
  void step_aside() override { turn_.step_aside(); }

  const registry& schema() const override { return schema_; }
  std::uint64_t rows(std::size_t model) const override { return models_[model].rows; }
  // Reader: takes its turn, and looks at the clock every 256 rows.
  void read_column(std::size_t model, std::size_t field, function_ref<void(const column&)> emit) override;
  // Reader: ends the model's watch and frees its copies; after the last
  // model, finishes the turn for good.
  void model_done(std::size_t model) override;

 private:
  struct model_state {
    std::unique_ptr<model_reader> reader;
    std::shared_ptr<node_pool> pool;  // null once done
    std::uint64_t rows = 0;
  };
  // Ends the model's watch: its copies are the reader's alone from then.
  void end(model_state& m) noexcept;
  // Frees the copies of the models whose watch ended; returns their bytes.
  // REQUIRES: the reader (its turn not needed).
  std::size_t drop_ended_copies() noexcept;
  // Raises the peak to the copies held now plus `freed_meanwhile`.
  void note_peak(std::size_t freed_meanwhile) noexcept;
  // Gives the turn back and waits for the next when its time is up.
  void pause_if_due();

  const registry& schema_;
  std::vector<model_state> models_;
  column part_;
  std::size_t peak_ = 0;
  turn turn_;
};

}  // namespace relstore::detail
