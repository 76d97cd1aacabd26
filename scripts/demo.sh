#!/usr/bin/env bash
# Installs what is missing, builds (Release) the demo and the snapshot tool,
# and runs the demo; its save can then be opened with
# build/release/tools/relstore-snapshot (README, "relstore-snapshot").
#   scripts/demo.sh [demo options, e.g. --ticks 500]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build/release --target relstore-demo relstore-snapshot
exec build/release/tools/relstore-demo "$@"
