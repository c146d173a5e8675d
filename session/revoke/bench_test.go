package revoke_test

// Revocation benchmarks:
//
//	go test -run='^$' -bench=. -benchmem ./session/revoke
//
// Read: a request's Cookie header → the typed session (Manager.Load, every
// rule checked), with no revocation ("off") and with the embedded store
// ("memory") holding 10,000 revocations of other users and sessions. The
// difference is what revocation costs a read. Memory: the store alone under
// 64 goroutines.

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"
	"time"

	"github.com/sealcookie/sealcookie/internal/testpayload"
	"github.com/sealcookie/sealcookie/sealed"
	"github.com/sealcookie/sealcookie/session"
	"github.com/sealcookie/sealcookie/session/revoke"
)

// otherRevocations is how many records the store holds in the benchmarks.
const otherRevocations = 10_000

func BenchmarkRead(b *testing.B) {
	raw, err := testpayload.Read(testpayload.Small)
	if err != nil {
		b.Fatal(err)
	}
	var env testpayload.Envelope
	if err := json.Unmarshal(raw, &env); err != nil {
		b.Fatal(err)
	}
	for _, mode := range []string{"off", "memory"} {
		b.Run(testpayload.Small+"/"+mode, func(b *testing.B) {
			sc := session.Config[testpayload.Data]{Name: "h3", Keys: []sealed.Key{key}, IdleTimeout: -1}
			if mode == "memory" {
				mem := revoke.NewMemory(revoke.MemoryConfig{})
				fillOthers(b, mem)
				if _, err := revoke.New(&sc, revoke.Config[testpayload.Data]{
					User: func(d testpayload.Data) string { return d.UserID }, Store: mem,
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
				s = m.Load(ctx, cookies, "")
			}
			if s.IsNew() || s.Data().UserID != env.Data.UserID {
				b.Fatal("the session was refused")
			}
		})
	}
}

// BenchmarkCheck: the revocation check alone (Revoker.Check, what a read
// adds), on the small payload's envelope, against the embedded store holding
// 10,000 other revocations: two lookups, the user's and the session's.
func BenchmarkCheck(b *testing.B) {
	raw, err := testpayload.Read(testpayload.Small)
	if err != nil {
		b.Fatal(err)
	}
	var env session.Envelope[testpayload.Data]
	if err := json.Unmarshal(raw, &env); err != nil {
		b.Fatal(err)
	}
	env.CreatedAt = time.Now().UnixMilli()
	mem := revoke.NewMemory(revoke.MemoryConfig{})
	fillOthers(b, mem)
	sc := session.Config[testpayload.Data]{Keys: []sealed.Key{key}}
	rv, err := revoke.New(&sc, revoke.Config[testpayload.Data]{User: func(d testpayload.Data) string { return d.UserID }, Store: mem})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.Run(testpayload.Small+"/memory", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := rv.Check(ctx, &env); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// fillOthers records otherRevocations revocations, half users, half sessions.
func fillOthers(b *testing.B, st revoke.Store) {
	now := time.Now()
	for i := range otherRevocations {
		k := revoke.Key{Kind: revoke.User, ID: fmt.Sprintf("user-%d", i)}
		if i%2 == 1 {
			k = revoke.Key{Kind: revoke.Session, ID: fmt.Sprintf("00000000-0000-4000-8000-%012d", i)}
		}
		if err := st.Revoke(context.Background(), k, now, now.Add(time.Hour)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMemory: the embedded store under 64 goroutines (b.SetParallelism
// over GOMAXPROCS), looking up keys of which 1 in 10 is revoked; "mixed"
// also records a revocation every 100 operations. ops/s is the throughput of
// all goroutines together.
func BenchmarkMemory(b *testing.B) {
	for _, mode := range []string{"read", "mixed"} {
		b.Run("parallel64/"+mode, func(b *testing.B) {
			mem := revoke.NewMemory(revoke.MemoryConfig{MaxEntries: -1})
			fillOthers(b, mem)
			keys := make([]revoke.Key, 4096)
			for i := range keys {
				keys[i] = revoke.Key{Kind: revoke.User, ID: fmt.Sprintf("user-%d", i*5)} // 1 in 10 of these are held
			}
			now := time.Now()
			b.SetParallelism(max(1, 64/runtime.GOMAXPROCS(0)))
			b.ReportAllocs()
			start := time.Now()
			b.RunParallel(func(pb *testing.PB) {
				ctx := context.Background()
				r := rand.New(rand.NewPCG(rand.Uint64(), 0))
				n := 0
				for pb.Next() {
					k := keys[r.IntN(len(keys))]
					if n++; mode == "mixed" && n%100 == 0 {
						if err := mem.Revoke(ctx, k, now, now.Add(time.Hour)); err != nil {
							b.Error(err)
							return
						}
						continue
					}
					if _, err := mem.Cutoff(ctx, k); err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "ops/s")
		})
	}
}
