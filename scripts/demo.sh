#!/usr/bin/env bash
# Installs what is missing, builds (Release) and runs the demo.
#   scripts/demo.sh [demo options, e.g. --ticks 500]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build/release --target relstore-demo
exec build/release/tools/relstore-demo "$@"
