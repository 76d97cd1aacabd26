// Error codes and the result type returned by every fallible call.
//
// No exception crosses the public API. A fallible call returns a
// [[nodiscard]] result<T>, shaped like std::expected<T, error>.
#pragma once

#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

#include "relstore/assert.hpp"

namespace relstore {

// Stable error codes. The numeric values are part of the API and never reused.
enum class errc : int {
  not_found = 1,              // no entity with that key (or not under that parent)
  already_exists = 2,         // a unique key (primary key or key_from) is taken
  foreign_key_violation = 3,  // a foreign key names no existing parent
  restrict_violation = 4,     // a delete or key change is blocked by children
  constraint_violation = 5,   // a constrained repository's foreign key would change
  invalid_filter = 6,         // a filter, where, order or include is malformed
  invalid_argument = 7,       // a malformed payload, patch or JSON document
  schema_error = 8,           // a relation or model definition is inconsistent
  io_error = 9,               // a file could not be read, written, synced or renamed
  snapshot_corrupt = 10,      // a snapshot's envelope, checksum or contents are damaged
  snapshot_version = 11,      // a snapshot was written by a newer format or Boost version
  snapshot_platform = 12,     // a binary snapshot from a platform with other byte order or type sizes
  schema_mismatch = 13,       // a snapshot's schema is incompatible with the program's
};

// Returns the stable name of `code`, e.g. "foreign_key_violation".
std::string_view to_string(errc code) noexcept;

struct error {
  errc code;
  std::string message;  // names the model, relation, field, key and value involved
};

// A value of type T or an error. REQUIRES for value access: has_value().
template <class T>
class [[nodiscard]] result {
 public:
  using value_type = T;

  template <class U = T>
  requires std::is_constructible_v<T, U&&> result(U&& value)
      : state_(std::in_place_index<0>, std::forward<U>(value)) {}                  // NOLINT
  result(relstore::error err) : state_(std::in_place_index<1>, std::move(err)) {}  // NOLINT

  bool has_value() const noexcept { return state_.index() == 0; }
  explicit operator bool() const noexcept { return has_value(); }

  T& value() & { return checked(); }
  const T& value() const& { return const_cast<result*>(this)->checked(); }
  // By value: `for (auto& x : repo.find().value())` must not dangle.
  T value() && { return std::move(checked()); }
  T& operator*() & { return checked(); }
  const T& operator*() const& { return const_cast<result*>(this)->checked(); }
  T operator*() && { return std::move(checked()); }
  T* operator->() { return &checked(); }
  const T* operator->() const { return &const_cast<result*>(this)->checked(); }

  template <class U>
  T value_or(U&& fallback) const& {
    return has_value() ? std::get<0>(state_) : static_cast<T>(std::forward<U>(fallback));
  }

  // REQUIRES: !has_value().
  const relstore::error& error() const& {
    RELSTORE_ASSERT(!has_value(), "result::error() called on a value");
    return std::get<1>(state_);
  }
  relstore::error&& error() && {
    RELSTORE_ASSERT(!has_value(), "result::error() called on a value");
    return std::get<1>(std::move(state_));
  }

 private:
  T& checked() {
    RELSTORE_ASSERT(has_value(), has_value() ? "" : std::get<1>(state_).message.c_str());
    return std::get<0>(state_);
  }
  std::variant<T, relstore::error> state_;
};

template <>
class [[nodiscard]] result<void> {
 public:
  using value_type = void;
  result() = default;
  result(relstore::error err) : error_(std::move(err)), failed_(true) {}  // NOLINT

  bool has_value() const noexcept { return !failed_; }
  explicit operator bool() const noexcept { return has_value(); }
  void value() const { RELSTORE_ASSERT(has_value(), failed_ ? error_.message.c_str() : ""); }
  const relstore::error& error() const& {
    RELSTORE_ASSERT(!has_value(), "result::error() called on a value");
    return error_;
  }

 private:
  relstore::error error_{};
  bool failed_ = false;
};

// Builds an error; `message` should name model, field, key and value.
inline error make_error(errc code, std::string message) { return error{code, std::move(message)}; }

}  // namespace relstore
