// Package redis is a revoke.Store in Redis, for a fleet of servers that share
// sessions: "log out everywhere" on one server holds on all of them.
//
// It is a module of its own, so that the library's go.mod does not grow: it
// needs github.com/redis/go-redis/v9 (the Redis project's own client), which
// most programs import under another name:
//
//	import goredis "github.com/redis/go-redis/v9"
//
//	st, err := redis.New(redis.Config{Options: &goredis.Options{Addr: "127.0.0.1:6379"}})
//	defer st.Close()
//	rv, err := revoke.New(&cfg, revoke.Config[User]{User: userOf, Store: st})
//
// # Reads never wait on Redis
//
// Every server keeps a copy of all the revocations (they are few: one record
// per revocation, dropped after the session MaxAge) and answers reads from
// it: a read costs a map lookup, not a round trip. Redis pub/sub brings a new
// revocation to every copy within milliseconds; and so that a lost message
// cannot go unseen, each server asks Redis for its revocation counter every
// quarter of Config.Staleness, and fetches the whole set again when the
// counter differs. The copy answers reads while the last such check,
// counted from when it was sent, is younger than Staleness (1 second by
// default) less an eighth of it (room for a late timer: reads read no clock):
// a revocation made anywhere before then holds here. That is the guarantee:
// "log out everywhere" ends the user's sessions on every server within
// Staleness.
//
// # When Redis is down, slow or restarted
//
// When the copy is no longer fresh, a read asks Redis directly, waiting at
// most Config.Timeout (100 milliseconds by default); once Redis has failed
// to answer, reads stop asking until the background check succeeds again,
// and Config.Policy decides, without waiting, for every read in between:
//
//   - Refuse (the default): the session is refused for that request
//     (session.ErrUnavailable: OnError hears it, the cookie is kept), so no
//     revoked session is ever accepted, at the price of every user appearing
//     signed out while Redis cannot be reached.
//   - Accept: the session is checked against the copy as it last was: every
//     revocation made before Redis went away still holds, and none made
//     since can exist anywhere but on the server that made it (see below).
//
// No request waits longer than Timeout (its own context's deadline, if
// shorter, wins). Recovery is automatic: the background check retries every
// Staleness/4 (go-redis reconnects, pub/sub resubscribes), fetches the whole
// set again and the copy is fresh. A revocation made while Redis does not
// answer holds at once on the server that made it, returns ErrNotShared, and
// is sent to Redis when it answers again (unless that server stops first).
// Redis keeps what it persisted across a restart: with appendonly yes, every
// revocation it acknowledged survives a crash of the Redis process (a crash
// of its machine loses at most the last second with appendfsync everysec).
//
// # In Redis
//
// Under Config.Prefix (in a hash tag, so one cluster slot holds them all): a
// hash of the cutoffs ("{prefix}:cutoffs", field "u:<user>" or "s:<id>",
// value "<cutoff ms>:<until ms>"), a sorted set of when each may be dropped
// ("{prefix}:expiry"), the revocation counter ("{prefix}:version"), and the
// pub/sub channel "{prefix}:events". Revocations run as one Lua script, which
// also drops expired records. Field names hold the user ids that
// revoke.Config.User returns and session ids: give it an opaque user id
// rather than an email address if Redis must not hold those. Redis 6.2 or later; one node (or a
// primary with replicas that reads go to); Redis Cluster and Sentinel
// clients are not supported yet.
package redis

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/sealcookie/sealcookie/session"
	"github.com/sealcookie/sealcookie/session/revoke"
)

// Defaults for zero Config fields.
const (
	DefaultPrefix    = "sealcookie:revoke"
	DefaultStaleness = time.Second
	DefaultTimeout   = 100 * time.Millisecond
	sweepEvery       = time.Minute
)

// Policy is what a read does when the local copy is not fresh and Redis
// does not answer: the session's revocation cannot be checked.
type Policy uint8

// The policies.
const (
	// Refuse refuses the session for the request (an error wrapping
	// session.ErrUnavailable: the cookie is kept for when Redis is back).
	Refuse Policy = iota
	// Accept checks the session against the local copy as it last was.
	Accept
)

// ErrNotShared means Redis did not record a revocation in time: it holds on
// this server from now on, and is sent to Redis when it answers again, but
// the other servers do not know it yet.
var ErrNotShared = errors.New("revoke/redis: Redis did not record the revocation: it holds on this server and is sent when Redis answers")

// Config configures a Store. Options is required; every other field's zero
// value is documented.
type Config struct {
	// Options are the go-redis client options: address, credentials, TLS,
	// pool. The Store builds its own client from a copy, with
	// ContextTimeoutEnabled set so that no wait outlasts Timeout.
	Options *goredis.Options

	// Prefix names the Store's keys and channel in Redis. "" means
	// DefaultPrefix. Servers that share sessions share it; applications
	// whose users must not log each other out use different ones.
	Prefix string

	// Staleness bounds how far behind Redis the local copy may be before a
	// read stops trusting it. 0 means DefaultStaleness (1 second); at least
	// 10 milliseconds.
	Staleness time.Duration

	// Timeout is the longest a request waits on Redis: a read whose copy is
	// stale, or a revocation. 0 means DefaultTimeout (100 milliseconds).
	Timeout time.Duration

	// Policy decides reads that cannot be checked. The zero value is Refuse.
	Policy Policy

	// MaxEntries caps the revocations held in Redis (and so in every copy):
	// past it, once the expired ones are dropped, a revocation fails with
	// revoke.ErrFull. 0 means revoke.DefaultMaxEntries.
	MaxEntries int

	// OnError, if set, hears what goes wrong in the background: Redis
	// becoming unreachable (once per outage), a failed refresh. The errors
	// name no user or session. It must be safe for concurrent use.
	OnError func(err error)

	// Clock returns the current time, against which records expire. nil
	// means time.Now. Staleness is measured on the monotonic clock.
	Clock func() time.Time
}

// Store is a revoke.Store in Redis with a local copy. Build it with New and
// Close it when done; it is safe for concurrent use.
type Store struct {
	client    *goredis.Client
	sub       *goredis.PubSub
	copy      *revoke.Memory
	policy    Policy
	staleness time.Duration
	timeout   time.Duration
	max       int
	now       func() time.Time
	onError   func(error)

	hash, expiry, version, channel string
	keys                           []string // hash, expiry, version: the scripts' KEYS

	// Freshness without a clock read per lookup (a clock read can cost more
	// than the lookup): the background check sets fresh and arms expire to
	// clear it a margin before freshUntil, since a timer may fire late.
	base       time.Time    // origin of the monotonic readings below
	freshUntil atomic.Int64 // the copy may answer reads until this (ns since base)
	fresh      atomic.Bool  // the copy answers reads: cleared by expire
	expire     *time.Timer
	down       atomic.Bool // the last contact with Redis failed

	pendingMu sync.Mutex
	pending   map[revoke.Key][2]int64 // revocations Redis has not acknowledged: cutoff, until (ms)

	// Owned by the background loop.
	seen     int64 // the counter value the copy holds every revocation up to
	needSync bool  // a message was missed: fetch everything at the next check

	stop, done chan struct{}
	closeOnce  sync.Once
}

// errUnavailable is what a Refuse read returns: made once, since outages
// are when reads are many and must stay cheap.
var errUnavailable = fmt.Errorf("revoke/redis: %w: Redis did not answer and the local copy is older than the staleness bound", session.ErrUnavailable)

// New connects to Redis, loads the revocations and starts following them.
// Redis being down is not an error (the Policy applies until it answers;
// OnError hears it); a bad Config is.
func New(c Config) (*Store, error) {
	if c.Options == nil {
		return nil, errors.New("revoke/redis: Config.Options is required")
	}
	s := &Store{
		policy: c.Policy, staleness: c.Staleness, timeout: c.Timeout, max: c.MaxEntries,
		now: c.Clock, onError: c.OnError, base: time.Now(),
		pending: map[revoke.Key][2]int64{}, stop: make(chan struct{}), done: make(chan struct{}),
	}
	switch {
	case s.staleness == 0:
		s.staleness = DefaultStaleness
	case s.staleness < 10*time.Millisecond:
		return nil, fmt.Errorf("revoke/redis: Staleness %v is under 10ms", s.staleness)
	}
	switch {
	case s.timeout == 0:
		s.timeout = DefaultTimeout
	case s.timeout < 0:
		return nil, errors.New("revoke/redis: Timeout is negative")
	}
	switch {
	case s.max == 0:
		s.max = revoke.DefaultMaxEntries
	case s.max < 0:
		return nil, errors.New("revoke/redis: MaxEntries is negative: Redis needs a cap")
	}
	if s.policy > Accept {
		return nil, fmt.Errorf("revoke/redis: unknown Policy %d", s.policy)
	}
	if s.now == nil {
		s.now = time.Now
	}
	prefix := c.Prefix
	if prefix == "" {
		prefix = DefaultPrefix
	}
	tag := "{" + prefix + "}"
	s.hash, s.expiry, s.version, s.channel = tag+":cutoffs", tag+":expiry", tag+":version", tag+":events"
	s.keys = []string{s.hash, s.expiry, s.version}
	// The copy holds what Redis holds (capped there) and what it has not acknowledged.
	s.copy = revoke.NewMemory(revoke.MemoryConfig{MaxEntries: -1, Clock: s.now})
	s.expire = time.AfterFunc(time.Hour, s.expired)
	s.expire.Stop()

	opt := *c.Options
	opt.ContextTimeoutEnabled = true
	s.client = goredis.NewClient(&opt)
	s.sub = s.client.Subscribe(context.Background())
	events := s.sub.ChannelWithSubscriptions(goredis.WithChannelSize(1024))
	ctx, cancel := context.WithTimeout(context.Background(), s.timeout)
	if err := s.sub.Subscribe(ctx, s.channel); err != nil {
		s.markDown(err)
	}
	cancel()
	s.needSync = true
	s.check() // fresh from the start when Redis answers
	go s.loop(events)
	return s, nil
}

// Close stops following Redis and closes the clients.
func (s *Store) Close() error {
	var err error
	s.closeOnce.Do(func() {
		close(s.stop)
		<-s.done
		s.expire.Stop()
		err = errors.Join(s.sub.Close(), s.client.Close())
	})
	return err
}

// mono is the monotonic time since the Store was made, in nanoseconds.
func (s *Store) mono() int64 { return int64(time.Since(s.base)) }

// margin is how much earlier than the staleness bound the copy stops
// answering: room for a timer that fires late on a loaded machine.
func (s *Store) margin() time.Duration { return s.staleness / 8 }

// freshFrom makes the copy answer reads until sent + Staleness (sent being
// when the check that proved it current was sent), less the margin.
func (s *Store) freshFrom(sent int64) {
	until := sent + int64(s.staleness)
	s.freshUntil.Store(until)
	s.fresh.Store(true)
	s.expire.Reset(time.Duration(until-s.mono()) - s.margin())
}

// expired is the expire timer's: it clears fresh unless a check has moved
// freshUntil on since it was armed.
func (s *Store) expired() {
	if s.mono() >= s.freshUntil.Load()-int64(s.margin()) {
		s.fresh.Store(false)
		// A check that succeeded meanwhile set fresh before this cleared it.
		if s.mono() < s.freshUntil.Load()-int64(s.margin()) {
			s.fresh.Store(true)
		}
	}
}

// Cutoff returns k's cutoff from the local copy when it is fresh; else from
// Redis within Timeout, or by the Policy.
func (s *Store) Cutoff(ctx context.Context, k revoke.Key) (time.Time, error) {
	if s.fresh.Load() {
		return s.copy.Cutoff(ctx, k)
	}
	if !s.down.Load() {
		rctx, cancel := context.WithTimeout(ctx, s.timeout)
		v, err := s.client.HGet(rctx, s.hash, k.String()).Result()
		cancel()
		switch {
		case errors.Is(err, goredis.Nil):
			return s.copy.Cutoff(ctx, k) // nothing in Redis; the copy may hold a revocation not yet sent
		case err == nil:
			if c, u, ok := parseRecord(v); ok {
				s.copy.Revoke(ctx, k, time.UnixMilli(c), time.UnixMilli(u))
				return s.copy.Cutoff(ctx, k)
			}
			err = errors.New("a malformed record")
		}
		s.markDown(err)
	}
	if s.policy == Accept {
		return s.copy.Cutoff(ctx, k)
	}
	return time.Time{}, errUnavailable
}

// Revoke records k's cutoff in the local copy (it holds here at once), then
// in Redis within Timeout, which tells every other server. When Redis does
// not answer it returns an error wrapping ErrNotShared, and sends the
// revocation when Redis answers again.
func (s *Store) Revoke(ctx context.Context, k revoke.Key, cutoff, until time.Time) error {
	if err := s.copy.Revoke(ctx, k, cutoff, until); err != nil {
		return err
	}
	c, u := cutoff.UnixMilli(), until.UnixMilli()
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	n, err := s.record(ctx, k, c, u)
	switch {
	case err != nil:
		s.markDown(err)
		s.pendingMu.Lock()
		p := s.pending[k]
		s.pending[k] = [2]int64{max(p[0], c), max(p[1], u)}
		s.pendingMu.Unlock()
		return fmt.Errorf("%w: %w", ErrNotShared, err)
	case n < 0:
		return fmt.Errorf("%w (%d in Redis): it holds on this server only", revoke.ErrFull, s.max)
	}
	return nil
}

// record runs the revocation script: the new counter value, 0 when Redis
// already held as much, −1 when it is full.
func (s *Store) record(ctx context.Context, k revoke.Key, c, u int64) (int64, error) {
	return revokeScript.Run(ctx, s.client, s.keys, k.String(), c, u, s.now().UnixMilli(), s.channel, s.max).Int64()
}

// markDown notes that Redis did not answer; OnError hears it once per outage.
func (s *Store) markDown(err error) {
	if s.down.CompareAndSwap(false, true) {
		what := "refused"
		if s.policy == Accept {
			what = "checked against the local copy"
		}
		s.report(fmt.Errorf("revoke/redis: Redis does not answer; sessions are %s until it does: %w", what, err))
	}
}

func (s *Store) report(err error) {
	if s.onError != nil {
		s.onError(err)
	}
}

// loop follows Redis: pub/sub messages as they come, a check every quarter
// of the staleness bound, and a sweep of expired records every minute.
func (s *Store) loop(events <-chan any) {
	defer close(s.done)
	tick := time.NewTicker(s.staleness / 4)
	defer tick.Stop()
	sweep := time.NewTicker(sweepEvery)
	defer sweep.Stop()
	for {
		select {
		case <-s.stop:
			return
		case ev := <-events:
			s.event(ev)
		case <-tick.C:
			s.check()
		case <-sweep.C:
			ctx, cancel := context.WithTimeout(context.Background(), s.timeout)
			if err := sweepScript.Run(ctx, s.client, s.keys, "", "", "", s.now().UnixMilli()).Err(); err != nil && !s.down.Load() {
				s.report(fmt.Errorf("revoke/redis: dropping expired records: %w", err))
			}
			cancel()
			s.copy.Len() // drops the copy's expired records too
		}
	}
}

// event applies a pub/sub event. A (re)subscription means messages may have
// been missed while unsubscribed: check now.
func (s *Store) event(ev any) {
	switch ev := ev.(type) {
	case *goredis.Subscription:
		s.needSync = true
		s.check()
	case *goredis.Message:
		s.apply(ev.Payload)
	}
}

// apply applies one message, "<counter> <cutoff> <until> <key>", to the copy.
func (s *Store) apply(payload string) {
	f := strings.SplitN(payload, " ", 4)
	var v, c, u int64
	var err error
	if len(f) == 4 {
		v, err = strconv.ParseInt(f[0], 10, 64)
		if err == nil {
			c, err = strconv.ParseInt(f[1], 10, 64)
		}
		if err == nil {
			u, err = strconv.ParseInt(f[2], 10, 64)
		}
	}
	k, ok := parseKey(f[len(f)-1])
	if len(f) != 4 || err != nil || !ok {
		s.report(errors.New("revoke/redis: a malformed revocation message; fetching every revocation again"))
		s.needSync = true
		return
	}
	s.copy.Revoke(context.Background(), k, time.UnixMilli(c), time.UnixMilli(u))
	switch {
	case v == s.seen+1:
		s.seen = v
	case v > s.seen+1:
		s.needSync = true // one or more messages were lost
	}
}

// check asks Redis for its counter; when the copy holds every revocation up
// to it, the copy is fresh for Staleness from when the question was sent.
// Otherwise, after taking the messages already delivered, it fetches every
// revocation. It also sends the revocations Redis has not acknowledged.
func (s *Store) check() {
	sent := s.mono()
	ctx, cancel := context.WithTimeout(context.Background(), s.timeout)
	defer cancel()
	v, err := s.client.Get(ctx, s.version).Int64()
	if errors.Is(err, goredis.Nil) {
		v, err = 0, nil
	}
	if err != nil {
		s.markDown(err)
		return
	}
	if v != s.seen && !s.needSync {
		s.drain()
	}
	if v != s.seen || s.needSync {
		if v, err = s.fetch(ctx); err != nil {
			s.markDown(err)
			return
		}
		s.seen, s.needSync = v, false
	}
	s.freshFrom(sent)
	s.down.Store(false)
	s.flush(ctx)
}

// drain applies the messages pub/sub has already delivered.
func (s *Store) drain() {
	// The events channel belongs to the loop; check runs on it (or before it starts).
	for range 1024 {
		select {
		case ev := <-s.sub.ChannelWithSubscriptions():
			if m, ok := ev.(*goredis.Message); ok {
				s.apply(m.Payload)
			}
		default:
			return
		}
	}
}

// fetch loads every revocation into the copy, returning the counter value
// it holds them up to. The copy only ever gains: a record Redis lost (an
// unpersisted restart) stays in it until it expires.
func (s *Store) fetch(ctx context.Context) (int64, error) {
	res, err := snapshotScript.Run(ctx, s.client, s.keys).Slice()
	if err != nil {
		return 0, err
	}
	if len(res) != 2 {
		return 0, errors.New("revoke/redis: an unexpected snapshot")
	}
	vs, _ := res[0].(string)
	v, err := strconv.ParseInt(vs, 10, 64)
	if err != nil {
		return 0, errors.New("revoke/redis: an unexpected revocation counter")
	}
	var pairs []any
	switch p := res[1].(type) {
	case []any:
		pairs = p
	case map[any]any: // RESP3 may answer a map
		for k, v := range p {
			pairs = append(pairs, k, v)
		}
	}
	bad := 0
	for i := 0; i+1 < len(pairs); i += 2 {
		field, _ := pairs[i].(string)
		val, _ := pairs[i+1].(string)
		k, ok := parseKey(field)
		c, u, ok2 := parseRecord(val)
		if !ok || !ok2 {
			bad++
			continue
		}
		s.copy.Revoke(ctx, k, time.UnixMilli(c), time.UnixMilli(u))
	}
	if bad > 0 {
		s.report(fmt.Errorf("revoke/redis: %d malformed records in Redis were skipped", bad))
	}
	return v, nil
}

// flush sends the revocations Redis has not acknowledged. It holds no lock
// while it talks to Redis: a Revoke that fails meanwhile must not wait on it.
func (s *Store) flush(ctx context.Context) {
	s.pendingMu.Lock()
	todo := maps.Clone(s.pending)
	s.pendingMu.Unlock()
	for k, p := range todo {
		n, err := s.record(ctx, k, p[0], p[1])
		if err != nil {
			return // the next check tries again
		}
		if n < 0 {
			s.report(fmt.Errorf("%w: a revocation made while Redis was down could not be sent", revoke.ErrFull))
		}
		s.pendingMu.Lock()
		if s.pending[k] == p { // not revoked again meanwhile
			delete(s.pending, k)
		}
		s.pendingMu.Unlock()
	}
}

// parseKey reads "u:<user>" or "s:<id>".
func parseKey(f string) (revoke.Key, bool) {
	if len(f) < 3 || f[1] != ':' || (f[0] != byte(revoke.User) && f[0] != byte(revoke.Session)) {
		return revoke.Key{}, false
	}
	return revoke.Key{Kind: revoke.Kind(f[0]), ID: f[2:]}, true
}

// parseRecord reads "<cutoff ms>:<until ms>".
func parseRecord(v string) (cutoff, until int64, ok bool) {
	a, b, found := strings.Cut(v, ":")
	c, err1 := strconv.ParseInt(a, 10, 64)
	u, err2 := strconv.ParseInt(b, 10, 64)
	return c, u, found && err1 == nil && err2 == nil
}
