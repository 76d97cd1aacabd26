#include "relstore/detail/point_in_time_source.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>

#include "relstore/assert.hpp"

namespace relstore::detail {

// ------------------------------------------------------------------ turn

bool turn::lend(clock::time_point until) {
  std::unique_lock lock(mutex_);
  if (state_ == state::finished) return false;
  RELSTORE_ASSERT(state_ == state::owner && !alone_, "relstore: a turn lent twice");
  if (!waiting_) {  // the reader is busy with its own work (the file, freeing copies): no need to wait
    if (until != clock::time_point::max()) return true;
    changed_.wait(lock, [&] { return waiting_ || state_ == state::finished; });
    if (state_ == state::finished) return false;
  }
  until_ = until;
  state_ = state::reader;
  changed_.notify_all();
  changed_.wait(lock, [&] { return state_ != state::reader; });
  return state_ != state::finished;
}

void turn::take() {
  std::unique_lock lock(mutex_);
  if (alone_) {
    state_ = state::reader;
    return;
  }
  if (state_ == state::reader) return;
  waiting_ = true;
  changed_.notify_all();
  changed_.wait(lock, [&] { return state_ == state::reader; });
  waiting_ = false;
}

bool turn::due() const { return !alone_ && clock::now() >= until_; }

void turn::give_back() {
  std::lock_guard lock(mutex_);
  state_ = state::owner;
  changed_.notify_all();
}

void turn::step_aside() {
  std::lock_guard lock(mutex_);
  if (alone_ || state_ != state::reader) return;
  state_ = state::owner;
  until_ = clock::time_point::min();  // written only by the reader while it runs: lend() writes it while it waits
  changed_.notify_all();
}

void turn::finish() {
  std::lock_guard lock(mutex_);
  state_ = state::finished;
  changed_.notify_all();
}

bool turn::finished() const {
  std::lock_guard lock(mutex_);
  return state_ == state::finished;
}

void turn::run_alone() {
  std::lock_guard lock(mutex_);
  alone_ = true;
}

// ------------------------------------------------------ point_in_time_source

point_in_time_source::~point_in_time_source() {
  for (model_state& m : models_) end(m);
  drop_ended_copies();
}

void point_in_time_source::end(model_state& m) noexcept {
  if (!m.pool) return;
  note_peak(0);
  m.pool->unwatch(m.reader.get());  // from now on the store's thread leaves the reader's copies alone
  m.pool.reset();
}

std::size_t point_in_time_source::drop_ended_copies() noexcept {
  std::size_t freed = 0;
  for (model_state& m : models_) {
    if (m.pool || m.reader->copy_bytes == 0) continue;
    freed += m.reader->copy_bytes;
    m.reader->drop_copies();
  }
  return freed;
}

void point_in_time_source::note_peak(std::size_t freed_meanwhile) noexcept {
  std::size_t held = freed_meanwhile;
  for (const model_state& m : models_) held += m.reader->copy_bytes;
  peak_ = std::max(peak_, held);
}

void point_in_time_source::pause_if_due() {
  if (!turn_.due()) return;
  turn_.give_back();
  const std::size_t freed = drop_ended_copies();  // while the store's thread runs (200k copies: tens of ms)
  turn_.take();
  // The copies made while the turn was away, counted with those freed
  // meanwhile: an upper bound of what was held at once.
  note_peak(freed);
}

void point_in_time_source::add(std::unique_ptr<model_reader> reader, std::shared_ptr<node_pool> pool,
                               node_pool::copy_fn copy, node_pool::fields_fn fields) {
  models_.push_back({std::move(reader), std::move(pool), 0});
  model_state& m = models_.back();
  m.rows = m.pool->watch(copy, fields, m.reader.get());
  m.reader->live_at_call = static_cast<std::size_t>(m.rows);
}

std::size_t point_in_time_source::pending() const noexcept {
  std::size_t n = 0;
  for (const model_state& m : models_) {
    if (m.pool) n += m.pool->pending(m.reader.get());
  }
  return n;
}

namespace {

// Appends rows [from, from + count) of a whole column of `field` to `part`.
void append_rows(const column& all, const field_info& field, std::size_t from, std::size_t count, column& part) {
  const std::size_t cells = cells_of(field);
  const auto append = [](const auto& v, std::size_t at, std::size_t n, auto& out) {
    if (at < v.size()) {
      const auto first = v.begin() + static_cast<std::ptrdiff_t>(at);
      out.insert(out.end(), first, first + static_cast<std::ptrdiff_t>(std::min(n, v.size() - at)));
    }
  };
  append(all.ints, from * cells, count * cells, part.ints);
  append(all.doubles, from * cells, count * cells, part.doubles);
  append(all.strings, from, count, part.strings);
  append(all.nulls, from, count, part.nulls);
}

}  // namespace

void point_in_time_source::read_column(std::size_t model, std::size_t field, function_ref<void(const column&)> emit) {
  // Rows between two looks at the clock: a few microseconds.
  constexpr std::size_t slice_rows = 256;
  model_state& m = models_[model];
  RELSTORE_ASSERT(m.pool != nullptr, "relstore: a model read after model_done");
  turn_.take();
  m.reader->reading = field;
  const field_info& info = schema_.model(model).fields[field];
  std::size_t done = 0;
  for (std::uint64_t at = 0; done < m.rows && at != node_pool::watch_end;) {
    pause_if_due();  // the store's thread may run here: nothing is held across it but `at` and `done`
    if (m.reader->failed) {
      throw std::runtime_error("the rows of " + schema_.model(model).name + " could not be copied: out of memory");
    }
    part_.ints.clear();
    part_.doubles.clear();
    part_.strings.clear();
    part_.nulls.clear();
    std::size_t rows = 0;
    if ((m.reader->saved_fields >> field) & 1) {  // a pass wrote the field in every entity: read as it was
      rows = std::min<std::size_t>(slice_rows, static_cast<std::size_t>(m.rows) - done);
      append_rows(m.reader->saved[field], info, done, rows, part_);
    } else {
      at = m.reader->read(*m.pool, at, slice_rows, field, part_, rows);
    }
    done += rows;
    emit(part_);
  }
}

void point_in_time_source::model_done(std::size_t model) {
  turn_.take();  // a model without rows was never read: its watch ends in a turn all the same
  end(models_[model]);
  if (std::none_of(models_.begin(), models_.end(), [](const model_state& m) { return m.pool != nullptr; })) {
    part_ = {};
    turn_.finish();
    drop_ended_copies();
  }
}

void point_in_time_source::release() {
  if (turn_.finished()) return;
  turn_.take();
  for (model_state& m : models_) end(m);
  turn_.finish();
  drop_ended_copies();
}

}  // namespace relstore::detail
