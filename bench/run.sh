#!/usr/bin/env bash
# Runs the whole benchmark harness: relstore, SQLite in memory and the bare
# Boost.MultiIndex floor at 1k, 100k and 1M children. Writes
#   bench/results/latest.json  Google Benchmark's JSON (medians of repetitions)
#   bench/results/latest.md    the table: medians and ratios per phase and scale
#   bench/results/latest.png   ns/op against scale for the three systems
# Usage: bench/run.sh [--scales=1000,100000,1000000] [--repetitions=5]
set -euo pipefail
cd "$(dirname "$0")/.."
scales=1000,100000,1000000
reps=5
for a in "$@"; do
  case "$a" in
    --scales=*) scales=${a#--scales=} ;;
    --repetitions=*) reps=${a#--repetitions=} ;;
    *) echo "usage: bench/run.sh [--scales=LIST] [--repetitions=N]" >&2; exit 2 ;;
  esac
done
scripts/deps.sh
cmake -S . -B build/bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DRELSTORE_BUILD_BENCH=ON -DRELSTORE_BUILD_TESTS=OFF \
  -DRELSTORE_BUILD_TOOLS=OFF >/dev/null
cmake --build build/bench --target relstore-bench
mkdir -p bench/results
build/bench/bench/relstore-bench --scales="$scales" --benchmark_repetitions="$reps" \
  --benchmark_report_aggregates_only=true --benchmark_out=bench/results/latest.json --benchmark_out_format=json
python3 bench/report.py bench/results/latest.md bench/results/latest.dat bench/results/latest.json
gnuplot bench/results/latest.gp
echo "wrote bench/results/latest.{json,md,png}"
