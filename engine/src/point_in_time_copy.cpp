#include "relstore/detail/point_in_time_copy.hpp"

#include <algorithm>
#include <new>
#include <string>
#include <utility>

#include "relstore/assert.hpp"

namespace relstore::detail {

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
      if (sorted) {
        t.set_rows(s->rows);
      } else {
        t.select_rows(order);
      }
    } catch (const std::bad_alloc&) {
      return make_error(errc::io_error, "the rows of " + t.info().name + " could not be sorted: out of memory");
    }
  }
  return {};
}

point_in_time_copy::~point_in_time_copy() { end_watches(); }

void point_in_time_copy::end_watches() noexcept {
  for (std::size_t i = 0; i < pools_.size(); ++i) {
    if (pools_[i]) pools_[i]->unwatch(sinks_[i].get());
    pools_[i].reset();
  }
}

void point_in_time_copy::add(std::unique_ptr<copy_sink> sink, std::shared_ptr<node_pool> pool,
                             node_pool::copy_fn copy) {
  sinks_.push_back(std::move(sink));
  pools_.push_back(std::move(pool));
  const std::size_t n = pools_.back()->watch(copy, sinks_.back().get());
  sinks_.back()->table().reserve(n);
}

std::size_t point_in_time_copy::pending() const noexcept {
  std::size_t n = 0;
  for (std::size_t i = 0; i < pools_.size(); ++i) {
    if (pools_[i]) n += pools_[i]->pending(sinks_[i].get());
  }
  return n;
}

std::size_t point_in_time_copy::copy_some(std::size_t max) {
  std::size_t left = 0;
  for (std::size_t i = 0; i < pools_.size(); ++i) {
    std::shared_ptr<node_pool>& pool = pools_[i];
    if (!pool) continue;
    const std::size_t before = pool->pending(sinks_[i].get());
    const std::size_t now = pool->copy_pending(sinks_[i].get(), max);
    max -= std::min(max, before - now);
    if (now == 0) {
      pool->unwatch(sinks_[i].get());
      pool.reset();
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
