#include "relstore/detail/point_in_time_source.hpp"

#include <algorithm>
#include <new>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>

#include "relstore/assert.hpp"

namespace relstore::detail {

// ------------------------------------------------------------------ turn

void turn::start(std::function<void()> work) { fiber_ = std::make_unique<fiber>(std::move(work)); }

bool turn::lend(clock::time_point until) {
  if (!fiber_ || fiber_->done()) return false;
  until_ = until;
  fiber_->resume();
  return !fiber_->done();
}

bool turn::due() const { return fiber_ && fiber_->running() && clock::now() >= until_; }

bool turn::give_back() {
  if (!fiber_ || !fiber_->running()) return false;
  fiber_->yield();
  return true;
}

// ------------------------------------------------------ point_in_time_source

point_in_time_source::~point_in_time_source() {
  for (model_state& m : models_) end(m);
  free_with_ = nullptr;  // its tasks have run: what is left is freed here
  free_ended_copies();
}

void point_in_time_source::end(model_state& m) noexcept {
  if (!m.pool) return;
  note_peak();
  m.pool->unwatch(m.reader.get());  // from now on the store's thread leaves the reader's copies alone
  m.pool.reset();
}

void point_in_time_source::free_ended_copies() {
  for (model_state& m : models_) {
    if (m.pool || m.freeing || m.reader->copy_bytes == 0) continue;
    m.freeing = true;
    if (free_with_) {
      const std::size_t bytes = m.reader->copy_bytes;  // not read again here once handed over
      handed_over_ += bytes;
      try {
        free_with_([this, r = m.reader.get(), bytes] {
          r->drop_copies();
          handed_over_ -= bytes;
        });
        continue;
      } catch (const std::bad_alloc&) {  // not handed over: freed here
        handed_over_ -= bytes;
      }
    }
    m.reader->drop_copies();
  }
}

void point_in_time_source::note_peak() noexcept {
  std::size_t held = handed_over_.load();
  for (const model_state& m : models_) {
    if (!m.freeing) held += m.reader->copy_bytes;
  }
  peak_ = std::max(peak_, held);
}

void point_in_time_source::pause_if_due() {
  if (!turn_.due()) return;
  free_ended_copies();
  (void)turn_.give_back();
  note_peak();  // with the copies made while the turn was away
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
  end(models_[model]);
  if (std::none_of(models_.begin(), models_.end(), [](const model_state& m) { return m.pool != nullptr; })) {
    part_ = {};
    turn_.finish();
    free_ended_copies();
  }
}

void point_in_time_source::release() {
  if (turn_.finished()) return;
  for (model_state& m : models_) end(m);
  turn_.finish();
  free_ended_copies();
}

}  // namespace relstore::detail
