package iron

import (
	"bytes"
	"testing"
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

// BenchmarkUnseal opens a seal written by another process (so the reader's
// own sealing keys never help): cold derives both keys every time, cached
// is a client resending a cookie the reader has opened before.
func BenchmarkUnseal(b *testing.B) {
	h3, _ := H3Config(PasswordOption{Plain: pw1}, 0)
	v1, _ := H3V1Config(PasswordOption{Plain: pw1}, 0)
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
			for b.Loop() {
				var k *Keyring
				if k, err = NewKeyring(h3); err == nil {
					s, err = k.Seal(p.pt, t0)
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
