// point_in_time_copy: a store's rows as they were at one moment, copied into
// a column_store while the store goes on being written. Each model's pool is
// watched (node_pool::watch): an entity is copied before its first write or
// its deletion, and copy_some() copies the rest a slice at a time on the
// thread that writes the store. What a background save encodes; a save()
// fills the same sinks in one pass. Internal.
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

#include "relstore/detail/column_store.hpp"
#include "relstore/detail/node_pool.hpp"
#include "relstore/error.hpp"

namespace relstore::detail {

// Where one model's rows are copied: its column_table in a column_store,
// rows appended in any order. The typed half (snapshot_bridge) appends.
class copy_sink {
 public:
  explicit copy_sink(column_table& table) : table_(&table) {}
  virtual ~copy_sink() = default;
  copy_sink(const copy_sink&) = delete;
  copy_sink& operator=(const copy_sink&) = delete;

  column_table& table() const noexcept { return *table_; }
  // The rows appended so far, in primary key order.
  virtual std::vector<std::size_t> key_order() const = 0;

  std::size_t rows = 0;  // appended so far
  bool failed = false;   // an append ran out of memory: the copy is incomplete

 private:
  column_table* table_;
};

// Sets each sink's table to its rows in primary key order, as a snapshot
// lists them. Errors: io_error when a sink failed (out of memory).
result<void> finish_rows(const std::vector<std::unique_ptr<copy_sink>>& sinks);

class point_in_time_copy {
 public:
  explicit point_in_time_copy(column_store data) : data_(std::move(data)) {}
  // Ends the watches of a copy not finished.
  ~point_in_time_copy();
  point_in_time_copy(const point_in_time_copy&) = delete;
  point_in_time_copy& operator=(const point_in_time_copy&) = delete;

  column_store& data() noexcept { return data_; }
  // Watches `pool` for `sink` (whose table is one of data()'s): from now on
  // the pool's live entities are copied into it as they are now. `copy`
  // appends one entity to the sink. Keeps the pool alive until done.
  void add(std::unique_ptr<copy_sink> sink, std::shared_ptr<node_pool> pool, node_pool::copy_fn copy);

  // Entities not copied yet.
  std::size_t pending() const noexcept;
  // Copies up to `max` pending entities and returns pending(). At zero the
  // watches end. REQUIRES: called on the thread that writes the store.
  std::size_t copy_some(std::size_t max);
  // The rows, each model's in key order. Errors: io_error (out of memory
  // while copying). REQUIRES: pending() == 0.
  result<column_store> finish() &&;

 private:
  void end_watches() noexcept;

  column_store data_;
  std::vector<std::unique_ptr<copy_sink>> sinks_;
  std::vector<std::shared_ptr<node_pool>> pools_;  // pools_[i] feeds sinks_[i]; null once its watch ended
};

}  // namespace relstore::detail
