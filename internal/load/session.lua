-- session.lua: the wrk script of `make load` (internal/load/load.sh).
--
-- It keeps the session cookie the server sets and sends it back, so every
-- request to the demo's GET / is a session read-modify-write: open the
-- sealed cookie, count a visit, seal it again and send Set-Cookie. wrk's Lua
-- API calls request() and response() per thread, with no hook that tells
-- the connections apart, so the connections of one thread share the
-- thread's latest cookie (their counters race; the work per request is the
-- same). The first requests of each thread carry no cookie and start new
-- sessions. The same script runs against /healthz, which sets no cookie, so
-- both routes pay the same client-side cost.
--
-- done() prints one line that load.sh reads:
--   sealcookie-load requests=N seconds=S rps=R p50_ms=A p99_ms=B bytes=M errors=E non2xx=F setcookie=C
-- where M is the mean response size in bytes, headers included.

responses, setcookie = 0, 0
local cookie = nil
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function request()
  if cookie then
    return wrk.format(nil, nil, { ["Cookie"] = cookie })
  end
  return wrk.format()
end

function response(status, headers, body)
  responses = responses + 1
  local sc = headers["Set-Cookie"]
  if sc then
    setcookie = setcookie + 1
    cookie = sc:match("^([^;]*)")
  end
end

function done(summary, latency, requests)
  local cookies = 0
  for _, t in ipairs(threads) do
    cookies = cookies + (t:get("setcookie") or 0)
  end
  local e = summary.errors
  local seconds = summary.duration / 1e6
  io.write(string.format(
    "sealcookie-load requests=%d seconds=%.3f rps=%.0f p50_ms=%.3f p99_ms=%.3f bytes=%.0f errors=%d non2xx=%d setcookie=%d\n",
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.requests > 0 and summary.bytes / summary.requests or 0,
    e.connect + e.read + e.write + e.timeout, e.status, cookies))
end
