// The fuzz targets: any bytes must give a result or a clean error, never a
// crash, a leak, undefined behaviour or a hang. Each is a libFuzzer target
// (built with RELSTORE_LIBFUZZER by scripts/fuzz.sh) and is replayed by
// fuzz_regression_test (rest: rest_test) on its seed corpus and kept
// crashes in every build.
#pragma once

#include <cstddef>
#include <cstdint>

namespace fuzz {

// Bytes as a snapshot file, and as a format byte + payload sealed behind a valid envelope.
int load(const std::uint8_t* data, std::size_t size);
// Bytes as a JSON filter (and where) run against a small store and its dataset.
int filter(const std::uint8_t* data, std::size_t size);
// Bytes as a JSON payload for create_json and parse_patch + update_by_id.
int create_json(const std::uint8_t* data, std::size_t size);
// Bytes as "schema\n---\ndocument" for import_json (a fixed schema when there is no separator).
int import(const std::uint8_t* data, std::size_t size);
// Bytes as REST requests, one per line, to the router of a small store (rest_fuzzer.cpp: built with relstore::rest).
int rest(const std::uint8_t* data, std::size_t size);

}  // namespace fuzz

// Defines LLVMFuzzerTestOneInput for one target in a libFuzzer build.
#ifdef RELSTORE_LIBFUZZER
#define RELSTORE_FUZZ_ENTRY(target) \
  extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) { return fuzz::target(data, size); }
#else
#define RELSTORE_FUZZ_ENTRY(target)
#endif
