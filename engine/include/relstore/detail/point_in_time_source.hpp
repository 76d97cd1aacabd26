// point_in_time_source: a store's rows as they were at one moment, read in
// place by a snapshot encoder, in slices, between the store's writes. Each
// model's node pool is watched (node_pool::watch): an entity the store's
// thread writes or destroys before the encoder has read it for the last
// time is copied first, as it was, and the encoder reads that copy instead. The extra memory is those copies: what the
// game changed, as it was. Internal.
//
// Threads: the encoder (the reader) runs in a fiber on the store's own
// thread (class turn), in the turns that thread lends it: the reader touches
// the store and the pools only then. The copies of a model it is done with
// are freed by the task runner given (another thread), if any.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <memory_resource>
#include <vector>

#include "relstore/detail/encoder.hpp"
#include "relstore/detail/fiber.hpp"
#include "relstore/detail/node_pool.hpp"
#include "relstore/registry.hpp"

namespace relstore::detail {

// The store's thread and a reader taking turns on that one thread: the
// reader's work runs in a fiber that the owner resumes in lend() and that
// gives the turn back once its time is up. No thread is woken and nothing is
// locked, so a turn costs the game its budget and two context switches.
class turn {
 public:
  using clock = std::chrono::steady_clock;
  // Owner: the reader's work, run in the turns. Throws std::bad_alloc when
  // no stack can be had.
  void start(std::function<void()> work);
  // Owner: drops the work before it ran (its first turn).
  void cancel() noexcept { fiber_.reset(); }
  // Owner: runs the reader until `until` (it looks at the clock between
  // slices of its work) or until its work returns. Returns false once the
  // work has returned (then at once), or when there is none.
  bool lend(clock::time_point until);
  // Reader: whether its time is up. Never while the work runs outside a
  // fiber (the owner called it directly).
  bool due() const;
  // Reader: gives the turn back; returns in the next. Outside a fiber, does
  // nothing and returns false.
  bool give_back();
  // Reader: done with the store (the work may go on with other things).
  void finish() noexcept { finished_ = true; }
  bool finished() const noexcept { return finished_; }

 private:
  std::unique_ptr<fiber> fiber_;
  clock::time_point until_{};
  bool finished_ = false;
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
  // Has the copies of the models the reader is done with freed by
  // run(task), off the store's thread, instead of in the reader's turn
  // (200k copies take tens of milliseconds). run must run every task before
  // this source is destroyed. REQUIRES: before the reader starts.
  void free_copies_with(std::function<void(std::function<void()>)> run) { free_with_ = std::move(run); }
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

  const registry& schema() const override { return schema_; }
  std::uint64_t rows(std::size_t model) const override { return models_[model].rows; }
  // Reader: looks at the clock every 256 rows.
  void read_column(std::size_t model, std::size_t field, function_ref<void(const column&)> emit) override;
  // Reader: ends the model's watch and frees its copies; after the last
  // model, finishes the turn for good.
  void model_done(std::size_t model) override;

 private:
  struct model_state {
    std::unique_ptr<model_reader> reader;
    std::shared_ptr<node_pool> pool;  // null once done
    std::uint64_t rows = 0;
    bool freeing = false;  // its copies are handed to free_with_
  };
  // Ends the model's watch: its copies are the reader's alone from then.
  void end(model_state& m) noexcept;
  // Frees the copies of the models whose watch ended, or hands them to
  // free_with_. REQUIRES: the reader, or the owner once the reader is done.
  void free_ended_copies();
  // Raises the peak to the copies held now (those handed over and not
  // freed yet included).
  void note_peak() noexcept;
  // Gives the turn back when its time is up.
  void pause_if_due();

  const registry& schema_;
  std::vector<model_state> models_;
  column part_;
  std::size_t peak_ = 0;
  std::atomic<std::size_t> handed_over_{0};  // bytes of copies given to free_with_, not yet freed
  std::function<void(std::function<void()>)> free_with_;
  turn turn_;
};

}  // namespace relstore::detail
