#!/usr/bin/env bash
# The REST load benchmark of issue 16, measured as LoopBack 4's figures
# were: wrk, 2 threads, 32 connections, 10 s, on a store of 10,000 orders
# (100 customers with 100 orders each).
#
#   bench/rest_bench.sh [BUILD_DIR]      (default build/dev; needs relstore-server and wrk)
#
# Prints one line per route: requests/s, p50 and p99 latency.
set -euo pipefail
build=${1:-build/dev}
server=$build/tools/relstore-server
[ -x "$server" ] || { echo "rest_bench.sh: no $server (build the relstore-server target)" >&2; exit 1; }
command -v wrk >/dev/null || { echo "rest_bench.sh: wrk is not installed (scripts/deps.sh)" >&2; exit 1; }

dir=$(mktemp -d)
"$server" --schema shop --populate 10000 --port 0 >"$dir/server.out" 2>&1 &
pid=$!
trap 'kill -TERM $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$dir"' EXIT
port=
for _ in $(seq 200); do
  port=$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\).*|\1|p' "$dir/server.out")
  [ -n "$port" ] && break
  sleep 0.05
done
[ -n "$port" ] || { cat "$dir/server.out"; exit 1; }
base=http://127.0.0.1:$port

cat >"$dir/post.lua" <<'LUA'
wrk.method = "POST"
wrk.body = '{"total":42,"note":"wrk"}'
wrk.headers["Content-Type"] = "application/json"
LUA

# run NAME URL [WRK_ARGS...]: a 10 s run; prints NAME req/s p50 p99.
run() {
  local name=$1 url=$2
  shift 2
  wrk -t2 -c32 -d10s --latency "$@" "$url" >"$dir/wrk.out"
  local rps p50 p99 non2xx
  rps=$(awk '/^Requests\/sec:/ {print $2}' "$dir/wrk.out")
  p50=$(awk '$1 == "50%" {print $2}' "$dir/wrk.out")
  p99=$(awk '$1 == "99%" {print $2}' "$dir/wrk.out")
  non2xx=$(awk '/Non-2xx/ {print $NF}' "$dir/wrk.out")
  printf '%-44s %10s req/s   p50 %8s   p99 %8s%s\n' "$name" "$rps" "$p50" "$p99" \
    "${non2xx:+   NON-2xx: $non2xx}"
}

echo "relstore-server, 10,000 orders, wrk -t2 -c32 -d10s ($(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg))"
run "GET /customers/1/orders (100 orders)" "$base/customers/1/orders"
# {"where":{"total":{"gt":50}},"limit":5}, percent-encoded
run "GET /customers/1/orders?filter=... (5)" \
  "$base/customers/1/orders?filter=%7B%22where%22%3A%7B%22total%22%3A%7B%22gt%22%3A50%7D%7D%2C%22limit%22%3A5%7D"
run "POST /customers/1/orders" "$base/customers/1/orders" -s "$dir/post.lua"
