#!/usr/bin/env bash
# Drives relstore-server with curl, a real HTTP client: every route, every
# error status, the safety limits, and the snapshot saved on SIGTERM.
#
#   server_curl.sh SERVER [DEMO]
#
# With DEMO (relstore-demo), also checks that --serve serves its world.
set -u
server=$1
demo=${2-}
dir=$(mktemp -d) || exit 1
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null; done
  wait 2>/dev/null
  rm -rf "$dir"
}
trap cleanup EXIT
fail=0
problem() {
  echo "FAILED: $*"
  fail=1
}

# start NAME ARGS...: starts a server on a free port; sets $port and $pid.
start() {
  local name=$1
  shift
  local program=${program:-$server}
  "$program" --port 0 "$@" >"$dir/$name.out" 2>"$dir/$name.err" &
  pid=$!
  pids+=("$pid")
  port=
  for _ in $(seq 100); do
    port=$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\).*|\1|p' "$dir/$name.out")
    [ -n "$port" ] && return 0
    sleep 0.05
  done
  echo "server $name did not start:"; cat "$dir/$name.out" "$dir/$name.err"
  exit 1
}

# check STATUS METHOD PATH [BODY [BODY_REGEX]] [-- CURL_ARGS...]
check() {
  local want=$1 method=$2 path=$3 body=${4-} regex=${5-}
  shift 3; [ $# -gt 0 ] && shift; [ $# -gt 0 ] && shift
  local args=(-s -g -o "$dir/body" -w '%{http_code}' -X "$method" "${extra[@]}")
  [ -n "$body" ] && args+=(-H 'Content-Type: application/json' --data-binary "$body")
  local got
  got=$(curl "${args[@]}" "http://127.0.0.1:$port$path")
  if [ "$got" != "$want" ]; then
    problem "$method $path: status $got, expected $want; body: $(cat "$dir/body")"
  elif [ -n "$regex" ] && ! grep -Eq -e "$regex" "$dir/body"; then
    problem "$method $path: body $(cat "$dir/body") does not match /$regex/"
  fi
}
extra=()

# ---------------------------------------------------------------- all routes
start shop --schema shop --snapshot "$dir/shop.snap" --idle-timeout 500 --body-limit 4096
check 201 POST /customers '{"name":"Ada"}' '"id":1'
check 201 POST /customers '{"name":"Bob"}' '"id":2'
check 200 GET /customers '' '^\[\{"id":1,"name":"Ada"'
check 200 GET '/customers?filter={"where":{"name":"Bob"}}' '' '^\[\{"id":2,'
check 200 GET /customers/count '' '^\{"count":2\}$'
check 201 POST /customers/1/orders '{"total":60}' '"customerId":1'
check 201 POST /customers/1/orders '{"total":10}' '"id":2'
extra=(-H 'Expect: 100-continue' --expect100-timeout 5)  # answered 100 at once, not after curl's timeout
start_ms=$(date +%s%N)
check 201 POST /customers '{"name":"Eve"}' '"id":3'
[ $((($(date +%s%N) - start_ms) / 1000000)) -lt 2000 ] || problem "Expect: 100-continue waited for curl's timeout"
check 204 DELETE /customers/3
extra=()
check 201 POST /orders '{"customerId":2,"total":99}' '"id":3'
check 200 GET /customers/1/orders '' '^\[\{"id":1,.*\{"id":2,'
check 200 GET '/customers/1/orders?filter={"where":{"total":{"gt":50}},"limit":5}' '' '^\[\{"id":1,[^]]*\]$'
check 200 GET '/customers/1/orders?filter[where][total][gt]=50&filter[limit]=5' '' '^\[\{"id":1,[^]]*\]$'
check 200 GET '/orders/count?where={"total":{"lt":50}}' '' '^\{"count":1\}$'
check 200 GET /orders/3/customer '' '"name":"Bob"'
check 200 GET '/customers/1?filter={"include":["orders"]}' '' '"orders":\[\{'
check 204 PATCH /customers/2 '{"email":"bob@example.com"}'
check 200 GET /customers/2 '' '"email":"bob@example.com"'
check 204 PUT /orders/3 '{"customerId":2,"total":5,"note":"replaced"}'
check 200 GET /orders/3 '' '"note":"replaced"'
check 200 PATCH '/customers/1/orders?where={"total":10}' '{"note":"small"}' '^\{"count":1\}$'
check 200 PATCH '/orders?where={"customerId":2}' '{"note":"bob"}' '^\{"count":1\}$'
check 200 DELETE '/customers/1/orders?where={"total":10}' '' '^\{"count":1\}$'
check 200 GET /openapi.json '' '"/customers/\{id\}/orders"'

# --------------------------------------------------------------- every error
check 400 POST /customers '{"name":' '"statusCode":400,"name":"BadRequestError"'
check 400 GET '/customers?filter={"limit":-1}' '' '"code":"INVALID_FILTER"'
check 400 GET /customers/abc '' '"code":"INVALID_PARAMETER_VALUE"'
check 404 GET /customers/99 '' '"statusCode":404,"name":"NotFoundError".*"code":"NOT_FOUND"'
check 404 GET /customers/99/orders '' 'NOT_FOUND'
check 404 POST /customers/99/orders '{"total":1}' 'NOT_FOUND'
check 404 GET /nowhere '' 'ENDPOINT_NOT_FOUND'
check 405 PUT /customers '{}' 'METHOD_NOT_ALLOWED'
check 409 DELETE /customers/1 '' '"code":"RESTRICT_VIOLATION"'
check 409 POST /customers '{"id":1,"name":"Twin"}' '"code":"ALREADY_EXISTS"'
check 422 POST /orders '{"customerId":99,"total":1}' '"code":"FOREIGN_KEY_VIOLATION"'
check 422 POST /customers '{"name":"X","age":3}' '"code":"INVALID_ARGUMENT"'
check 422 POST /customers '{"name":7}' 'UnprocessableEntityError'
check 422 PATCH /customers/1/orders '{"customerId":2}' '"code":"CONSTRAINT_VIOLATION"'
check 413 POST /customers "{\"name\":\"$(head -c 5000 /dev/zero | tr '\0' a)\"}" 'PAYLOAD_TOO_LARGE'
extra=(-H "X-Big: $(head -c 9000 /dev/zero | tr '\0' b)")
check 431 GET /customers '' 'HEADER_FIELDS_TOO_LARGE'
extra=()
check 431 GET "/customers/count?where=$(head -c 9000 /dev/zero | tr '\0' c)" '' 'RequestHeaderFieldsTooLargeError'
# curl -d sends form data: 415, as LoopBack, not read as JSON.
got=$(curl -s -o "$dir/body" -w '%{http_code}' -X POST -d '{"name":"Form"}' "http://127.0.0.1:$port/customers")
{ [ "$got" = 415 ] && grep -q '"code":"UNSUPPORTED_MEDIA_TYPE"' "$dir/body"; } ||
  problem "curl -d without a JSON Content-Type: status $got, body $(cat "$dir/body")"
# The store after the errors: nothing changed.
check 200 GET /customers/count '' '^\{"count":2\}$'
check 200 GET /orders/count '' '^\{"count":2\}$'

# Malformed HTTP closes that connection only; a silent one times out.
if exec 3<>"/dev/tcp/127.0.0.1/$port"; then
  printf 'NOT HTTP AT ALL\r\n\r\n' >&3
  timeout 5 cat <&3 >"$dir/garbage" || problem "malformed HTTP: the connection stayed open"
  grep -q '^HTTP/1.1 400' "$dir/garbage" || problem "malformed HTTP: no 400 ($(head -1 "$dir/garbage"))"
  exec 3>&-
fi
if exec 4<>"/dev/tcp/127.0.0.1/$port"; then
  printf 'GET /customers HTTP/1.1\r\nHost: x\r\n' >&4  # never finished
  start_ms=$(date +%s%N)
  timeout 5 cat <&4 >/dev/null || problem "a slow request was not timed out"
  elapsed=$((($(date +%s%N) - start_ms) / 1000000))
  [ "$elapsed" -lt 3000 ] || problem "the idle timeout took ${elapsed} ms"
  exec 4>&-
fi
check 200 GET /customers/count '' '^\{"count":2\}$'

# Saved on request and on SIGTERM; loaded again at start.
# POST /snapshot starts a background save; the loop finishes it.
check 202 POST /snapshot '' '"saving":'
for _ in $(seq 100); do grep -q 'saved' "$dir/shop.out" && break; sleep 0.05; done
grep -q 'saved' "$dir/shop.out" || problem "the background save did not finish"
check 202 POST /snapshot '' '"saving":'
check 201 POST /customers '{"name":"Cy"}'
kill -TERM "$pid"
wait "$pid" || problem "the server exited with status $?"
[ "$(grep -c 'saved' "$dir/shop.out")" -ge 3 ] || problem "no save at shutdown: $(cat "$dir/shop.out")"
start reload --schema shop --snapshot "$dir/shop.snap"
check 200 GET /customers/count '' '^\{"count":3\}$'
check 200 GET /customers/2 '' '"email":"bob@example.com"'
kill -TERM "$pid"
wait "$pid"

# A read-only server leaves its snapshot as it found it (REGRESSION: it
# saved on SIGTERM, over whatever another program had saved there since).
start inspect --schema shop --snapshot "$dir/shop.snap" --read-only
check 200 GET /customers/count '' '^\{"count":3\}$'
check 403 POST /snapshot '' 'READ_ONLY'
before=$(stat -c '%y %s' "$dir/shop.snap")
kill -TERM "$pid"
wait "$pid" || problem "the read-only server exited with status $?"
[ "$(stat -c '%y %s' "$dir/shop.snap")" = "$before" ] || problem "a read-only server wrote its snapshot"
grep -q 'saved' "$dir/inspect.out" && problem "a read-only server says it saved: $(cat "$dir/inspect.out")"

# --------------------------------------------------- read-only, bearer token
start guarded --schema world --populate 20 --read-only --token s3cret
check 401 GET /zones '' '"statusCode":401,"name":"UnauthorizedError"'
extra=(-H 'Authorization: Bearer wrong')
check 401 GET /zones '' 'UNAUTHORIZED'
extra=(-H 'Authorization: Bearer s3cret')
check 200 GET /zones/1/players '' '^\[\{'
check 200 GET /players/1/items '' '"kind":"sword"'
check 403 POST /zones '{"name":"z"}' '"statusCode":403,"name":"ForbiddenError"'
check 403 DELETE /players/1 '' 'READ_ONLY'
check 200 GET /players/count '' '^\{"count":20\}$'
extra=()

# --populate after a load adds its own parents: the loaded world may lack
# zone 1 (REGRESSION: it created players in zone 1 and aborted).
start sparse --schema world --populate 1 --snapshot "$dir/world.snap"
check 204 DELETE /players/1
check 204 DELETE /zones/1
kill -TERM "$pid"
wait "$pid" || problem "the sparse world server exited with status $?"
start sparse_again --schema world --populate 1 --snapshot "$dir/world.snap"
check 200 GET /zones/count '' '^\{"count":39\}$'
check 200 GET /players '' '"zoneId":21'
kill -TERM "$pid"
wait "$pid" || problem "the repopulated world server exited with status $?"

# An empty --snapshot is refused (it turned saving off); an IPv6 address
# is printed as a URL can hold it.
timeout 5 "$server" --port 0 --snapshot '' >"$dir/empty.out" 2>"$dir/empty.err"
[ $? -eq 2 ] && grep -q 'expects a file path' "$dir/empty.err" || problem "an empty --snapshot was not refused"
"$server" --port 0 --address ::1 >"$dir/v6.out" 2>&1 &
v6=$!
pids+=("$v6")
for _ in $(seq 100); do
  grep -q 'listening on' "$dir/v6.out" && break
  kill -0 "$v6" 2>/dev/null || break  # no IPv6 on this machine: nothing to check
  sleep 0.05
done
if grep -q 'listening on' "$dir/v6.out"; then
  grep -q 'listening on http://\[::1\]:' "$dir/v6.out" || problem "IPv6 URL: $(cat "$dir/v6.out")"
fi
kill -TERM "$v6" 2>/dev/null

# ------------------------------------------------ the demo serving its world
if [ -n "$demo" ]; then
  program=$demo start demo --serve --players 30 --snapshot "$dir/demo.snap"
  check 200 GET /zones/count '' '^\{"count":20\}$'
  check 200 GET '/players?filter={"limit":1,"include":["items"]}' '' '"items":\['
  # Keys up to INT64_MAX from a client: the tick draws keys as int64
  # (REGRESSION: it cut a guild key to int, and overflowed past INT64_MAX).
  check 201 POST /guilds '{"id":3000000000,"name":"big"}'
  check 201 POST /players '{"id":9223372036854775806,"zoneId":1,"name":"max"}'
  sleep 3
  kill -TERM "$pid"
  wait "$pid" || problem "the demo exited with status $?"
  # Read once the demo has exited and flushed; UBSan's report goes to stderr.
  grep -E 'id -[0-9]|runtime error' "$dir/demo.out" "$dir/demo.err" && problem "the demo's tick drew a bad key"
  [ -s "$dir/demo.snap" ] || problem "the demo did not save its world"
fi

[ "$fail" -eq 0 ] && echo "server_curl: all checks passed"
exit "$fail"
