#include "relstore/assert.hpp"

#include <atomic>
#include <cstdio>
#include <cstdlib>

namespace relstore {
namespace {

void default_handler(const char* expr, const char* message, const char* file, int line) {
  std::fprintf(stderr, "relstore: assertion failed: %s (%s) at %s:%d\n", expr, message, file, line);
  std::abort();
}

std::atomic<assert_handler> current{&default_handler};

}  // namespace

assert_handler set_assert_handler(assert_handler handler) noexcept {
  return current.exchange(handler != nullptr ? handler : &default_handler);
}

namespace detail {
void assert_failed(const char* expr, const char* message, const char* file, int line) {
  current.load()(expr, message, file, line);
  std::abort();  // a handler that returns still stops the program
}
}  // namespace detail

}  // namespace relstore
