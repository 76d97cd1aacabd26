// libFuzzer target: any bytes given to load() or to the snapshot tools must
// give a result or a clean error, never a crash, a leak or undefined behaviour.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include <relstore/snapshot.hpp>
#include <relstore/snapshot_tools.hpp>

#include "common/shop_schema.hpp"
#include "fuzz/fuzz_targets.hpp"
#include "relstore/detail/crc32c.hpp"
#include "relstore/detail/envelope.hpp"

namespace {

void exercise(const std::string& bytes) {
  {
    std::istringstream in(bytes);
    shop::store db;
    (void)relstore::load(db, in);
  }
  std::istringstream in(bytes);
  auto ds = relstore::read_snapshot(in);
  if (ds) {
    (void)relstore::verify_dataset(*ds);
    std::ostringstream sink;
    (void)relstore::export_sql(*ds, sink);
    (void)relstore::dump_dataset(*ds, "", "", sink);
  }
}

}  // namespace

// The input is tried twice: as a whole file, and, so that mutations get past
// the checksum into the payload parser, as a byte naming the archive format
// (its value % 3) and the format version (its value / 3 % 3: 2, 3 or 1, so
// that every layout is reached) followed by a payload sealed with a valid
// envelope.
int fuzz::load(const std::uint8_t* data, std::size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  exercise(bytes);
  if (size > 0) {
    const auto format = static_cast<relstore::archive_format>(data[0] % 3);
    constexpr std::uint32_t versions[] = {2, 3, 1};
    exercise(relstore::detail::seal_snapshot(bytes.substr(1), format, versions[data[0] / 3 % 3]));
  }
  return 0;
}

RELSTORE_FUZZ_ENTRY(load)
