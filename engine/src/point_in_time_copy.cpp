#include "relstore/detail/point_in_time_copy.hpp"

#include <algorithm>
#include <new>
#include <string>
#include <utility>

#include "relstore/assert.hpp"

namespace relstore::detail {

namespace {
// Moves row order[i] of `v` (`per` cells a row) to row i.
template <class T>
void gather(std::vector<T>& v, const std::vector<std::size_t>& order, std::size_t per) {
  if (v.empty()) return;
  std::vector<T> out;
  out.reserve(order.size() * per);
  for (const std::size_t r : order) {
    for (std::size_t k = 0; k < per; ++k) out.push_back(std::move(v[r * per + k]));
  }
  v.swap(out);
}
}  // namespace

result<void> finish_rows(const std::vector<std::unique_ptr<copy_sink>>& sinks) {
  for (const auto& s : sinks) {
    column_table& t = s->table();
    if (s->failed) {
      return make_error(errc::io_error, "the rows of " + t.info().name + " could not be copied: out of memory");
    }
    try {
      const std::vector<std::size_t> order = s->key_order();
      RELSTORE_ASSERT(order.size() == s->rows, "relstore: a key order of another length");
      bool sorted = true;
      for (std::size_t i = 0; sorted && i < order.size(); ++i) sorted = order[i] == i;
      if (!sorted) {
        const auto& fields = t.info().fields;
        for (std::size_t f = 0; f < fields.size(); ++f) {
          column& c = t.at(f);
          const std::size_t per = cells_of(fields[f]);
          gather(c.ints, order, per);
          gather(c.doubles, order, per);
          gather(c.strings, order, 1);
          gather(c.nulls, order, 1);
        }
      }
      t.set_rows(s->rows);
    } catch (const std::bad_alloc&) {
      return make_error(errc::io_error, "the rows of " + t.info().name + " could not be sorted: out of memory");
    }
  }
  return {};
}

point_in_time_copy::~point_in_time_copy() { end_watches(); }

void point_in_time_copy::end_watches() noexcept {
  for (std::size_t i = 0; i < sources_.size(); ++i) {
    if (sources_[i].pool) sources_[i].pool->unwatch(sinks_[i].get());
    sources_[i].pool.reset();
  }
}

void point_in_time_copy::add(std::unique_ptr<copy_sink> sink, std::shared_ptr<node_pool> pool,
                             node_pool::copy_fn copy) {
  sinks_.push_back(std::move(sink));
  sources_.push_back({std::move(pool)});
  const std::size_t n = sources_.back().pool->watch(copy, sinks_.back().get());
  sinks_.back()->table().reserve(n);
}

std::size_t point_in_time_copy::pending() const noexcept {
  std::size_t n = 0;
  for (std::size_t i = 0; i < sources_.size(); ++i) {
    if (sources_[i].pool) n += sources_[i].pool->pending(sinks_[i].get());
  }
  return n;
}

std::size_t point_in_time_copy::copy_some(std::size_t max) {
  std::size_t left = 0;
  for (std::size_t i = 0; i < sources_.size(); ++i) {
    source& s = sources_[i];
    if (!s.pool) continue;
    const std::size_t before = s.pool->pending(sinks_[i].get());
    const std::size_t now = s.pool->copy_pending(sinks_[i].get(), max);
    max -= std::min(max, before - now);
    if (now == 0) {
      s.pool->unwatch(sinks_[i].get());
      s.pool.reset();
    }
    left += now;
  }
  return left;
}

result<column_store> point_in_time_copy::finish() && {
  RELSTORE_ASSERT(pending() == 0, "relstore: a point-in-time copy finished early");
  end_watches();
  if (auto r = finish_rows(sinks_); !r) return std::move(r).error();
  sinks_.clear();
  return std::move(data_);
}

}  // namespace relstore::detail
