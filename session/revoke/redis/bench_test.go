package redis_test

// Benchmarks against a real redis-server on loopback (skipped without one,
// outside CI):
//
//	go -C session/revoke/redis test -run='^$' -bench=. -benchmem ./...
//
// Read: a request's Cookie header → the typed session (Manager.Load), with
// no revocation ("off"), with the Redis store and its copy fresh ("redis",
// the common case), and with the copy stale so that the read asks Redis
// ("redis-miss": one HGET round trip on loopback). Revoke: one revocation
// (the Lua script: cap, sweep, record, count, publish).

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/sealcookie/sealcookie/internal/testpayload"
	"github.com/sealcookie/sealcookie/sealed"
	"github.com/sealcookie/sealcookie/session"
	"github.com/sealcookie/sealcookie/session/revoke"
	"github.com/sealcookie/sealcookie/session/revoke/redis"
)

// smallPayload is the team's small reference payload, from the library's
// testdata (this module sits three folders below it).
func smallPayload(b *testing.B) testpayload.Envelope {
	raw, err := os.ReadFile(filepath.Join("..", "..", "..", "testdata", "payloads", testpayload.Small+".json"))
	if err != nil {
		b.Fatal(err)
	}
	var e testpayload.Envelope
	if err := json.Unmarshal(raw, &e); err != nil {
		b.Fatal(err)
	}
	return e
}

func BenchmarkRead(b *testing.B) {
	env := smallPayload(b)
	srv := startRedis(b) // for the whole benchmark: a sub-benchmark's cleanups run between its runs
	for _, mode := range []string{"off", "redis", "redis-miss"} {
		b.Run(testpayload.Small+"/"+mode, func(b *testing.B) {
			sc := session.Config[testpayload.Data]{Name: "h3", Keys: []sealed.Key{fleetKey}, IdleTimeout: -1}
			var st *redis.Store
			if mode != "off" {
				// A long timeout for filling the store on a loaded machine; reads never wait on Redis but in redis-miss.
				st = newStore(b, srv, redis.Config{Prefix: "bench-" + mode, Timeout: 5 * time.Second})
				fillOthers(b, st)
				if _, err := revoke.New(&sc, revoke.Config[testpayload.Data]{
					User: func(d testpayload.Data) string { return d.UserID }, Store: st,
				}); err != nil {
					b.Fatal(err)
				}
			}
			m, err := session.New(sc)
			if err != nil {
				b.Fatal(err)
			}
			v, err := m.Encode(session.Envelope[testpayload.Data]{ID: env.ID, Data: env.Data})
			if err != nil {
				b.Fatal(err)
			}
			cookies := []string{"theme=dark; h3=" + v + "; _ga=GA1.2.3"}
			ctx := context.Background()
			b.ReportAllocs()
			var s *session.Session[testpayload.Data]
			for b.Loop() {
				if mode == "redis-miss" {
					st.MakeStale()
				}
				s = m.Load(ctx, cookies, "")
			}
			if s.IsNew() || s.Data().UserID != env.Data.UserID {
				b.Fatal("the session was refused")
			}
		})
	}
}

// BenchmarkCheck: the revocation check alone (Revoker.Check, what a read
// adds) against the Redis store's fresh copy holding 10,000 other
// revocations.
func BenchmarkCheck(b *testing.B) {
	e := smallPayload(b)
	env := session.Envelope[testpayload.Data]{ID: e.ID, CreatedAt: time.Now().UnixMilli(), Data: e.Data}
	srv := startRedis(b)
	st := newStore(b, srv, redis.Config{Timeout: 5 * time.Second})
	fillOthers(b, st)
	sc := session.Config[testpayload.Data]{Keys: []sealed.Key{fleetKey}}
	rv, err := revoke.New(&sc, revoke.Config[testpayload.Data]{User: func(d testpayload.Data) string { return d.UserID }, Store: st})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.Run(testpayload.Small+"/redis", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := rv.Check(ctx, &env); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// fillOthers records 10,000 revocations, half users, half sessions, as the
// embedded store's benchmark does.
func fillOthers(b *testing.B, st revoke.Store) {
	now := time.Now()
	for i := range 10_000 {
		k := revoke.Key{Kind: revoke.User, ID: fmt.Sprintf("user-%d", i)}
		if i%2 == 1 {
			k = revoke.Key{Kind: revoke.Session, ID: fmt.Sprintf("00000000-0000-4000-8000-%012d", i)}
		}
		if err := st.Revoke(context.Background(), k, now, now.Add(time.Hour)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRevoke: one revocation through the Store (local copy, then the
// script on Redis), on a fresh key each time.
func BenchmarkRevoke(b *testing.B) {
	srv := startRedis(b)
	st := newStore(b, srv, redis.Config{MaxEntries: 1 << 22, Timeout: 5 * time.Second})
	ctx := context.Background()
	now := time.Now()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		if err := st.Revoke(ctx, revoke.Key{Kind: revoke.Session, ID: fmt.Sprint(i)}, now, now.Add(time.Hour)); err != nil {
			b.Fatal(err)
		}
	}
}
