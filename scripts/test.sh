#!/usr/bin/env bash
# Installs what is missing, builds and runs the whole test suite with ctest.
#   scripts/test.sh [release|debug|asan|clang]     (default: release)
# RELSTORE_WERROR=ON turns warnings into errors (CI sets it).
set -euo pipefail
cd "$(dirname "$0")/.."
flavor=${1:-release}

scripts/deps.sh

args=(-G Ninja -DRELSTORE_BUILD_TESTS=ON -DRELSTORE_WERROR="${RELSTORE_WERROR:-OFF}")
bench=ON
case "$flavor" in
  release) args+=(-DCMAKE_BUILD_TYPE=Release) ;;
  debug) args+=(-DCMAKE_BUILD_TYPE=Debug) ;;
  # The sanitizer build is also the second compiler's: clang checks the
  # library and tests where GCC's release build does not look.
  # The benchmark harness is built and smoke-tested by the release build
  # only: under ASan it cost CI about two minutes for code outside the library.
  # It also builds the libFuzzer targets (RELSTORE_FUZZ), which CI runs from
  # it (RELSTORE_FUZZ_BUILD=build/asan scripts/fuzz.sh).
  asan)
    args+=(-DCMAKE_BUILD_TYPE=Debug -DRELSTORE_SANITIZE=ON -DRELSTORE_FUZZ=ON -DCMAKE_CXX_COMPILER=clang++
      -DCMAKE_C_COMPILER=clang)
    bench=OFF
    ;;
  # Clang without sanitizers, for a local check.
  clang)
    args+=(-DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_C_COMPILER=clang)
    bench=OFF
    ;;
  *) echo "usage: scripts/test.sh [release|debug|asan|clang]" >&2; exit 2 ;;
esac

args+=(-DRELSTORE_BUILD_BENCH="$bench")

build="build/$flavor"
cmake -S . -B "$build" "${args[@]}" >/dev/null
cmake --build "$build"
if [[ "$flavor" == asan ]]; then
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1
  export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
fi
ctest --test-dir "$build" --output-on-failure -j2
