// Writing the snapshot payload (layout: docs/snapshot_format.md) from rows
// the encoder pulls column by column, so that a source need not hold its
// rows as columns: a column_store, or a store read in place while it is
// being written (point_in_time_source). Internal.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <string>

#include "relstore/detail/column_store.hpp"
#include "relstore/detail/function_ref.hpp"
#include "relstore/error.hpp"
#include "relstore/registry.hpp"
#include "relstore/snapshot_format.hpp"

namespace relstore::detail {

// Set in a field's type code when the field is an enum: its enumerators follow.
inline constexpr unsigned enum_type_flag = 0x80;

// The rows an encoder pulls. Not thread-safe; the encoder calls it from
// one thread at a time.
class row_source {
 public:
  virtual ~row_source() = default;
  virtual const registry& schema() const = 0;
  // The rows of `model`.
  virtual std::uint64_t rows(std::size_t model) const = 0;
  // Calls emit(part) with successive parts of column `field` of `model`:
  // together every row once, in the same order on every call. A part holds
  // that field's cells (and null flags, when nullable) for its rows, and is
  // valid during the call only. Throws std::exception when the rows cannot
  // be read (the encoder reports it as io_error).
  virtual void read_column(std::size_t model, std::size_t field, function_ref<void(const column&)> emit) = 0;
  // The encoder reads nothing more of `model`.
  virtual void model_done(std::size_t model) { (void)model; }
  // The encoder reads nothing more: it is done, or it failed.
  virtual void finished() {}
};

// The rows of a column_store, each column in one part.
class column_store_rows final : public row_source {
 public:
  explicit column_store_rows(const column_store& data) : data_(data) {}
  const registry& schema() const override { return data_.schema(); }
  std::uint64_t rows(std::size_t model) const override { return data_.table(model).rows(); }
  void read_column(std::size_t model, std::size_t field, function_ref<void(const column&)> emit) override {
    emit(data_.table(model).at(field));
  }

 private:
  const column_store& data_;
};

// Encodes `data`'s rows (in the order stored) as an archive of `format`, in
// the layout of written_format_version(format).
// Errors: io_error if the archive cannot be written.
result<std::string> encode(const column_store& data, archive_format format);
// The same archive, written to `out` as it is encoded. Errors: io_error if
// the archive cannot be written, `out` fails, or `rows` throws.
result<void> encode_to(const column_store& data, archive_format format, std::ostream& out);
result<void> encode_to(row_source& rows, archive_format format, std::ostream& out);

}  // namespace relstore::detail
