package iron

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sealcookie/sealcookie/sealed"
)

// freshSeal seals with a brand-new Keyring, so the seal has salts no other
// Keyring has seen.
func freshSeal(t testing.TB, c Config, plaintext string) string {
	t.Helper()
	s, err := mustNew(t, c).Seal([]byte(plaintext), t0)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// forge replaces a seal's HMAC salt with a fresh random one: well-formed,
// never authentic.
func forge(t testing.TB, s string) string {
	t.Helper()
	p := strings.Split(s, "*")
	var salt [SaltLen / 2]byte
	rand.Read(salt[:])
	p[6] = hex.EncodeToString(salt[:])
	return strings.Join(p, "*")
}

// tamperCiphertext changes the first character of a seal's ciphertext.
func tamperCiphertext(s string) string {
	p := strings.Split(s, "*")
	c := []byte(p[4])
	if c[0] == 'A' {
		c[0] = 'B'
	} else {
		c[0] = 'A'
	}
	p[4] = string(c)
	return strings.Join(p, "*")
}

func cacheSet(c *keyCache) map[cacheKey]bool {
	m := map[cacheKey]bool{}
	for _, k := range c.keys() {
		m[k] = true
	}
	return m
}

// TestCacheBound feeds ten times the cache's capacity of fresh valid seals
// and of forged ones: the cache never exceeds its capacity, forged seals are
// never inserted and never evict anything, and the most recent valid seals
// are the ones kept.
func TestCacheBound(t *testing.T) {
	const size = 16
	cfg := Config{Passwords: []Password{{Secret: pw1}}, CacheSize: size}
	reader := mustNew(t, Config{Passwords: cfg.Passwords, CacheSize: size, ReadOnly: true})

	var valid []string
	for i := range 10 * size {
		s := freshSeal(t, cfg, fmt.Sprintf(`{"n":%d}`, i))
		valid = append(valid, s)
		if _, _, err := reader.Unseal(s, t0); err != nil {
			t.Fatal(err)
		}
		if n := reader.cache.len(); n > size || n != min(i+1, size) {
			t.Fatalf("after %d valid seals the cache holds %d entries (cap %d)", i+1, n, size)
		}

		before := cacheSet(reader.cache)
		for _, f := range []string{forge(t, s), forge(t, valid[0])} {
			if _, _, err := reader.Unseal(f, t0); !errors.Is(err, sealed.ErrNotAuthentic) {
				t.Fatalf("forged seal: err = %v, want ErrNotAuthentic", err)
			}
		}
		// A forgery that reuses a cached (authentic) salt with other content.
		if _, _, err := reader.Unseal(tamperCiphertext(s), t0); !errors.Is(err, sealed.ErrNotAuthentic) {
			t.Fatalf("tampered seal: err = %v, want ErrNotAuthentic", err)
		}
		after := cacheSet(reader.cache)
		if len(after) != len(before) {
			t.Fatalf("forged seals changed the cache size from %d to %d", len(before), len(after))
		}
		for k := range before {
			if !after[k] {
				t.Fatal("a forged seal evicted an entry")
			}
		}
	}
	// The last size valid seals are cached: opening them derives nothing.
	d := reader.derivations.Load()
	for _, s := range valid[len(valid)-size:] {
		if _, _, err := reader.Unseal(s, t0); err != nil {
			t.Fatal(err)
		}
	}
	if got := reader.derivations.Load() - d; got != 0 {
		t.Errorf("reopening the %d most recent seals derived %d keys, want 0", size, got)
	}
	// The oldest was evicted: opening it derives both keys again.
	if _, _, err := reader.Unseal(valid[0], t0); err != nil {
		t.Fatal(err)
	}
	if got := reader.derivations.Load() - d; got != 2 {
		t.Errorf("reopening an evicted seal derived %d keys, want 2", got)
	}
}

// TestDerivationCost pins what each kind of input costs in PBKDF2
// derivations, at h3 2.x's settings.
func TestDerivationCost(t *testing.T) {
	cfg, _ := H3Config(PasswordOption{Plain: pw1}, 0)
	reader := mustNew(t, Config{Passwords: cfg.Passwords, Iterations: cfg.Iterations, FallbackIterations: cfg.FallbackIterations, ReadOnly: true})
	genuine := freshSeal(t, cfg, `{"a":1}`)
	legacy := freshSeal(t, Config{Passwords: cfg.Passwords}, `{"a":1}`)

	cost := func(s string, wantErr error) uint64 {
		t.Helper()
		d := reader.derivations.Load()
		_, _, err := reader.Unseal(s, t0)
		if !errors.Is(err, wantErr) || (wantErr == nil) != (err == nil) {
			t.Fatalf("err = %v, want %v", err, wantErr)
		}
		return reader.derivations.Load() - d
	}
	tests := []struct {
		name string
		s    string
		err  error
		want uint64
	}{
		{"malformed: free", "Fe26.2*garbage", sealed.ErrMalformed, 0},
		{"forged, fresh salt: one per iteration count, never the encryption key", forge(t, genuine), sealed.ErrNotAuthentic, 2},
		{"genuine, first time: MAC key and encryption key", genuine, nil, 2},
		{"genuine again: cached", genuine, nil, 0},
		{"forged with the cached salt: free at 8192, one at the fallback", tamperCiphertext(genuine), sealed.ErrNotAuthentic, 1},
		{"legacy, first time: 8192 fails, then two at 1", legacy, nil, 3},
		{"legacy again: 8192 miss derives, then cached at 1", legacy, nil, 1},
	}
	for _, tt := range tests {
		if got := cost(tt.s, tt.err); got != tt.want {
			t.Errorf("%s: %d derivations, want %d", tt.name, got, tt.want)
		}
	}
}

// TestConcurrent seals and unseals from many goroutines with a small cache
// and a clock that crosses the sealing pair's lifetime; run it with -race.
func TestConcurrent(t *testing.T) {
	cfg := Config{Passwords: []Password{{ID: "a", Secret: pw1}, {ID: "b", Secret: pw2}}, SealID: "b", CacheSize: 4, TTL: time.Hour}
	k := mustNew(t, cfg)
	var foreign []string
	for i := range 12 {
		c := cfg
		c.SealID = []string{"a", "b"}[i%2]
		foreign = append(foreign, freshSeal(t, c, fmt.Sprintf(`{"f":%d}`, i)))
	}

	const workers, rounds = 8, 200
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range rounds {
				now := t0.Add(time.Duration(w*rounds+i) * time.Second) // crosses SealKeyLifetime
				want := fmt.Sprintf(`{"w":%d,"i":%d}`, w, i)
				s, err := k.Seal([]byte(want), now)
				if err != nil {
					errs <- err
					return
				}
				got, _, err := k.Unseal(s, now)
				if err != nil || string(got) != want {
					errs <- fmt.Errorf("own seal: %q, %v", got, err)
					return
				}
				f := foreign[(w+i)%len(foreign)]
				if _, _, err := k.Unseal(f, t0); err != nil {
					errs <- fmt.Errorf("foreign seal: %v", err)
					return
				}
				if _, _, err := k.Unseal(forge(t, f), t0); !errors.Is(err, sealed.ErrNotAuthentic) {
					errs <- fmt.Errorf("forged seal: %v", err)
					return
				}
				if n := k.cache.len(); n > 4 {
					errs <- fmt.Errorf("cache holds %d entries, cap 4", n)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestKeyCacheLRU(t *testing.T) {
	c := newKeyCache(3)
	key := func(b byte) cacheKey { return cacheKey{salt: [SaltLen / 2]byte{b}} }
	for b := range byte(3) {
		c.put(key(b), cacheVal{macKey: [KeySize]byte{b}})
	}
	c.get(key(0))                                     // 0 becomes the most recent
	c.put(key(3), cacheVal{})                         // evicts 1, the least recent
	c.put(key(2), cacheVal{encKey: [KeySize]byte{9}}) // replaces, no eviction
	var got []byte
	for _, k := range c.keys() {
		got = append(got, k.salt[0])
	}
	if want := []byte{2, 3, 0}; !slices.Equal(got, want) {
		t.Errorf("keys, most recent first = %v, want %v", got, want)
	}
	if v, ok := c.get(key(2)); !ok || v.encKey[0] != 9 {
		t.Errorf("replaced value = %v, %v", v.encKey[0], ok)
	}
	if _, ok := c.get(key(1)); ok {
		t.Error("the evicted key is still there")
	}
}
