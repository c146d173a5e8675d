package redis_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/sealcookie/sealcookie/internal/testkit"
	"github.com/sealcookie/sealcookie/session"
	"github.com/sealcookie/sealcookie/session/revoke"
	"github.com/sealcookie/sealcookie/session/revoke/redis"
)

// newStore is a Store on srv with c's other fields, closed when t ends.
func newStore(t testing.TB, srv *redisServer, c redis.Config) *redis.Store {
	t.Helper()
	c.Options = &goredis.Options{Addr: srv.Addr()}
	st, err := redis.New(c)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// waitFor polls cond every 5 ms until it holds or limit passes, returning
// how long it took.
func waitFor(t testing.TB, limit time.Duration, what string, cond func() bool) time.Duration {
	t.Helper()
	start := time.Now()
	for !cond() {
		if time.Since(start) > limit {
			t.Fatalf("%s: not within %v", what, limit)
		}
		time.Sleep(5 * time.Millisecond)
	}
	return time.Since(start)
}

func cutoffOf(st revoke.Store, k revoke.Key) time.Time {
	c, _ := st.Cutoff(context.Background(), k)
	return c
}

// TestRevocationReachesEveryCopy: a revocation recorded through one Store is
// in every other Store's copy within the staleness bound (through pub/sub, in
// practice within milliseconds), and in a Store started afterwards at once.
func TestRevocationReachesEveryCopy(t *testing.T) {
	srv := startRedis(t)
	const staleness = 500 * time.Millisecond
	a := newStore(t, srv, redis.Config{Staleness: staleness})
	b := newStore(t, srv, redis.Config{Staleness: staleness})
	ctx := t.Context()
	now := time.Now().Truncate(time.Millisecond)
	k := revoke.Key{Kind: revoke.User, ID: "ada"}
	if err := a.Revoke(ctx, k, now, now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if got := cutoffOf(a, k); !got.Equal(now) {
		t.Errorf("the revoking store reads %v, want %v at once", got, now)
	}
	lag := waitFor(t, staleness, "the other store's copy", func() bool { return cutoffOf(b, k).Equal(now) })
	t.Logf("the other store had it after %v", lag)

	c := newStore(t, srv, redis.Config{Staleness: staleness})
	if got := cutoffOf(c, k); !got.Equal(now) {
		t.Errorf("a store started afterwards reads %v, want %v at once", got, now)
	}
	// Later cutoffs win, everywhere.
	if err := b.Revoke(ctx, k, now.Add(-time.Minute), now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := b.Revoke(ctx, k, now.Add(time.Minute), now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, staleness, "the later cutoff in every copy", func() bool {
		return cutoffOf(a, k).Equal(now.Add(time.Minute)) && cutoffOf(c, k).Equal(now.Add(time.Minute))
	})
}

// TestLostMessageIsFetched: a revocation whose pub/sub message never came
// (written behind the Stores' backs, as a lost message looks) reaches the
// copies through the counter check, within the staleness bound.
func TestLostMessageIsFetched(t *testing.T) {
	srv := startRedis(t)
	const staleness = 400 * time.Millisecond
	st := newStore(t, srv, redis.Config{Staleness: staleness})
	rc := srv.client(t)
	ctx := t.Context()
	now := time.Now().Truncate(time.Millisecond)
	tag := "{" + redis.DefaultPrefix + "}"
	if err := rc.HSet(ctx, tag+":cutoffs", "s:lost", fmt.Sprintf("%d:%d", now.UnixMilli(), now.Add(time.Hour).UnixMilli())).Err(); err != nil {
		t.Fatal(err)
	}
	if err := rc.Incr(ctx, tag+":version").Err(); err != nil {
		t.Fatal(err)
	}
	lag := waitFor(t, staleness, "the silent revocation in the copy", func() bool {
		return cutoffOf(st, revoke.Key{Kind: revoke.Session, ID: "lost"}).Equal(now)
	})
	t.Logf("fetched after %v", lag)
}

// TestRedisKeepsItBounded: MaxEntries holds in Redis, and expired records are
// dropped there by the next revocation.
func TestRedisKeepsItBounded(t *testing.T) {
	srv := startRedis(t)
	clk := testkit.NewClock(time.Now())
	clock := clk.Now()
	st := newStore(t, srv, redis.Config{MaxEntries: 3, Clock: clk.Now})
	ctx := t.Context()
	for i := range 3 {
		if err := st.Revoke(ctx, revoke.Key{Kind: revoke.Session, ID: fmt.Sprint(i)}, clock, clock.Add(time.Duration(i+1)*time.Minute)); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.Revoke(ctx, revoke.Key{Kind: revoke.Session, ID: "3"}, clock, clock.Add(time.Hour)); !errors.Is(err, revoke.ErrFull) {
		t.Fatalf("a fourth record with MaxEntries 3: err = %v, want ErrFull", err)
	}
	clk.Advance(90 * time.Second) // record 0 expires
	clock = clk.Now()
	if err := st.Revoke(ctx, revoke.Key{Kind: revoke.Session, ID: "3"}, clock, clock.Add(time.Hour)); err != nil {
		t.Fatalf("after one expired: %v", err)
	}
	rc := srv.client(t)
	fields, err := rc.HKeys(ctx, "{"+redis.DefaultPrefix+"}:cutoffs").Result()
	if err != nil {
		t.Fatal(err)
	}
	if len(fields) != 3 || fields[0] == "s:0" {
		t.Errorf("Redis holds %v, want s:1, s:2, s:3", fields)
	}
}

// TestConfigRefused: what New will not take.
func TestConfigRefused(t *testing.T) {
	opts := &goredis.Options{Addr: "127.0.0.1:1"}
	for _, c := range []redis.Config{
		{},
		{Options: opts, Staleness: time.Millisecond},
		{Options: opts, Timeout: -1},
		{Options: opts, MaxEntries: -1},
		{Options: opts, Policy: 7},
	} {
		if st, err := redis.New(c); err == nil {
			st.Close()
			t.Errorf("New(%+v) accepted", c)
		}
	}
}

// TestDownFromTheStart: a Store whose Redis is not there still builds,
// OnError hears it once, reads answer by the Policy at once, and a
// revocation holds locally and reports ErrNotShared.
func TestDownFromTheStart(t *testing.T) {
	var heard []error
	errs := make(chan error, 16)
	timeout := 50 * time.Millisecond
	for _, policy := range []redis.Policy{redis.Refuse, redis.Accept} {
		st, err := redis.New(redis.Config{
			Options: &goredis.Options{Addr: fmt.Sprintf("127.0.0.1:%d", freePort(t))}, Policy: policy, Timeout: timeout,
			OnError: func(err error) { errs <- err },
		})
		if err != nil {
			t.Fatal(err)
		}
		k := revoke.Key{Kind: revoke.User, ID: "ada"}
		start := time.Now()
		_, err = st.Cutoff(t.Context(), k)
		if took := time.Since(start); took > timeout {
			t.Errorf("policy %d: a read took %v, over the %v timeout", policy, took, timeout)
		}
		if want := policy == redis.Refuse; errors.Is(err, session.ErrUnavailable) != want {
			t.Errorf("policy %d: read err = %v, want ErrUnavailable: %v", policy, err, want)
		}
		now := time.Now().Truncate(time.Millisecond)
		err = st.Revoke(t.Context(), k, now, now.Add(time.Hour))
		if !errors.Is(err, redis.ErrNotShared) {
			t.Errorf("policy %d: revoke err = %v, want ErrNotShared", policy, err)
		}
		if policy == redis.Accept {
			if got := cutoffOf(st, k); !got.Equal(now) {
				t.Errorf("a revocation made while down does not hold locally: %v", got)
			}
		}
		st.Close()
		close(errs)
		for err := range errs {
			heard = append(heard, err)
		}
		errs = make(chan error, 16)
	}
	if len(heard) != 2 {
		t.Errorf("OnError heard %d errors, want one per store: %v", len(heard), heard)
	}
}

// TestSlowRedisBoundsReads: with Redis paused (connections open, nothing
// answered) and a staleness bound shorter than the timeout, reads do go to
// Redis, and none waits past the timeout; under Refuse each is refused once
// the copy is stale, and Redis answering again ends it without anyone's help.
func TestSlowRedisBoundsReads(t *testing.T) {
	srv := startRedis(t)
	const staleness, timeout = 40 * time.Millisecond, 150 * time.Millisecond
	st := newStore(t, srv, redis.Config{Staleness: staleness, Timeout: timeout})
	k := revoke.Key{Kind: revoke.User, ID: "ada"}
	if _, err := st.Cutoff(t.Context(), k); err != nil {
		t.Fatalf("before the pause: %v", err)
	}
	srv.pause()
	paused := time.Now()
	var mu sync.Mutex
	var longest time.Duration
	var waited, refused, total int
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for time.Since(paused) < 800*time.Millisecond {
				start := time.Now()
				_, err := st.Cutoff(context.Background(), k)
				took := time.Since(start)
				mu.Lock()
				total++
				longest = max(longest, took)
				if took > 10*time.Millisecond {
					waited++
				}
				if start.Sub(paused) > staleness && !errors.Is(err, session.ErrUnavailable) {
					t.Errorf("a read %v into the pause was not refused: %v", start.Sub(paused), err)
				}
				if err != nil {
					refused++
				}
				mu.Unlock()
				time.Sleep(2 * time.Millisecond)
			}
		})
	}
	wg.Wait()
	srv.resume()
	resumed := time.Now()
	if longest > timeout+checkSlack {
		t.Errorf("the longest read took %v, over the %v timeout", longest, timeout)
	}
	if waited == 0 {
		t.Error("no read waited on Redis: the bound was not exercised")
	}
	waitFor(t, 2*time.Second, "reads answered again after the resume", func() bool {
		_, err := st.Cutoff(t.Context(), k)
		return err == nil
	})
	t.Logf("%d reads in the pause, %d waited on Redis, %d refused, longest %v; answered again %v after the resume",
		total, waited, refused, longest, time.Since(resumed))
}

// TestRedisStartsLate: a Store built while its Redis is not up yet becomes
// fresh by itself once Redis starts, and follows its pub/sub from then on.
func TestRedisStartsLate(t *testing.T) {
	srv := startRedis(t)
	srv.kill() // the port is now free: the Store dials a Redis that is not there
	const staleness = 200 * time.Millisecond
	late := newStore(t, srv, redis.Config{Staleness: staleness, Timeout: 50 * time.Millisecond})
	if late.Fresh() {
		t.Fatal("fresh with no Redis")
	}
	// A revocation made while Redis is away holds here, and is sent later.
	offline := time.Now().Truncate(time.Millisecond)
	kOff := revoke.Key{Kind: revoke.Session, ID: "made-offline"}
	if err := late.Revoke(t.Context(), kOff, offline, offline.Add(time.Hour)); !errors.Is(err, redis.ErrNotShared) {
		t.Fatalf("revoke with no Redis: err = %v, want ErrNotShared", err)
	}
	if err := srv.start(); err != nil {
		t.Fatalf("starting redis-server: %v\n%s", err, srv.output())
	}
	took := waitFor(t, 3*time.Second, "the Store fresh once Redis is up", late.Fresh)
	t.Logf("fresh %v after Redis answered", took)
	other := newStore(t, srv, redis.Config{Staleness: staleness})
	waitFor(t, time.Second, "the revocation made offline, in Redis and so in another Store", func() bool {
		return cutoffOf(other, kOff).Equal(offline)
	})
	now := time.Now().Truncate(time.Millisecond)
	k := revoke.Key{Kind: revoke.User, ID: "ada"}
	if err := other.Revoke(t.Context(), k, now, now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, staleness, "a revocation made elsewhere", func() bool { return cutoffOf(late, k).Equal(now) })
}
