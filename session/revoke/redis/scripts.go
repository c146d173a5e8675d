package redis

import goredis "github.com/redis/go-redis/v9"

// The scripts' KEYS are always the hash of cutoffs, the sorted set of
// expiries and the counter. Times are Unix milliseconds, which Lua's doubles
// hold exactly and print without an exponent (up to 14 digits).

// sweepLua drops up to 256 records whose until is at or before ARGV[4]
// (now, for both scripts that use it).
const sweepLua = `
local gone = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[4], 'LIMIT', 0, 256)
for _, f in ipairs(gone) do
  redis.call('HDEL', KEYS[1], f)
  redis.call('ZREM', KEYS[2], f)
end
`

// revokeScript records a cutoff: ARGV is the field, cutoff, until, now, the
// channel and the cap. A record already held keeps the later cutoff and
// until. It returns the new counter value (and publishes
// "<counter> <cutoff> <until> <field>"), 0 when nothing changed, or −1 when
// the hash is full.
var revokeScript = goredis.NewScript(sweepLua + `
local c, u = tonumber(ARGV[2]), tonumber(ARGV[3])
if u <= tonumber(ARGV[4]) then return 0 end
local cur = redis.call('HGET', KEYS[1], ARGV[1])
if cur then
  local oc, ou = string.match(cur, '^(%-?%d+):(%-?%d+)$')
  oc, ou = tonumber(oc), tonumber(ou)
  if oc and ou then
    if oc >= c and ou >= u then return 0 end
    c, u = math.max(c, oc), math.max(u, ou)
  end
elseif redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[6]) then
  return -1
end
redis.call('HSET', KEYS[1], ARGV[1], string.format('%d:%d', c, u))
redis.call('ZADD', KEYS[2], u, ARGV[1])
local v = redis.call('INCR', KEYS[3])
redis.call('PUBLISH', ARGV[5], string.format('%d %d %d %s', v, c, u, ARGV[1]))
return v
`)

// sweepScript is sweepLua alone, run every minute with now as ARGV[4].
var sweepScript = goredis.NewScript(sweepLua + "return #gone\n")

// snapshotScript returns the counter and every record, read at one instant.
var snapshotScript = goredis.NewScript(`
return {redis.call('GET', KEYS[3]) or '0', redis.call('HGETALL', KEYS[1])}
`)
