#!/usr/bin/env bash
# load.sh: `make load`. A real HTTP load generator (wrk, from Debian's
# package, installed when missing) against `sealcookie serve` on a free
# loopback port: requests/second of GET / (a session read-modify-write,
# through session.lua) beside GET /healthz (a route that never touches the
# session). Each run is bounded by LOAD_DURATION; the server is stopped at
# the end, whatever happens.
#
#   LOAD_DURATION     seconds of each wrk run   (default 10s)
#   LOAD_THREADS      wrk threads               (default 2)
#   LOAD_CONNECTIONS  open connections          (default 32)
#   GO                the go command            (default go)
#
# wrk, the client, and serve share this machine's cores: the figures compare
# the two routes with each other, not with another machine.
set -euo pipefail
cd "$(dirname "$0")/../.."

duration="${LOAD_DURATION:-10s}"
threads="${LOAD_THREADS:-2}"
connections="${LOAD_CONNECTIONS:-32}"
go="${GO:-go}"

if ! command -v wrk >/dev/null 2>&1; then
  echo "== installing wrk (Debian's package)"
  if [ "$(id -u)" -eq 0 ]; then
    as_root=()
  elif command -v sudo >/dev/null 2>&1; then
    as_root=(sudo -n)
  else
    echo "load: wrk is missing and installing it needs root (or sudo): apt-get install wrk" >&2
    exit 1
  fi
  "${as_root[@]}" apt-get update -qq
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wrk >/dev/null
fi

tmp="$(mktemp -d)"
pid=""
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -INT "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT

echo "== building sealcookie"
"$go" build -o "$tmp/sealcookie" ./cmd/sealcookie

# A generated password (SEALCOOKIE_PASSWORD emptied), the default cookie
# attributes of serve.
SEALCOOKIE_PASSWORD= "$tmp/sealcookie" serve --addr 127.0.0.1:0 >"$tmp/serve.out" 2>"$tmp/serve.err" &
pid=$!
url=""
for _ in $(seq 100); do
  url="$(sed -n 's/^sealcookie demo: listening on //p' "$tmp/serve.out")"
  [ -n "$url" ] && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
if [ -z "$url" ]; then
  echo "load: sealcookie serve did not start:" >&2
  cat "$tmp/serve.out" "$tmp/serve.err" >&2
  exit 1
fi
echo "== sealcookie serve on $url; wrk: $threads threads, $connections connections, $duration per route"

# run ROUTE: one bounded wrk run; prints wrk's report and keeps the
# sealcookie-load line in $tmp/ROUTE.
run() {
  local route="$1" file
  file="$tmp/$(echo "$route" | tr -c 'a-z0-9\n' '_')"
  echo "== GET $route"
  wrk --threads "$threads" --connections "$connections" --duration "$duration" --timeout 5s \
    --script internal/load/session.lua "$url$route" | tee "$file.out" | grep -v '^sealcookie-load '
  grep '^sealcookie-load ' "$file.out" >"$file"
}
run /
run /healthz

# field FILE KEY: the value of KEY=... in a sealcookie-load line.
field() { sed -n "s/.* $2=\([^ ]*\).*/\1/p" "$1"; }

session="$tmp/$(echo / | tr -c 'a-z0-9\n' '_')"
health="$tmp/$(echo /healthz | tr -c 'a-z0-9\n' '_')"
echo
echo "== requests/second, side by side (wrk, $threads threads, $connections connections, $duration each)"
row() {
  printf '%-34s %12s %9s %9s %11s %7s %11s\n' "$1" "$(field "$2" rps)" "$(field "$2" p50_ms)" "$(field "$2" p99_ms)" \
    "$(field "$2" bytes)" "$(( $(field "$2" errors) + $(field "$2" non2xx) ))" "$(field "$2" setcookie)"
}
printf '%-34s %12s %9s %9s %11s %7s %11s\n' route requests/s "p50 ms" "p99 ms" "bytes/resp" errors Set-Cookie
row "GET / (session read-modify-write)" "$session"
row "GET /healthz (no session)" "$health"
awk -v s="$(field "$session" rps)" -v h="$(field "$health" rps)" \
  'BEGIN { if (h > 0) printf "GET / serves %.0f%% of the requests/second of GET /healthz (it also renders an HTML page: see bytes/resp)\n", 100 * s / h }'

status=0
if [ "$(field "$session" setcookie)" = 0 ]; then
  echo "load: GET / set no cookie: the session route was not exercised" >&2
  status=1
fi
if [ -s "$tmp/serve.err" ]; then
  echo "load: sealcookie serve reported errors:" >&2
  head -n 20 "$tmp/serve.err" >&2
  status=1
fi
kill -INT "$pid"
for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$pid" 2>/dev/null; then
  echo "load: sealcookie serve did not stop within 5 s of SIGINT" >&2
  status=1
else
  wait "$pid" || { echo "load: sealcookie serve exited with an error" >&2; status=1; }
fi
pid=""
exit "$status"
