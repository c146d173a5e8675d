package iron

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sealcookie/sealcookie/sealed"
)

// budgetClock is a Budget's refill clock, moved by hand.
type budgetClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *budgetClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *budgetClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func newTestBudget(t *testing.T, c BudgetConfig) (*Budget, *budgetClock) {
	t.Helper()
	b, err := NewBudget(c)
	if err != nil {
		t.Fatal(err)
	}
	clk := &budgetClock{t: t0}
	b.now, b.last = clk.now, clk.t
	return b, clk
}

// TestBudgetRate spends a one-millisecond-per-second budget with one slow
// derivation, then checks what is refused, what is not, and the refill.
func TestBudgetRate(t *testing.T) {
	b, clk := newTestBudget(t, BudgetConfig{CPU: time.Millisecond})
	// 16k iterations take several milliseconds on any machine.
	cfg := Config{Passwords: []Password{{Secret: pw1}}, Iterations: 1 << 14, Budget: b}
	k := mustNew(t, cfg)
	own, err := k.Seal([]byte(`{"own":1}`), t0)
	if err != nil {
		t.Fatal(err)
	}
	other := freshSeal(t, withBudget(cfg, unlimited(t)), `{"other":1}`)
	if _, _, err := k.Unseal(other, t0); err != nil { // derives and caches it, spending the budget
		t.Fatal(err)
	}

	unseal := func(s string) (uint64, error) {
		d := k.derivations.Load()
		_, _, err := k.Unseal(s, t0)
		return k.derivations.Load() - d, err
	}
	tests := []struct {
		name string
		s    string
		want error // nil: opens
		cost uint64
	}{
		{"forged, fresh salt: refused without deriving", forge(t, other), ErrOverBudget, 0},
		{"genuine, seen before: cached, never refused", other, nil, 0},
		{"this Keyring's own seal: never refused", own, nil, 0},
		{"genuine, salt not seen before: refused too", freshSeal(t, withBudget(cfg, unlimited(t)), `{"new":1}`), ErrOverBudget, 0},
		{"malformed: refused by its shape first", "Fe26.2*x", sealed.ErrMalformed, 0},
	}
	for _, tt := range tests {
		cost, err := unseal(tt.s)
		if !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil) || cost != tt.cost {
			t.Errorf("%s: %d derivations, err %v; want %d, %v", tt.name, cost, err, tt.cost, tt.want)
		}
		if errors.Is(err, ErrOverBudget) && errors.Is(err, sealed.ErrNotAuthentic) {
			t.Errorf("%s: a refusal over budget claims the seal is not authentic: nothing was checked", tt.name)
		}
	}
	if got := b.Stats(); got.Derivations != 1 || got.Refused != 2 || got.Spent <= time.Millisecond {
		t.Errorf("Stats() = %+v, want 1 derivation over a millisecond and 2 refusals", got)
	}

	// The allowance refills at one millisecond per second, up to one
	// second's worth: after a minute the next derivation runs.
	clk.advance(time.Minute)
	if cost, err := unseal(forge(t, other)); !errors.Is(err, sealed.ErrNotAuthentic) || cost != 1 {
		t.Errorf("after the refill: %d derivations, %v; want 1, not authentic", cost, err)
	}
}

// TestBudgetConcurrency holds the only slot and checks that a derivation
// waits for it up to Wait, then is refused.
func TestBudgetConcurrency(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b, err := NewBudget(BudgetConfig{CPU: -1, Concurrency: 1, Wait: 20 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		k := mustNew(t, Config{Passwords: []Password{{Secret: pw1}}, Budget: b})
		forged := forge(t, freshSeal(t, Config{Passwords: []Password{{Secret: pw1}}}, `{}`))

		if !b.take() { // another derivation holds the slot
			t.Fatal("an idle budget refused")
		}
		start := time.Now()
		if _, _, err := k.Unseal(forged, t0); !errors.Is(err, ErrOverBudget) {
			t.Errorf("with the slot held: %v, want ErrOverBudget", err)
		}
		if waited := time.Since(start); waited != 20*time.Millisecond {
			t.Errorf("refused after %v, want after Wait (20ms)", waited)
		}

		// Released within Wait: the waiting derivation runs.
		result := make(chan error, 1)
		go func() {
			_, _, err := k.Unseal(forged, t0)
			result <- err
		}()
		time.Sleep(10 * time.Millisecond)
		synctest.Wait()
		b.done(0)
		if err := <-result; !errors.Is(err, sealed.ErrNotAuthentic) {
			t.Errorf("after the slot was freed: %v, want the MAC checked (not authentic)", err)
		}
		if got := b.Stats(); got.Derivations != 2 || got.Refused != 1 {
			t.Errorf("Stats() = %+v, want 2 derivations (the held one and the waiter) and 1 refusal", got)
		}
	})

	// Wait < 0: refused at once.
	b, err := NewBudget(BudgetConfig{CPU: -1, Wait: -1})
	if err != nil {
		t.Fatal(err)
	}
	k := mustNew(t, Config{Passwords: []Password{{Secret: pw1}}, Budget: b})
	b.take()
	if _, _, err := k.Unseal(forge(t, freshSeal(t, Config{Passwords: []Password{{Secret: pw1}}}, `{}`)), t0); !errors.Is(err, ErrOverBudget) {
		t.Errorf("Wait -1 with the slot held: %v, want ErrOverBudget", err)
	}
	b.done(0)
}

// TestBudgetShared checks that Keyrings built without a Budget share the
// process-wide one, and that one Budget given to several Keyrings is one
// allowance.
func TestBudgetShared(t *testing.T) {
	a, err := NewKeyring(Config{Passwords: []Password{{Secret: pw1}}})
	if err != nil {
		t.Fatal(err)
	}
	c, err := NewKeyring(Config{Passwords: []Password{{Secret: pw2}}, Iterations: H3Iterations})
	if err != nil {
		t.Fatal(err)
	}
	if a.budget != defaultBudget() || c.budget != a.budget {
		t.Error("Keyrings without a Budget do not share the process-wide one")
	}
	if got := defaultBudget().String(); got != "iron.Budget{CPU: 100ms per second, Concurrency: 1, Wait: 50ms}" {
		t.Errorf("the process-wide budget is %s", got)
	}

	b, _ := newTestBudget(t, BudgetConfig{CPU: time.Millisecond})
	slow := Config{Passwords: []Password{{Secret: pw1}}, Iterations: 1 << 14, Budget: b}
	k1, k2 := mustNew(t, slow), mustNew(t, withBudget(slow, b))
	seal := freshSeal(t, withBudget(slow, unlimited(t)), `{}`)
	if _, _, err := k1.Unseal(forge(t, seal), t0); !errors.Is(err, sealed.ErrNotAuthentic) {
		t.Fatalf("first forgery: %v", err)
	}
	if _, _, err := k2.Unseal(forge(t, seal), t0); !errors.Is(err, ErrOverBudget) {
		t.Errorf("another Keyring on the spent budget: %v, want ErrOverBudget", err)
	}
}

func TestNewBudgetRejects(t *testing.T) {
	for _, c := range []BudgetConfig{
		{CPU: time.Microsecond},
		{Concurrency: 1<<16 + 1},
	} {
		if _, err := NewBudget(c); !errors.Is(err, ErrConfig) {
			t.Errorf("NewBudget(%+v) = %v, want ErrConfig", c, err)
		}
	}
	b, err := NewBudget(BudgetConfig{CPU: -1, Concurrency: -1, Wait: -1})
	if err != nil || b.slots != nil || b.rate >= 0 {
		t.Errorf("an unlimited budget: %v, %v", b, err)
	}
}

// TestIssuedSaltsOnly checks the mode for fleets where only Go seals: seals
// of any Keyring with the password open; seals with salts the fleet did not
// issue (the JavaScript libraries', forgeries') are refused before any
// derivation, whatever their MAC.
func TestIssuedSaltsOnly(t *testing.T) {
	h3, _ := H3Config(PasswordOption{Plain: pw1}, 0)
	h3.Budget = unlimited(t)
	strict := h3
	strict.FallbackIterations, strict.IssuedSaltsOnly = 0, true
	k := mustNew(t, withBudget(strict, unlimited(t)))

	fleet := freshSeal(t, h3, `{"from":"another Go server"}`) // h3 config, tagged salts
	js := jsSeal(t, h3)                                       // untagged salts, genuine MAC
	otherPw := freshSeal(t, Config{Passwords: []Password{{Secret: pw2}}, Iterations: H3Iterations, Budget: h3.Budget}, `{}`)

	tests := []struct {
		name string
		s    string
		want error
		cost uint64
	}{
		{"another fleet member's seal: opens", fleet, nil, 2},
		{"and again: cached", fleet, nil, 0},
		{"genuine seal with untagged salts (a JavaScript peer's): refused", js, sealed.ErrNotAuthentic, 0},
		{"fresh random salt: refused", forge(t, fleet), sealed.ErrNotAuthentic, 0},
		{"salts tagged under another password: refused", otherPw, sealed.ErrNotAuthentic, 0},
		{"issued salts, forged content: the cached key refuses it", tamperCiphertext(fleet), sealed.ErrNotAuthentic, 0},
	}
	for _, tt := range tests {
		d := k.derivations.Load()
		_, _, err := k.Unseal(tt.s, t0)
		cost := k.derivations.Load() - d
		if !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil) || cost != tt.cost {
			t.Errorf("%s: %d derivations, err %v; want %d, %v", tt.name, cost, err, tt.cost, tt.want)
		}
	}
	// The same seals in the default mode: all genuine ones open.
	lax := mustNew(t, h3)
	for _, s := range []string{fleet, js} {
		if _, _, err := lax.Unseal(s, t0); err != nil {
			t.Errorf("without IssuedSaltsOnly: %v", err)
		}
	}

	if _, err := NewKeyring(withBudget(Config{Passwords: h3.Passwords, Iterations: H3Iterations, FallbackIterations: 1, IssuedSaltsOnly: true}, nil)); !errors.Is(err, ErrConfig) {
		t.Errorf("IssuedSaltsOnly with FallbackIterations: %v, want ErrConfig", err)
	}
}

// jsSeal seals the way the JavaScript libraries do: fresh random, untagged
// salts for every seal.
func jsSeal(t *testing.T, c Config) string {
	t.Helper()
	k := mustNew(t, c)
	p := testPair(t, k, randomHex(t), randomHex(t))
	s := k.sealWith(p, [IVSize]byte{1}, []byte(`{"from":"h3"}`), nil)
	f, err := Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	if issuedSalt(k.tagKeys[0], f.HMACSalt) {
		t.Fatal("a random salt carries a valid tag")
	}
	return s
}

// TestSaltsAreTagged checks the shape of the salts Seal writes: 64 lowercase
// hex characters like any iron salt, random in their first half, tagged in
// the second, and never shared between the encryption and the HMAC salt.
func TestSaltsAreTagged(t *testing.T) {
	k := mustNew(t, Config{Passwords: []Password{{Secret: pw1}}})
	seen := map[string]bool{}
	for range 4 {
		f, err := Parse(freshSeal(t, Config{Passwords: []Password{{Secret: pw1}}}, `{}`))
		if err != nil {
			t.Fatal(err)
		}
		for _, salt := range []string{f.EncryptionSalt, f.HMACSalt} {
			if !issuedSalt(k.tagKeys[0], salt) {
				t.Errorf("salt %s… carries no valid tag", salt[:8])
			}
			if seen[salt[:2*saltRandLen]] {
				t.Error("two salts share their random half")
			}
			seen[salt[:2*saltRandLen]] = true
		}
	}
	// A tag is bound to its random half: changing either refuses it.
	f, _ := Parse(freshSeal(t, Config{Passwords: []Password{{Secret: pw1}}}, `{}`))
	for _, i := range []int{0, 2*saltRandLen - 1, 2 * saltRandLen, SaltLen - 1} {
		b := []byte(f.HMACSalt)
		b[i] = "0123456789abcdef"[(strings.IndexByte("0123456789abcdef", b[i])+1)%16]
		if issuedSalt(k.tagKeys[0], string(b)) {
			t.Errorf("changing character %d kept the tag valid", i)
		}
	}
	if diff := cmp.Diff(SaltLen, len(f.HMACSalt)); diff != "" {
		t.Errorf("salt length (-want +got):\n%s", diff)
	}
}

func randomHex(t *testing.T) string {
	t.Helper()
	var b [SaltLen / 2]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
