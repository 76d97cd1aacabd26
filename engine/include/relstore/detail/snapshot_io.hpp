// Snapshot internals shared by the library, its tests and its fuzzer:
// the system calls a save makes (replaceable for fault injection; set them
// before saving, not while saving), CRC32C, and the envelope.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "relstore/snapshot.hpp"

namespace relstore::detail {

struct file_ops {
  int (*open)(const char* path, int flags, mode_t mode);
  ssize_t (*write)(int fd, const void* data, std::size_t size);
  int (*fsync)(int fd);
  int (*close)(int fd);
  int (*rename)(const char* from, const char* to);
};

// The real system calls.
const file_ops& system_file_ops() noexcept;
// Installs `ops` (nullptr restores the system calls).
void set_file_ops(const file_ops* ops) noexcept;

std::uint32_t crc32c(const void* data, std::size_t size) noexcept;
// The portable fallback, exposed so tests can compare both paths.
std::uint32_t crc32c_portable(const void* data, std::size_t size) noexcept;

// Prepends a valid envelope (this build's versions and platform) to `payload`.
std::string seal_snapshot(const std::string& payload, archive_format format);

}  // namespace relstore::detail
