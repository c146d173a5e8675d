package iron

import (
	"bytes"
	"crypto/rand"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/sealcookie/sealcookie/sealed"
)

// The benchmarks run on the team's reference payloads (testdata/payloads),
// so that their figures compare with the anchors measured for h3 (about
// 6.4 ms per h3 2.x unseal) and iron-session.

func benchPayloads(b *testing.B) []struct {
	name string
	pt   []byte
} {
	p := payloads(b)
	return []struct {
		name string
		pt   []byte
	}{{"small", p["small"]}, {"large", p["large"]}}
}

// unlimited is a Budget that never refuses, for benchmarks and tests that
// measure or need every derivation.
func unlimited(t testing.TB) *Budget {
	t.Helper()
	b, err := NewBudget(BudgetConfig{CPU: -1, Concurrency: -1})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// BenchmarkUnseal opens a seal written by another process (so the reader's
// own sealing keys never help): cold derives both keys every time, cached
// is a client resending a cookie the reader has opened before.
func BenchmarkUnseal(b *testing.B) {
	h3, _ := H3Config(PasswordOption{Plain: pw1}, 0)
	v1, _ := H3V1Config(PasswordOption{Plain: pw1}, 0)
	h3.Budget, v1.Budget = unlimited(b), unlimited(b)
	for _, p := range benchPayloads(b) {
		for _, m := range []struct {
			name  string
			cfg   Config
			cache int
		}{
			{"h3-8192/cold", h3, -1},
			{"h3-8192/cached", h3, 0},
			{"iron-1/cold", v1, -1},
			{"iron-1/cached", v1, 0},
		} {
			b.Run(m.name+"/"+p.name, func(b *testing.B) {
				s := freshSeal(b, m.cfg, string(p.pt))
				cfg := m.cfg
				cfg.CacheSize = m.cache
				k := mustNew(b, cfg)
				if _, _, err := k.Unseal(s, t0); err != nil { // warms the cache when there is one
					b.Fatal(err)
				}
				b.SetBytes(int64(len(p.pt)))
				b.ReportAllocs()
				var got []byte
				var err error
				for b.Loop() {
					got, _, err = k.Unseal(s, t0)
				}
				if err != nil || !bytes.Equal(got, p.pt) {
					b.Fatalf("Unseal: %v, plaintext equal %v", err, bytes.Equal(got, p.pt))
				}
			})
		}
	}
}

// BenchmarkSeal seals with key reuse (the default) at h3 2.x's 8192
// iterations and at iron's 1, and, for reference, with fresh keys every
// time as the JavaScript libraries do.
func BenchmarkSeal(b *testing.B) {
	h3, _ := H3Config(PasswordOption{Plain: pw1}, 0)
	v1, _ := H3V1Config(PasswordOption{Plain: pw1}, 0)
	for _, p := range benchPayloads(b) {
		for _, m := range []struct {
			name string
			cfg  Config
		}{{"h3-8192/reuse", h3}, {"iron-1/reuse", v1}} {
			b.Run(m.name+"/"+p.name, func(b *testing.B) {
				k := mustNew(b, m.cfg)
				b.SetBytes(int64(len(p.pt)))
				b.ReportAllocs()
				var s string
				var err error
				for b.Loop() {
					s, err = k.Seal(p.pt, t0)
				}
				if err != nil {
					b.Fatal(err)
				}
				if got, _, err := k.Unseal(s, t0); err != nil || !bytes.Equal(got, p.pt) {
					b.Fatalf("the last seal does not open: %v", err)
				}
			})
		}
		b.Run("h3-8192/fresh-keys/"+p.name, func(b *testing.B) {
			b.SetBytes(int64(len(p.pt)))
			b.ReportAllocs()
			var s string
			var err error
			k := mustNew(b, h3)
			for b.Loop() {
				// A new pair of salts and keys for every seal, as the
				// JavaScript libraries derive.
				var pair *sealPair
				if pair, err = k.newSealPair(t0); err == nil {
					var iv [IVSize]byte
					rand.Read(iv[:])
					s = k.sealWith(pair, iv, p.pt, nil)
				}
			}
			if err != nil {
				b.Fatal(err)
			}
			if got, _, err := mustNew(b, h3).Unseal(s, t0); err != nil || !bytes.Equal(got, p.pt) {
				b.Fatalf("the last seal does not open: %v", err)
			}
		})
	}
}

// BenchmarkUnsealForged is what a forged seal with a fresh random salt (no
// account needed) costs at h3 2.x's settings: a PBKDF2 derivation at 8192
// iterations and one at 1 when nothing bounds it; a refusal without any
// derivation once the budget is spent, or with IssuedSaltsOnly.
func BenchmarkUnsealForged(b *testing.B) {
	h3, _ := H3Config(PasswordOption{Plain: pw1}, 0)
	genuine := freshSeal(b, h3, `{"user":"ada"}`)
	spent, err := NewBudget(BudgetConfig{CPU: time.Millisecond})
	if err != nil {
		b.Fatal(err)
	}
	spent.tokens = -time.Hour // nothing left, and nothing refills it within the run
	spent.now = func() time.Time { return t0 }
	issued := h3
	issued.FallbackIterations, issued.IssuedSaltsOnly = 0, true
	for _, m := range []struct {
		name string
		cfg  Config
		want error
	}{
		{"unbounded", withBudget(h3, unlimited(b)), sealed.ErrNotAuthentic},
		{"over-budget", withBudget(h3, spent), ErrOverBudget},
		{"issued-salts-only", withBudget(issued, unlimited(b)), sealed.ErrNotAuthentic},
	} {
		b.Run(m.name, func(b *testing.B) {
			k := mustNew(b, m.cfg)
			// Forgeries made in advance, so the loop measures Unseal alone.
			forged := make([]string, 256)
			for i := range forged {
				forged[i] = forge(b, genuine)
			}
			b.ReportAllocs()
			var err error
			i := 0
			for b.Loop() {
				_, _, err = k.Unseal(forged[i%len(forged)], t0)
				i++
			}
			if !errors.Is(err, m.want) {
				b.Fatalf("Unseal: %v, want %v", err, m.want)
			}
			if strings.Contains(err.Error(), pw1) {
				b.Fatal("the error quotes the password")
			}
		})
	}
}

func withBudget(c Config, b *Budget) Config {
	c.Budget = b
	return c
}
