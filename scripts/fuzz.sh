#!/usr/bin/env bash
# Builds the snapshot-load fuzzer with clang (libFuzzer, ASan, UBSan) and runs
# it for a bounded time, seeded with the golden snapshots and every input it
# ever crashed on.   scripts/fuzz.sh [seconds]   (default 60)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
scripts/deps.sh
cmake -S . -B build/fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_C_COMPILER=clang -DRELSTORE_FUZZ=ON -DRELSTORE_BUILD_TESTS=ON -DRELSTORE_BUILD_TOOLS=OFF \
  -DRELSTORE_INSTALL=OFF -DRELSTORE_WERROR="${RELSTORE_WERROR:-OFF}" >/dev/null
cmake --build build/fuzz --target load_fuzzer
corpus=build/fuzz/corpus
mkdir -p "$corpus" build/fuzz/crashes
cp tests/data/*.snap "$corpus"/
# The same snapshots as format byte + payload, for the re-sealing half of the target.
for f in tests/data/*.snap; do
  case "$f" in *binary*) b='\000' ;; *text*) b='\001' ;; *) b='\002' ;; esac
  { printf "$b"; tail -c +49 "$f"; } > "$corpus/payload-$(basename "$f")"
done
find tests/fuzz/regressions -type f ! -name '*.md' -exec cp {} "$corpus"/ \;
export ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
build/fuzz/tests/load_fuzzer "$corpus" -max_total_time="$seconds" -rss_limit_mb=2048 -malloc_limit_mb=512 \
  -artifact_prefix=build/fuzz/crashes/ -print_final_stats=1 2>&1 | tail -n 25
echo "fuzz: no crash in ${seconds}s (a crash would have stopped the run and failed this script)"
