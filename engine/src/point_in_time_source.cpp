#include "relstore/detail/point_in_time_source.hpp"

#include <algorithm>
#include <utility>

#include "relstore/assert.hpp"

namespace relstore::detail {

// ------------------------------------------------------------------ turn

bool turn::lend(clock::time_point until) {
  std::unique_lock lock(mutex_);
  if (state_ == state::finished) return false;
  RELSTORE_ASSERT(state_ == state::owner && !alone_, "relstore: a turn lent twice");
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
  changed_.wait(lock, [&] { return state_ == state::reader; });
}

bool turn::due() const { return !alone_ && clock::now() >= until_; }

void turn::give_back() {
  std::lock_guard lock(mutex_);
  state_ = state::owner;
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
  std::size_t held = 0;
  for (const model_state& other : models_) held += other.reader->copy_bytes;
  peak_ = std::max(peak_, held);
  m.pool->unwatch(m.reader.get());  // from now on the store's thread leaves the reader's copies alone
  m.pool.reset();
}

void point_in_time_source::drop_ended_copies() noexcept {
  for (model_state& m : models_) {
    if (m.pool || m.reader->copy_bytes == 0) continue;
    m.reader->drop_copies();
    m.reader->copy_bytes = 0;
  }
}

void point_in_time_source::pause_if_due() {
  if (!turn_.due()) return;
  turn_.give_back();
  drop_ended_copies();  // while the store's thread runs (200k copies: tens of ms)
  turn_.take();
}

void point_in_time_source::add(std::unique_ptr<model_reader> reader, std::shared_ptr<node_pool> pool,
                               node_pool::copy_fn copy) {
  models_.push_back({std::move(reader), std::move(pool), 0});
  model_state& m = models_.back();
  m.rows = m.pool->watch(copy, m.reader.get());
}

std::size_t point_in_time_source::pending() const noexcept {
  std::size_t n = 0;
  for (const model_state& m : models_) {
    if (m.pool) n += m.pool->pending(m.reader.get());
  }
  return n;
}

void point_in_time_source::read_column(std::size_t model, std::size_t field, function_ref<void(const column&)> emit) {
  // Rows between two looks at the clock: a few microseconds.
  constexpr std::size_t slice_rows = 256;
  model_state& m = models_[model];
  RELSTORE_ASSERT(m.pool != nullptr, "relstore: a model read after model_done");
  turn_.take();
  for (std::uint64_t at = 0; at != node_pool::watch_end;) {
    pause_if_due();  // the store's thread may run here: nothing is held across it but `at`
    part_.ints.clear();
    part_.doubles.clear();
    part_.strings.clear();
    part_.nulls.clear();
    at = m.reader->read(*m.pool, at, slice_rows, field, part_);
    emit(part_);
  }
}

void point_in_time_source::model_done(std::size_t model) {
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
