// RELSTORE_ASSERT: the library's check for programmer misuse (a broken
// precondition), never for bad input, which is reported as a result error.
//
// Define RELSTORE_ASSERT before including any relstore header to replace it,
// or install a handler at run time with set_assert_handler().
#pragma once

namespace relstore {

// Called with the failed expression, a message, and the source location.
// The default handler prints to stderr and aborts. A handler must not return
// normally if the program is to stay well defined; it may throw or abort.
using assert_handler = void (*)(const char* expr, const char* message, const char* file, int line);

// Installs `handler` (nullptr restores the default); returns the previous one.
// Thread-safety: not synchronised; install once at start-up.
assert_handler set_assert_handler(assert_handler handler) noexcept;

namespace detail {
[[noreturn]] void assert_failed(const char* expr, const char* message, const char* file, int line);
}  // namespace detail

}  // namespace relstore

#ifndef RELSTORE_ASSERT
#define RELSTORE_ASSERT(cond, message) \
  ((cond) ? static_cast<void>(0) : ::relstore::detail::assert_failed(#cond, (message), __FILE__, __LINE__))
#endif
