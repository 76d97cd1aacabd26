#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan, UBSan) and runs each for a
# bounded time, seeded with its corpus (tests/fuzz/corpus/<target>, the golden
# snapshots for load) and every input it ever crashed on.
#   scripts/fuzz.sh [seconds per target] [target...]   (default 60; load filter create_json import rest)
# The targets are built in build/fuzz (-O1, configured here), or in the build
# tree RELSTORE_FUZZ_BUILD names (relative to the repository's root), which
# must be configured with RELSTORE_FUZZ=ON: CI runs them from its sanitizer
# build (scripts/test.sh asan), Debug and slower per input (the load target
# does about 20 inputs a second there: a smoke run past its seeds, not a
# search; run build/fuzz for minutes for that), without compiling the
# library again.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
targets=("$@")
[[ ${#targets[@]} -eq 0 ]] && targets=(load filter create_json import rest)
scripts/deps.sh
build=${RELSTORE_FUZZ_BUILD:-build/fuzz}
if [[ -z ${RELSTORE_FUZZ_BUILD:-} ]]; then
  # -O1 with line tables only, as libFuzzer's documentation builds fuzz targets:
  # reports keep file:line, and the build takes a fraction of -O2 -g's time.
  cmake -S . -B build/fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only -DNDEBUG" \
    -DCMAKE_C_COMPILER=clang -DRELSTORE_FUZZ=ON -DRELSTORE_BUILD_TESTS=ON -DRELSTORE_BUILD_TOOLS=OFF \
    -DRELSTORE_INSTALL=OFF -DRELSTORE_WERROR="${RELSTORE_WERROR:-OFF}" >/dev/null
elif ! grep -qiE '^RELSTORE_FUZZ:BOOL=(ON|1|TRUE|YES|Y)$' "$build/CMakeCache.txt" 2>/dev/null; then
  echo "scripts/fuzz.sh: RELSTORE_FUZZ_BUILD=$build is not a build configured with -DRELSTORE_FUZZ=ON" >&2
  exit 2
fi
# A tree built without the REST routes has no rest target.
if grep -qiE '^RELSTORE_BUILD_REST:BOOL=(OFF|0|FALSE|NO|N)$' "$build/CMakeCache.txt"; then
  kept=()
  for t in "${targets[@]}"; do [[ $t == rest ]] || kept+=("$t"); done
  targets=("${kept[@]}")
fi
cmake --build "$build" --target "${targets[@]/%/_fuzzer}"
export ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
for t in "${targets[@]}"; do
  corpus=$build/corpus/$t
  mkdir -p "$corpus" "$build/crashes/$t"
  if [[ -d tests/fuzz/corpus/$t ]]; then cp tests/fuzz/corpus/$t/* "$corpus"/; fi
  if [[ -d tests/fuzz/regressions/$t ]]; then find tests/fuzz/regressions/$t -type f -exec cp {} "$corpus"/ \;; fi
  if [[ $t == load ]]; then
    cp tests/data/*.snap "$corpus"/
    # The same snapshots as format-and-version byte + payload, for the
    # re-sealing half of the target (load_fuzzer.cpp: format + 3 * (0 for
    # version 2, 1 for 3, 2 for 1)).
    for f in tests/data/*.snap; do
      case "$f" in *binary*) b=0 ;; *text*) b=1 ;; *) b=2 ;; esac
      case "$f" in *_v1.*) b=$((b + 6)) ;; *_v3.*) b=$((b + 3)) ;; esac
      { printf "\\$(printf '%03o' "$b")"; tail -c +49 "$f"; } > "$corpus/payload-$(basename "$f")"
    done
  fi
  echo "=== fuzz $t for ${seconds}s"
  dict=()
  if [[ -f tests/fuzz/$t.dict ]]; then dict=(-dict="tests/fuzz/$t.dict"); fi
  "$build/tests/${t}_fuzzer" "$corpus" "${dict[@]}" -max_total_time="$seconds" -rss_limit_mb=2048 -malloc_limit_mb=512 \
    -timeout=10 -artifact_prefix="$build/crashes/$t/" -print_final_stats=1 2>&1 | tail -n 12
  echo "fuzz $t: no crash in ${seconds}s (a crash would have stopped the run and failed this script)"
done
