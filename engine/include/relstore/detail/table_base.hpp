// table_base: one model's entities seen without their C++ type. The query
// pipeline, the integrity checks (verify), snapshots and tools work on it;
// typed tables (table<M>) and a dataset's column tables implement it.
//
// An entity is an opaque pointer, read through the model's field accessors
// (model_info::fields[i].get). Such pointers, and the order for_each visits,
// are invalidated by any write to the table. Internal.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "relstore/detail/function_ref.hpp"
#include "relstore/detail/journal.hpp"
#include "relstore/detail/key_counter.hpp"
#include "relstore/model_info.hpp"
#include "relstore/value.hpp"

namespace relstore::detail {

enum class index_kind : std::uint8_t { none, unique, non_unique };

class table_base {
 public:
  using visitor = function_ref<void(const void*)>;

  const model_info& info() const noexcept { return *info_; }

  virtual std::size_t size() const noexcept = 0;
  // Visits every entity in storage order.
  virtual void for_each(visitor fn) const = 0;
  // Calls fn(v) once per run of equal non-null values of int64 `field` in
  // storage order (a value may start a later run again) until fn returns
  // false; returns whether fn always returned true. A typed table reads the
  // field in place, with no call per entity: the foreign-key pass of the
  // check after a load, whose children lie grouped by parent.
  // REQUIRES: the field's type is int64.
  virtual bool for_each_int64_run(std::size_t field, function_ref<bool(std::int64_t)> fn) const {
    const field_info& f = info().fields[field];
    bool go_on = true;
    std::int64_t last = 0;
    bool have = false;
    for_each([&](const void* e) {
      const value_view v = f.get(e);
      const auto* i = std::get_if<std::int64_t>(&v);
      if (!go_on || i == nullptr || (have && *i == last)) return;
      last = *i;
      have = true;
      go_on = fn(*i);
    });
    return go_on;
  }
  // Sorts entities of this table by primary key.
  virtual void sort_by_key(std::vector<const void*>& entities) const = 0;

  // The index on `field`, if any: every primary key and key_from has a
  // unique one, every foreign key a non-unique one.
  virtual index_kind index_on(std::size_t field) const noexcept = 0;
  // Visits the entities whose `field` equals `key` (null matches null). A key
  // that no value of the field can equal (2.5 for an integer) matches none.
  // REQUIRES: index_on(field) != index_kind::none.
  virtual void for_each_equal(std::size_t field, const value_view& key, visitor fn) const = 0;
  // Appends the entities for_each_equal would visit to `out`, sized once:
  // the hot path of includes and cascades.
  virtual void append_equal(std::size_t field, const value_view& key, std::vector<const void*>& out) const = 0;
  // For each i, append_equal(field, keys[i], out(i)), out(i) called only
  // for a key that has entities (keys may share a list: each appends). A
  // typed table walks the keys' runs together, so that their cache misses
  // overlap (family_walk.hpp): the hot path of an include over many parents
  // and of an inq on an indexed field.
  using family_out = function_ref<std::vector<const void*>&(std::size_t)>;
  virtual void append_equal_each(std::size_t field, std::span<const value_view> keys, family_out out) const {
    std::vector<const void*> found;
    for (std::size_t i = 0; i < keys.size(); ++i) {
      found.clear();
      append_equal(field, keys[i], found);
      if (!found.empty()) {
        auto& list = out(i);
        list.insert(list.end(), found.begin(), found.end());
      }
    }
  }
  // The entity whose unique `field` equals `key`, or null.
  // REQUIRES: index_on(field) == index_kind::unique.
  virtual const void* find(std::size_t field, const value_view& key) const = 0;
  // Visits one entity per distinct non-null value of indexed `field`.
  virtual void for_each_distinct(std::size_t field, visitor fn) const = 0;
  // Whether `field` has an ordered index (a user's index<&M::f, ordered>).
  virtual bool ordered_on(std::size_t) const noexcept { return false; }
  // Whether the ordered index on `field` is stored highest first (ordered_desc):
  // its walk_ordered(descending = true) is the plain forward walk.
  virtual bool stored_descending(std::size_t) const noexcept { return false; }
  // Walks the ordered index on `field` over the entities whose value v has
  // lo <= v <= hi (compare_for_order; a null bound is open), ascending or
  // descending, equal values in primary key order either way, until fn
  // returns false. REQUIRES: ordered_on(field).
  virtual void walk_ordered(std::size_t /*field*/, const value_view* /*lo*/, const value_view* /*hi*/,
                            bool /*descending*/, function_ref<bool(const void*)> /*fn*/) const {}
  // Visits each entity whose unique-indexed `field` repeats a value held by
  // another: only a table read from outside (a dataset) can hold one.
  virtual void for_each_duplicate(std::size_t field, visitor fn) const = 0;

  // Writes the run-time pipelines make (deletes and their policies). The
  // caller has checked every rule: these cannot fail.
  // Removes `entities`, which are distinct entities of this table, each for
  // reasons[i] (all direct when null).
  virtual void erase(const std::vector<const void*>& entities, const std::vector<change_reason>* reasons) = 0;
  // Sets nullable `field` of each of `entities` to null; they keep their
  // addresses. REQUIRES: the field is nullable.
  virtual void set_null(const std::vector<const void*>& entities, std::size_t field, change_reason reason) = 0;

  // ------------------------------------------------------------ journal
  // A typed store's tables journal every change (journal.hpp); a dataset's
  // do not. REQUIRES for all: attach() was called.
  void attach(journal* j, std::uint16_t index) noexcept {
    journal_ = j;
    index_ = index;
  }
  // Undoes this table's latest journaled change (the journal says which
  // table's turn it is).
  virtual void undo_last() = 0;
  // Drops this table's undo entries: their changes are committed.
  virtual void forget_undo() noexcept = 0;
  // Hands this table's oldest pending event to its subscribers, then drops it.
  virtual void deliver_first_event() = 0;
  // Drops this table's newest pending event (its change was undone).
  virtual void drop_last_event() noexcept = 0;

  // The next automatic primary key (int64 keys only).
  key_counter& keys() noexcept { return keys_; }
  const key_counter& keys() const noexcept { return keys_; }

 protected:
  explicit table_base(const model_info& info) noexcept : info_(&info) {}
  table_base(const table_base&) = default;
  table_base& operator=(const table_base&) = default;
  ~table_base() = default;

  void rebind(const model_info& info) noexcept { info_ = &info; }

  journal* journal_ = nullptr;
  std::uint16_t index_ = 0;

 private:
  const model_info* info_;
  key_counter keys_;
};

// One page of a walk: entities skip + 1 .. skip + limit of those accepted.
// take() counts one accepted entity and says whether it is on the page;
// more() whether the walk should go on.
struct page_counter {
  page_counter(std::size_t skip, std::size_t limit) noexcept
      : skip_(skip), want_(limit > SIZE_MAX - skip ? SIZE_MAX : skip + limit) {}
  bool take() noexcept { return met_++ >= skip_; }
  bool more() const noexcept { return met_ < want_; }
  std::size_t accepted() const noexcept { return met_; }  // the skipped ones included
  std::size_t given() const noexcept { return met_ > skip_ ? met_ - skip_ : 0; }

 private:
  std::size_t skip_, want_, met_ = 0;
};

}  // namespace relstore::detail
