// column_table: one model's rows without C++ types, column by column, as a
// snapshot holds them. A dataset is made of these. It implements table_base,
// with indexes built when first asked for, so the same query pipeline and
// integrity checks run on it as on a typed store. Internal.
//
// Not synchronised. Entity pointers are invalidated by a change of rows
// (add_row, set_rows, erase, select_rows, reserve); a field's index by a
// change to that field (set, set_null, at()).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "relstore/detail/block_allocator.hpp"
#include "relstore/detail/table_base.hpp"
#include "relstore/error.hpp"
#include "relstore/model_info.hpp"
#include "relstore/value.hpp"

namespace relstore::detail {

// One field's values for every row of a model. Integers and booleans are
// held in `ints`, doubles in `doubles`, strings in `strings`; exactly one of
// them has a value per row. `nulls` has one flag per row when the field is
// nullable (1 = null; the value slot then holds a default).
// Number cells sit in huge-page blocks once they fill 2 MiB (block_allocator).
template <class T>
using cell_vector = std::vector<T, block_allocator<T>>;
struct column {
  cell_vector<std::int64_t> ints;
  cell_vector<double> doubles;
  std::vector<std::string> strings;
  cell_vector<std::uint8_t> nulls;
};

// How many cells a row of field `f` takes in its column: an array's length, else 1.
inline std::size_t cells_of(const field_info& f) noexcept { return f.type == field_type::array ? f.extent : 1; }
// Whether cells of `type` are held in `doubles` (else `ints` or `strings`).
inline bool in_doubles(field_type type) noexcept { return type == field_type::float64 || type == field_type::float32; }
// Reserves room in `c`, a column of field `f`, for `rows` rows.
void reserve_column(column& c, const field_info& f, std::size_t rows);

// The rows 0 .. rows-1 of an int64 column `c` (nullable when c.nulls is not
// empty) grouped by value: nulls first, then values ascending, rows of one
// value in row order. A load inserts a model's rows in this order of its
// first foreign key, so that siblings sit side by side in the node pool and
// the foreign-key index's buckets are filled in order. O(rows + value span)
// when the values are dense, else O(rows log rows).
// REQUIRES: c.ints has `rows` cells, rows < 2^32.
cell_vector<std::uint32_t> rows_grouped_by(const column& c, std::size_t rows);
// Whether rows 0 .. rows-1 of `c` are already in rows_grouped_by's order
// (as save() writes a model's rows). REQUIRES: as rows_grouped_by.
bool in_group_order(const column& c, std::size_t rows) noexcept;
// The same grouping as each row's place in it: rows_grouped_by(c, rows)[
// group_places(c, rows)[r]] == r; empty when in_group_order(c, rows), each
// row in its own place. A load scatters rows read in file order to their
// places. REQUIRES: as rows_grouped_by.
cell_vector<std::uint32_t> group_places(const column& c, std::size_t rows);

class column_table final : public table_base {
 public:
  // REQUIRES: info's accessors are column accessors (see with_column_accessors)
  // and `info` outlives the table.
  explicit column_table(const model_info& info);
  column_table(column_table&&) noexcept;
  column_table& operator=(column_table&&) noexcept;
  ~column_table();

  std::size_t rows() const noexcept { return rows_; }
  // REQUIRES: field < info().fields.size(), row < rows().
  value_view get(std::size_t row, std::size_t field) const;
  // Sets one cell; false with a reason on a type or range mismatch.
  bool set(std::size_t row, std::size_t field, const value& v, std::string* why);
  // Appends a row of default values (null where nullable) and returns its index.
  std::size_t add_row();
  // Sets the row count after the columns were filled directly.
  // REQUIRES: every column holds `rows` values (and flags where nullable).
  void set_rows(std::size_t rows);
  void reserve(std::size_t rows);
  // Keeps rows order[0], order[1], ... in that order (each named at most
  // once) and drops the others. REQUIRES: every column holds a value (and
  // a flag where nullable) for each row named.
  void select_rows(const std::vector<std::size_t>& order);

  // Drops field's index, which a later read rebuilds from the column as it
  // is then. The reference is invalidated, for writing, by that read.
  // REQUIRES: no write through it after a read (call at() again): the index
  // would be stale, and a string field's index would point into replaced
  // strings (undefined behaviour).
  column& at(std::size_t field) {
    changed(field);
    return columns_[field];
  }
  const column& at(std::size_t field) const { return columns_[field]; }

  // The row an entity pointer of this table stands for.
  std::size_t row_of(const void* entity) const noexcept;
  // The entity pointer of `row`. REQUIRES: row < rows().
  const void* entity(std::size_t row) const;

  // ------------------------------------------------------------ table_base
  std::size_t size() const noexcept override { return rows_; }
  void for_each(visitor fn) const override;
  void sort_by_key(std::vector<const void*>& entities) const override;
  index_kind index_on(std::size_t field) const noexcept override;
  void for_each_equal(std::size_t field, const value_view& key, visitor fn) const override;
  void append_equal(std::size_t field, const value_view& key, std::vector<const void*>& out) const override;
  const void* find(std::size_t field, const value_view& key) const override;
  void for_each_distinct(std::size_t field, visitor fn) const override;
  void for_each_duplicate(std::size_t field, visitor fn) const override;
  void erase(const std::vector<const void*>& entities, const std::vector<change_reason>* reasons) override;
  void set_null(const std::vector<const void*>& entities, std::size_t field, change_reason reason) override;
  // A dataset does not journal: these are never called on it.
  void undo_last() override;
  void forget_undo() noexcept override {}
  void deliver_first_event() override {}
  void drop_last_event() noexcept override {}

  // Checks what a table read from outside may hold wrongly: every column
  // holds rows() values of its type, null flags are 0 or 1, booleans 0 or 1,
  // and narrower integers are in range. Errors: snapshot_corrupt.
  result<void> check() const;

  // Declares an index on `field` (done for every key a relation uses).
  void add_index(std::size_t field, bool unique);

  // A copy of `info` whose accessors read a column_table's rows.
  static model_info with_column_accessors(model_info info);

  // What an entity pointer of a column_table points to.
  struct row_ref {
    const column_table* table;
    std::size_t row;
  };

 private:
  struct index;
  // Rows added, dropped or reordered: entity pointers and every index go.
  void changed() noexcept;
  // One field's values changed: its index goes, entity pointers stay.
  void changed(std::size_t field) noexcept;
  const index& built(std::size_t field) const;

  std::vector<column> columns_;
  std::size_t rows_ = 0;
  std::vector<std::uint8_t> indexed_;  // per field: 0 none, 1 unique, 2 non-unique
  // Built on demand and dropped by any write.
  mutable std::unique_ptr<row_ref[]> refs_;
  mutable std::vector<std::unique_ptr<index>> indexes_;
};

}  // namespace relstore::detail
