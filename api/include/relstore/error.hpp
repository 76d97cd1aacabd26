// Error codes and the result type returned by every fallible call.
//
// No exception crosses the public API. A fallible call returns a
// [[nodiscard]] result<T>, shaped like std::expected<T, error>, with its
// monadic members (and_then, transform, or_else, value_or).
//
// Vocabulary header: includes only other vocabulary headers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <iosfwd>
#include <new>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>

#include "relstore/assert.hpp"

namespace relstore {

// Stable error codes. The numeric values are part of the API and never reused.
//
// Precedence, when one call breaks several rules: the most specific code wins.
// A duplicate key (already_exists) is reported before a dangling foreign key
// (foreign_key_violation), as SQLite does; foreign_key_violation and
// restrict_violation before invalid_argument; snapshot_version and
// snapshot_platform before snapshot_corrupt (the envelope is read first).
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
  key_space_exhausted = 14,   // an automatic int64 key is needed, but a key of INT64_MAX exists
  limit_exceeded = 15,        // a query or input asks for more than a relstore::limits bound allows
  busy = 16,                  // a background save to the same file is still running
};

// Returns the stable name of `code`, e.g. "foreign_key_violation".
std::string_view to_string(errc code) noexcept;

// The category of relstore's codes: std::error_code{errc::not_found} works,
// and its message() is the code's name.
const std::error_category& error_category() noexcept;
std::error_code make_error_code(errc code) noexcept;

// What went wrong: a code and a message naming the model, relation, field,
// key and value involved.
//
// The message is held either as text or deferred: a formatter (a plain
// function pointer) and a fixed payload, worded only when message() is
// called, so that a rejected write on a hot path keeps its code and key and
// allocates nothing. The engine defers the messages of a typed store's
// rejected writes whose key is a number (errors.hpp); every other error holds
// its text.
//
// Lifetime: an error owns its text; a deferred error points only at things of
// static storage duration (a model's model_info; a typed schema's formatter fetches its registry),
// so it may outlive the store that made it, be copied, moved and read later.
// Thread-safety: message() formats on each call into a new string and changes
// nothing, so concurrent reads of one error are safe.
class error {
 public:
  // The kind of a deferred payload's key.
  enum class key_kind : std::uint8_t { none, boolean, int64, uint64, float64 };

  // A deferred message: format(*this) returns the text. Trivially copyable.
  // REQUIRES: `context` (if not null) has static storage duration and is
  // never changed; `format` does not throw (except std::bad_alloc).
  struct deferred {
    std::string (*format)(const deferred&) = nullptr;
    const void* context = nullptr;  // e.g. a model's model_info
    union {
      std::int64_t i;
      std::uint64_t u;
      double d;
      bool b;
    } key{};
    std::uint32_t index = 0;  // e.g. a relation's or a field's index
    key_kind kind = key_kind::none;
  };

  error() noexcept : text_() {}
  // An error holding `message` as text: error{errc::io_error, "..."} works.
  error(errc c, std::string message) noexcept : code(c), text_(std::move(message)) {}
  // An error whose message is worded only when read. REQUIRES: d.format.
  // (A named function: error{c, {}} stays the text constructor.)
  static error defer(errc c, const deferred& d) noexcept { return error(defer_tag{}, c, d); }

  error(const error& other) : code(other.code), deferred_(other.deferred_) {
    if (deferred_) {
      ::new (static_cast<void*>(&lazy_)) deferred(other.lazy_);
    } else {
      ::new (static_cast<void*>(&text_)) std::string(other.text_);
    }
  }
  error(error&& other) noexcept : code(other.code), deferred_(other.deferred_) {
    if (deferred_) {
      ::new (static_cast<void*>(&lazy_)) deferred(other.lazy_);
    } else {
      ::new (static_cast<void*>(&text_)) std::string(std::move(other.text_));
    }
  }
  error& operator=(const error& other) {
    if (this != &other) *this = error(other);
    return *this;
  }
  error& operator=(error&& other) noexcept {
    if (this != &other) {
      destroy();
      ::new (static_cast<void*>(this)) error(std::move(other));
    }
    return *this;
  }
  ~error() { destroy(); }

  errc code{};

  // The message, worded now if deferred (a new string on each call).
  std::string message() const { return deferred_ ? lazy_.format(lazy_) : text_; }
  // True if the message is worded only when read (for tests).
  bool is_deferred() const noexcept { return deferred_; }

  std::error_code error_code() const noexcept { return make_error_code(code); }

 private:
  struct defer_tag {};
  error(defer_tag, errc c, const deferred& d) noexcept : code(c), deferred_(true) {
    ::new (static_cast<void*>(&lazy_)) deferred;
    store_wide(lazy_, d);
  }
  // to = from, written as two 16-byte stores where the compiler has vectors.
  // A payload is built field by field (stores of 8, 4 and 1 bytes), and
  // every move of the error that follows copies it with 16-byte loads: read
  // back from narrower stores still in flight, the first such copy stalls on
  // store forwarding, which cost about a fifth of a rejected insert.
  static void store_wide(deferred& to, const deferred& from) noexcept {
#if defined(__GNUC__) && (defined(__x86_64__) || defined(__aarch64__)) && __SIZEOF_POINTER__ == 8 && \
    __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    using u64x2 = std::uint64_t __attribute__((vector_size(16)));
    std::uint64_t key = 0;
    std::memcpy(&key, &from.key, sizeof key);
    const u64x2 wide[2] = {
        {reinterpret_cast<std::uint64_t>(from.format), reinterpret_cast<std::uint64_t>(from.context)},
        {key, from.index | (std::uint64_t{static_cast<std::uint8_t>(from.kind)} << 32)}};
    static_assert(sizeof wide == sizeof(deferred) && offsetof(deferred, index) == 24 && offsetof(deferred, kind) == 28);
    std::memcpy(static_cast<void*>(&to), wide, sizeof wide);
#else
    to = from;
#endif
  }
  void destroy() noexcept {
    if (!deferred_) text_.~basic_string();
  }

  // A text or a deferred message, never both: an error is no larger than a
  // code and a std::string (40 bytes on LP64), as before messages could be
  // deferred, and result<T> moves it as cheaply.
  bool deferred_ = false;
  union {
    std::string text_;
    deferred lazy_;
  };
};

static_assert(sizeof(error::deferred) <= sizeof(std::string), "relstore: a deferred message must fit a string's room");
static_assert(sizeof(error) <= sizeof(std::string) + 8, "relstore: an error is a code and a string's room");

// Prints "code: message", e.g. "not_found: Customer with id 7 not found".
std::ostream& operator<<(std::ostream& out, const error& e);

template <class T>
class result;

namespace detail {
template <class T>
struct is_result : std::false_type {};
template <class T>
struct is_result<result<T>> : std::true_type {};
}  // namespace detail

// A value of type T or an error.
//
// REQUIRES for value(), operator* and operator->: has_value(); otherwise
// RELSTORE_ASSERT fires with the error's message. REQUIRES for error():
// !has_value().
template <class T>
class [[nodiscard]] result {
 public:
  using value_type = T;

  template <class U = T>
  requires std::is_constructible_v<T, U&&> result(U&& value) : has_(true) {  // NOLINT: implicit, as expected
    ::new (static_cast<void*>(&value_)) T(std::forward<U>(value));
  }
  result(relstore::error err) : has_(false) {  // NOLINT: implicit, as expected
    ::new (static_cast<void*>(&error_)) relstore::error(std::move(err));
  }
  result(const result& other) : has_(other.has_) {
    if (has_) {
      ::new (static_cast<void*>(&value_)) T(other.value_);
    } else {
      ::new (static_cast<void*>(&error_)) relstore::error(other.error_);
    }
  }
  result(result&& other) noexcept(std::is_nothrow_move_constructible_v<T>) : has_(other.has_) {
    if (has_) {
      ::new (static_cast<void*>(&value_)) T(std::move(other.value_));
    } else {
      ::new (static_cast<void*>(&error_)) relstore::error(std::move(other.error_));
    }
  }
  result& operator=(result other) noexcept(std::is_nothrow_move_constructible_v<T>) {
    if (this != &other) {
      destroy();
      ::new (static_cast<void*>(this)) result(std::move(other));
    }
    return *this;
  }
  ~result() { destroy(); }

  bool has_value() const noexcept { return has_; }
  explicit operator bool() const noexcept { return has_; }

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
    return has_ ? value_ : static_cast<T>(std::forward<U>(fallback));
  }
  template <class U>
  T value_or(U&& fallback) && {
    return has_ ? std::move(value_) : static_cast<T>(std::forward<U>(fallback));
  }

  const relstore::error& error() const& {
    RELSTORE_ASSERT(!has_, "result::error() called on a value");
    return error_;
  }
  relstore::error&& error() && {
    RELSTORE_ASSERT(!has_, "result::error() called on a value");
    return std::move(error_);
  }

  // f(value) returns a result<U>; an error passes through unchanged.
  // F is called directly, not through std::invoke: at -O0 every layer is one
  // more function per call site, and these are called everywhere.
  template <class F>
  auto and_then(F&& f) & {
    using R = bind_result<F, T&>;
    static_assert(detail::is_result<R>::value, "relstore: and_then needs a function returning a result");
    if (!has_) return R(error_);
    return static_cast<F&&>(f)(value_);
  }
  template <class F>
  auto and_then(F&& f) const& {
    using R = bind_result<F, const T&>;
    static_assert(detail::is_result<R>::value, "relstore: and_then needs a function returning a result");
    if (!has_) return R(error_);
    return static_cast<F&&>(f)(value_);
  }
  template <class F>
  auto and_then(F&& f) && {
    using R = bind_result<F, T&&>;
    static_assert(detail::is_result<R>::value, "relstore: and_then needs a function returning a result");
    if (!has_) return R(static_cast<relstore::error&&>(error_));
    return static_cast<F&&>(f)(static_cast<T&&>(value_));
  }

  // f(value) returns a U (or void); the result is result<U>.
  template <class F>
  auto transform(F&& f) & {
    return map<T&>(*this, static_cast<F&&>(f));
  }
  template <class F>
  auto transform(F&& f) const& {
    return map<const T&>(*this, static_cast<F&&>(f));
  }
  template <class F>
  auto transform(F&& f) && {
    return map<T&&>(*this, static_cast<F&&>(f));
  }

  // f(error) returns a result<T>; a value passes through unchanged.
  template <class F>
  result or_else(F&& f) const& {
    if (has_) return *this;
    return static_cast<F&&>(f)(error_);
  }
  template <class F>
  result or_else(F&& f) && {
    if (has_) return static_cast<result&&>(*this);
    return static_cast<F&&>(f)(static_cast<relstore::error&&>(error_));
  }

 private:
  template <class F, class V>
  using bind_result = std::remove_cvref_t<decltype(std::declval<F>()(std::declval<V>()))>;

  // V: how the value is passed to f (T&, const T&, T&&); an error is moved
  // along with it from an rvalue result, as and_then's is.
  template <class V, class Self, class F>
  static auto map(Self& self, F&& f) {
    using U = std::remove_cvref_t<decltype(std::declval<F>()(std::declval<V>()))>;
    using E = std::conditional_t<std::is_rvalue_reference_v<V>, relstore::error&&, const relstore::error&>;
    if (!self.has_) return result<U>(static_cast<E>(self.error_));
    if constexpr (std::is_void_v<U>) {
      static_cast<F&&>(f)(static_cast<V>(self.value_));
      return result<U>();
    } else {
      return result<U>(static_cast<F&&>(f)(static_cast<V>(self.value_)));
    }
  }

  T& checked() {
    RELSTORE_ASSERT(has_, has_ ? "" : error_.message().c_str());
    return value_;
  }
  void destroy() noexcept {
    if (has_) {
      value_.~T();
    } else {
      error_.~error();
    }
  }

  // A hand-made union rather than std::variant: one branch, no visitation
  // machinery instantiated per T (a large share of -O0 compile time).
  union {
    T value_;
    relstore::error error_;
  };
  bool has_;
};

template <>
class [[nodiscard]] result<void> {
 public:
  using value_type = void;
  // Success holds no error: constructing, copying and destroying one costs
  // a flag (every write passes several).
  result() noexcept {}
  result(relstore::error err) : failed_(true) {  // NOLINT: implicit, as expected
    ::new (static_cast<void*>(&error_)) relstore::error(std::move(err));
  }
  result(const result& other) : failed_(other.failed_) {
    if (failed_) ::new (static_cast<void*>(&error_)) relstore::error(other.error_);
  }
  result(result&& other) noexcept : failed_(other.failed_) {
    if (failed_) ::new (static_cast<void*>(&error_)) relstore::error(std::move(other.error_));
  }
  result& operator=(result other) noexcept {
    if (this != &other) {
      destroy();
      ::new (static_cast<void*>(this)) result(std::move(other));
    }
    return *this;
  }
  ~result() { destroy(); }

  bool has_value() const noexcept { return !failed_; }
  explicit operator bool() const noexcept { return has_value(); }
  void value() const { RELSTORE_ASSERT(has_value(), failed_ ? error_.message().c_str() : ""); }
  const relstore::error& error() const& {
    RELSTORE_ASSERT(!has_value(), "result::error() called on a value");
    return error_;
  }
  relstore::error&& error() && {
    RELSTORE_ASSERT(!has_value(), "result::error() called on a value");
    return std::move(error_);
  }

  // f() returns a result<U>; an error passes through unchanged.
  template <class F>
  auto and_then(F&& f) const {
    using R = std::remove_cvref_t<decltype(std::declval<F>()())>;
    static_assert(detail::is_result<R>::value, "relstore: and_then needs a function returning a result");
    if (failed_) return R(error_);
    return static_cast<F&&>(f)();
  }
  // f() returns a U (or void); the result is result<U>.
  template <class F>
  auto transform(F&& f) const {
    using U = std::remove_cvref_t<decltype(std::declval<F>()())>;
    if (failed_) return result<U>(error_);
    if constexpr (std::is_void_v<U>) {
      static_cast<F&&>(f)();
      return result<U>();
    } else {
      return result<U>(static_cast<F&&>(f)());
    }
  }
  template <class F>
  result or_else(F&& f) const {
    if (!failed_) return *this;
    return static_cast<F&&>(f)(error_);
  }

 private:
  void destroy() noexcept {
    if (failed_) error_.~error();
  }

  bool failed_ = false;
  union {
    relstore::error error_;
  };
};

// Builds an error; `message` should name model, field, key and value.
inline error make_error(errc code, std::string message) { return error{code, std::move(message)}; }

}  // namespace relstore

template <>
struct std::is_error_code_enum<relstore::errc> : std::true_type {};
