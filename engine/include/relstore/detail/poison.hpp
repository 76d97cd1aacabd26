// Marks memory that relstore holds but no one may touch (a free pool slot,
// a kept block) so that AddressSanitizer reports a use of it, as it would
// a use of freed heap memory. Without AddressSanitizer the macros do
// nothing. Internal.
#pragma once

#if defined(__SANITIZE_ADDRESS__)
#define RELSTORE_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RELSTORE_ASAN 1
#endif
#endif

#ifdef RELSTORE_ASAN
#include <sanitizer/asan_interface.h>
#define RELSTORE_POISON(p, n) ASAN_POISON_MEMORY_REGION(p, n)
#define RELSTORE_UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION(p, n)
#else
#define RELSTORE_POISON(p, n) ((void)(p), (void)(n))
#define RELSTORE_UNPOISON(p, n) ((void)(p), (void)(n))
#endif
