package iron

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sealcookie/sealcookie/internal/vectors"
	"github.com/sealcookie/sealcookie/sealed"
)

const (
	pw1 = "rotation-key-one-0123456789-abcdefghijkl"
	pw2 = "rotation-key-two-0123456789-abcdefghijkl"
	pw3 = "a-third-password-0123456789-abcdefghijkl"
)

// t0 is the clock of these tests.
var t0 = time.UnixMilli(1_768_471_013_079)

// testBudget never refuses: these tests derive far more often than the
// process-wide budget allows, for everything but the budget itself
// (budget_test.go, which builds its Keyrings with NewKeyring).
var testBudget = func() *Budget {
	b, err := NewBudget(BudgetConfig{CPU: -1, Concurrency: -1})
	if err != nil {
		panic(err)
	}
	return b
}()

// mustNew is NewKeyring, with testBudget unless c names a Budget.
func mustNew(t testing.TB, c Config) *Keyring {
	t.Helper()
	if c.Budget == nil {
		c.Budget = testBudget
	}
	k, err := NewKeyring(c)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return k
}

// payloads returns the team's reference payloads and a few edge sizes.
func payloads(t testing.TB) map[string][]byte {
	t.Helper()
	p := map[string][]byte{
		"empty":      {},
		"one-block":  []byte(`{"a":"0123456"}`), // 15 bytes: one byte of padding
		"full-block": []byte(`{"a":"01234567"}`),
	}
	for _, name := range []string{"small", "large"} {
		b, err := os.ReadFile(filepath.Join(vectors.ModuleRoot(t), "testdata", "payloads", name+".json"))
		if err != nil {
			t.Fatal(err)
		}
		p[name] = b
	}
	return p
}

// configs are the settings every round trip runs with.
func configs(t testing.TB) map[string]Config {
	t.Helper()
	must := func(c Config, err error) Config {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	return map[string]Config{
		"h3":                 must(H3Config(PasswordOption{Plain: pw1}, 0)),
		"h3-ttl":             must(H3Config(PasswordOption{Plain: pw1}, time.Hour)),
		"h3-rotation":        must(H3Config(PasswordOption{Object: map[string]string{"1": pw1, "2": pw2, "id": "2", "secret": pw2}}, 0)),
		"h3v1":               must(H3V1Config(PasswordOption{Plain: pw1}, 30*time.Minute)),
		"iron-session":       must(IronSessionConfig(PasswordOption{Object: map[string]string{"1": pw1, "2": pw2}}, IronSessionDefaultTTL)),
		"iron-session-plain": must(IronSessionConfig(PasswordOption{Plain: pw1}, 0)),
		"iron-named":         {Passwords: []Password{{ID: "k7", Secret: pw3}}},
		"no-cache":           {Passwords: []Password{{Secret: pw1}}, CacheSize: -1, Iterations: 2},
	}
}

func TestRoundTrip(t *testing.T) {
	for cname, cfg := range configs(t) {
		k := mustNew(t, cfg)
		for pname, pt := range payloads(t) {
			s, err := k.Seal(pt, t0)
			if err != nil {
				t.Fatalf("%s/%s: Seal: %v", cname, pname, err)
			}
			if len(s) != sealedLen(len(pt), len(k.passwords[k.sealPw].ID), len(expString(k, t0))) {
				t.Errorf("%s/%s: len %d, sealedLen disagrees", cname, pname, len(s))
			}
			got, info, err := k.Unseal(s, t0.Add(time.Second))
			if err != nil {
				t.Fatalf("%s/%s: Unseal: %v", cname, pname, err)
			}
			if diff := cmp.Diff(pt, got); diff != "" {
				t.Errorf("%s/%s: plaintext (-want +got):\n%s", cname, pname, diff)
			}
			want := Info{PasswordID: k.passwords[k.sealPw].ID, Iterations: k.iters}
			if cfg.TTL > 0 {
				want.Expires = time.UnixMilli(t0.UnixMilli() + cfg.TTL.Milliseconds())
			}
			if diff := cmp.Diff(want, info); diff != "" {
				t.Errorf("%s/%s: Info (-want +got):\n%s", cname, pname, diff)
			}
			if e, err := Parse(s); err != nil || e.Format() != s {
				t.Errorf("%s/%s: Parse/Format round trip failed: %v", cname, pname, err)
			}
			// A second Keyring with the same settings (another process) opens it too.
			if _, _, err := mustNew(t, cfg).Unseal(s, t0); err != nil {
				t.Errorf("%s/%s: another Keyring: %v", cname, pname, err)
			}
		}
	}
}

func expString(k *Keyring, now time.Time) string {
	if k.ttlMs == 0 {
		return ""
	}
	return itoa(now.UnixMilli() + k.ttlMs)
}

// TestSealAppearsRandom checks that two seals of one plaintext differ (fresh
// iv) while sharing the reused salts.
func TestSealAppearsRandom(t *testing.T) {
	k := mustNew(t, Config{Passwords: []Password{{Secret: pw1}}})
	a, _ := k.Seal([]byte("{}"), t0)
	b, _ := k.Seal([]byte("{}"), t0)
	ea, _ := Parse(a)
	eb, _ := Parse(b)
	if string(ea.IV) == string(eb.IV) || string(ea.Ciphertext) == string(eb.Ciphertext) {
		t.Error("two seals share their iv or ciphertext")
	}
	if ea.EncryptionSalt != eb.EncryptionSalt || ea.HMACSalt != eb.HMACSalt || ea.EncryptionSalt == ea.HMACSalt {
		t.Error("the sealing salts are not reused, or encryption and HMAC share a salt")
	}
}

// TestSealKeyRotation checks that the sealing pair is replaced after its
// lifetime, that seals of the previous pair still open without derivation,
// and that nothing is derived per seal.
func TestSealKeyRotation(t *testing.T) {
	k := mustNew(t, Config{Passwords: []Password{{Secret: pw1}}, Iterations: H3Iterations, CacheSize: -1})
	first, _ := k.Seal([]byte("1"), t0)
	if got := k.derivations.Load(); got != 2 {
		t.Fatalf("first seal derived %d keys, want 2", got)
	}
	for i := range 10 {
		if _, err := k.Seal([]byte("x"), t0.Add(time.Duration(i)*time.Minute)); err != nil {
			t.Fatal(err)
		}
	}
	if got := k.derivations.Load(); got != 2 {
		t.Fatalf("11 seals within the lifetime derived %d keys, want 2", got)
	}
	later := t0.Add(SealKeyLifetime)
	second, _ := k.Seal([]byte("2"), later)
	if got := k.derivations.Load(); got != 4 {
		t.Fatalf("after the lifetime: %d derivations, want 4", got)
	}
	e1, _ := Parse(first)
	e2, _ := Parse(second)
	if e1.HMACSalt == e2.HMACSalt {
		t.Fatal("the sealing pair was not replaced")
	}
	for _, s := range []string{first, second} {
		if _, _, err := k.Unseal(s, later); err != nil {
			t.Errorf("Unseal: %v", err)
		}
	}
	if got := k.derivations.Load(); got != 4 {
		t.Errorf("unsealing our own current and previous seals derived %d keys, want none", got-4)
	}

	// Rotation by use count.
	k.seal.Load().cur.uses.Store(SealKeyUses)
	third, _ := k.Seal([]byte("3"), later)
	if e3, _ := Parse(third); e3.HMACSalt == e2.HMACSalt {
		t.Error("the pair was not replaced after SealKeyUses seals")
	}
}

func TestLegacyAndStale(t *testing.T) {
	h3v1 := mustNew(t, Config{Passwords: []Password{{Secret: pw1}}})
	legacy, _ := h3v1.Seal([]byte(`{"v":1}`), t0)

	cfg, _ := H3Config(PasswordOption{Plain: pw1}, 0)
	h3 := mustNew(t, cfg)
	_, info, err := h3.Unseal(legacy, t0)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(Info{Iterations: 1, Legacy: true, Stale: true}, info); diff != "" {
		t.Errorf("legacy Info (-want +got):\n%s", diff)
	}
	cfg.FallbackIterations = 0
	if _, _, err := mustNew(t, cfg).Unseal(legacy, t0); !errors.Is(err, sealed.ErrNotAuthentic) {
		t.Errorf("without fallback: err = %v, want ErrNotAuthentic", err)
	}

	old := mustNew(t, Config{Passwords: []Password{{ID: "1", Secret: pw1}}})
	s, _ := old.Seal([]byte("{}"), t0)
	rotated := mustNew(t, Config{Passwords: []Password{{ID: "1", Secret: pw1}, {ID: "2", Secret: pw2}}, SealID: "2"})
	if _, info, err := rotated.Unseal(s, t0); err != nil || !info.Stale || info.PasswordID != "1" {
		t.Errorf("old password: info %+v, err %v; want Stale, id 1", info, err)
	}
	ro := mustNew(t, Config{Passwords: []Password{{ID: "1", Secret: pw1}, {ID: "2", Secret: pw2}}, ReadOnly: true})
	if _, info, err := ro.Unseal(s, t0); err != nil || info.Stale {
		t.Errorf("ReadOnly: info %+v, err %v; want not Stale", info, err)
	}
	if _, err := ro.Seal([]byte("{}"), t0); !errors.Is(err, ErrConfig) || ro.CanSeal() {
		t.Errorf("ReadOnly Seal: err = %v, CanSeal %v", err, ro.CanSeal())
	}
}

func TestPasswordLookup(t *testing.T) {
	seal := func(id, secret string) string {
		t.Helper()
		s, err := mustNew(t, Config{Passwords: []Password{{ID: id, Secret: secret}}}).Seal([]byte("{}"), t0)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	unnamed := seal("", pw1)
	named := seal("7", pw1)
	dflt := seal("default", pw2)
	tests := []struct {
		name   string
		ps     []Password
		seal   string
		wantID string
		want   error
	}{
		{"unnamed opens any id", []Password{{Secret: pw1}}, named, "", nil},
		{"unnamed opens empty id", []Password{{Secret: pw1}}, unnamed, "", nil},
		{"exact id first", []Password{{Secret: pw2}, {ID: "7", Secret: pw1}}, named, "7", nil},
		{"empty id looks up default", []Password{{ID: "default", Secret: pw1}}, unnamed, "default", nil},
		{"unnamed before default", []Password{{Secret: pw1}, {ID: "default", Secret: pw2}}, unnamed, "", nil},
		{"default by name", []Password{{ID: "default", Secret: pw2}}, dflt, "default", nil},
		{"unknown id", []Password{{ID: "1", Secret: pw1}, {ID: "2", Secret: pw2}}, named, "", sealed.ErrUnknownKey},
		{"no id, no default", []Password{{ID: "1", Secret: pw1}}, unnamed, "", sealed.ErrUnknownKey},
		{"one password per seal, no trial", []Password{{Secret: pw2}, {ID: "8", Secret: pw1}}, named, "", sealed.ErrNotAuthentic},
	}
	for _, tt := range tests {
		k := mustNew(t, Config{Passwords: tt.ps, ReadOnly: true})
		_, info, err := k.Unseal(tt.seal, t0)
		if !errors.Is(err, tt.want) || (err == nil) != (tt.want == nil) {
			t.Errorf("%s: err = %v, want %v", tt.name, err, tt.want)
			continue
		}
		if err == nil && info.PasswordID != tt.wantID {
			t.Errorf("%s: PasswordID = %q, want %q", tt.name, info.PasswordID, tt.wantID)
		}
	}
}

func TestExpiry(t *testing.T) {
	k := mustNew(t, Config{Passwords: []Password{{Secret: pw1}}, TTL: time.Minute})
	s, _ := k.Seal([]byte("{}"), t0)
	exp := t0.Add(time.Minute)
	// Expired when exp <= now - skew.
	for _, tt := range []struct {
		at      time.Time
		expired bool
	}{
		{t0, false},
		{exp, false},
		{exp.Add(DefaultTimestampSkew - time.Millisecond), false},
		{exp.Add(DefaultTimestampSkew), true},
		{exp.Add(24 * time.Hour), true},
	} {
		_, info, err := k.Unseal(s, tt.at)
		if got := errors.Is(err, sealed.ErrExpired); got != tt.expired || (!tt.expired && err != nil) {
			t.Errorf("at exp%+v: err = %v, want expired %v", tt.at.Sub(exp), err, tt.expired)
		}
		if err == nil && !info.Expires.Equal(exp) {
			t.Errorf("Expires = %v, want %v", info.Expires, exp)
		}
	}
	strict := mustNew(t, Config{Passwords: []Password{{Secret: pw1}}, TimestampSkew: time.Millisecond})
	if _, _, err := strict.Unseal(s, exp.Add(time.Millisecond)); !errors.Is(err, sealed.ErrExpired) {
		t.Errorf("1 ms skew: err = %v, want ErrExpired", err)
	}
	if _, err := k.Seal([]byte("{}"), time.UnixMilli(0)); err == nil {
		t.Error("Seal with a TTL at 1970 succeeded")
	}
}

func TestTooLarge(t *testing.T) {
	k := mustNew(t, Config{Passwords: []Password{{Secret: pw1}}})
	if _, err := k.Seal(make([]byte, MaxLen), t0); !errors.Is(err, sealed.ErrTooLarge) {
		t.Errorf("Seal(MaxLen bytes): err = %v, want ErrTooLarge", err)
	}
	// The largest plaintext that fits, and one byte more.
	n := 0
	for sealedLen(n+1, 0, 0) <= MaxLen {
		n++
	}
	s, err := k.Seal(make([]byte, n), t0)
	if err != nil || len(s) > MaxLen {
		t.Fatalf("Seal(%d bytes): len %d, err %v", n, len(s), err)
	}
	if _, _, err := k.Unseal(s, t0); err != nil {
		t.Errorf("Unseal of the largest seal: %v", err)
	}
	if _, err := k.Seal(make([]byte, n+16), t0); !errors.Is(err, sealed.ErrTooLarge) {
		t.Errorf("Seal(%d bytes): err = %v, want ErrTooLarge", n+16, err)
	}
	if _, _, err := k.Unseal(s+strings.Repeat("A", MaxLen), t0); !errors.Is(err, sealed.ErrTooLarge) {
		t.Errorf("Unseal(too long): err = %v, want ErrTooLarge", err)
	}
	if _, err := Parse(strings.Repeat("*", MaxLen+1)); !errors.Is(err, sealed.ErrTooLarge) {
		t.Errorf("Parse(too long): err = %v, want ErrTooLarge", err)
	}
}

// TestTamper changes every byte of a seal, truncates it at every length and
// extends it: every result must be rejected with a sentinel, and nothing
// but a MAC-verified seal may reach the cache.
func TestTamper(t *testing.T) {
	for _, cfg := range []Config{
		{Passwords: []Password{{Secret: pw1}}, TTL: time.Hour},
		{Passwords: []Password{{ID: "k7", Secret: pw1}}, Iterations: 2, FallbackIterations: 1},
	} {
		producer := mustNew(t, cfg)
		s, _ := producer.Seal([]byte(`{"user":"ada","admin":false}`), t0)
		cfg.ReadOnly, cfg.SealID = true, ""
		k := mustNew(t, cfg) // a separate reader, so its cache sees every attempt
		if _, _, err := k.Unseal(s, t0); err != nil {
			t.Fatal(err)
		}
		check := func(what, v string) {
			t.Helper()
			_, _, err := k.Unseal(v, t0)
			if err == nil {
				t.Fatalf("%s: accepted", what)
			}
			if !isSentinel(err) {
				t.Fatalf("%s: error %v matches no sentinel", what, err)
			}
		}
		for i := 0; i < len(s); i++ {
			b := []byte(s)
			for _, x := range []byte{0x01, 0x20, 0x80} {
				b[i] = s[i] ^ x
				check("flip", string(b))
			}
		}
		for i := 0; i < len(s); i++ {
			check("truncate", s[:i])
		}
		for _, suffix := range []string{"A", "*", "~2", "\n", "=="} {
			check("append", s+suffix)
		}
		if n := k.cache.len(); n != 1 {
			t.Errorf("cache holds %d entries after tampering, want 1 (the genuine seal)", n)
		}
	}
}

func isSentinel(err error) bool {
	for _, s := range []error{sealed.ErrMalformed, sealed.ErrExpired, sealed.ErrUnknownKey, sealed.ErrNotAuthentic, sealed.ErrTooLarge, ErrOverBudget} {
		if errors.Is(err, s) {
			return true
		}
	}
	return false
}

func TestNewRejects(t *testing.T) {
	good := Password{Secret: pw1}
	tests := []struct {
		name string
		c    Config
		want error
	}{
		{"no password", Config{}, ErrConfig},
		{"short", Config{Passwords: []Password{{Secret: "too-short"}}}, sealed.ErrShortPassword},
		{"31 UTF-16 units", Config{Passwords: []Password{{Secret: strings.Repeat("é", 31)}}}, sealed.ErrShortPassword},
		{"invalid UTF-8", Config{Passwords: []Password{{Secret: strings.Repeat("\xff", 40)}}}, ErrConfig},
		{"two unnamed", Config{Passwords: []Password{good, good}}, ErrConfig},
		{"duplicate id", Config{Passwords: []Password{{ID: "a", Secret: pw1}, {ID: "a", Secret: pw2}}, SealID: "a"}, ErrConfig},
		{"bad id", Config{Passwords: []Password{{ID: "a*b", Secret: pw1}}}, ErrConfig},
		{"long id", Config{Passwords: []Password{{ID: strings.Repeat("a", 129), Secret: pw1}}}, ErrConfig},
		{"no SealID", Config{Passwords: []Password{{ID: "1", Secret: pw1}, {ID: "2", Secret: pw2}}}, ErrConfig},
		{"unknown SealID", Config{Passwords: []Password{good}, SealID: "x"}, ErrConfig},
		{"ReadOnly with SealID", Config{Passwords: []Password{{ID: "1", Secret: pw1}}, SealID: "1", ReadOnly: true}, ErrConfig},
		{"negative iterations", Config{Passwords: []Password{good}, Iterations: -1}, ErrConfig},
		{"absurd iterations", Config{Passwords: []Password{good}, Iterations: MaxIterations + 1}, ErrConfig},
		{"absurd fallback", Config{Passwords: []Password{good}, FallbackIterations: 1 << 30}, ErrConfig},
		{"fallback = iterations", Config{Passwords: []Password{good}, Iterations: 1, FallbackIterations: 1}, ErrConfig},
		{"negative TTL", Config{Passwords: []Password{good}, TTL: -time.Second}, ErrConfig},
		{"sub-ms TTL", Config{Passwords: []Password{good}, TTL: time.Microsecond}, ErrConfig},
		{"negative skew", Config{Passwords: []Password{good}, TimestampSkew: -time.Second}, ErrConfig},
		{"huge cache", Config{Passwords: []Password{good}, CacheSize: MaxCacheSize + 1}, ErrConfig},
		{"too many passwords", Config{Passwords: make([]Password, MaxPasswords+1)}, ErrConfig},
	}
	for _, tt := range tests {
		k, err := NewKeyring(tt.c)
		if k != nil || !errors.Is(err, tt.want) {
			t.Errorf("%s: New = %v, %v; want error %v", tt.name, k, err, tt.want)
		}
		if err != nil && (strings.Contains(err.Error(), pw1) || strings.Contains(err.Error(), pw2)) {
			t.Errorf("%s: the error quotes a secret: %v", tt.name, err)
		}
	}
	// Exactly 32 UTF-16 units is enough, though it is fewer runes.
	if _, err := NewKeyring(Config{Passwords: []Password{{Secret: strings.Repeat("🔑", 16)}}}); err != nil {
		t.Errorf("16 astral runes (32 UTF-16 units): %v", err)
	}
}

// TestConfigIsCopied checks that New keeps no reference to the caller's
// slice.
func TestConfigIsCopied(t *testing.T) {
	ps := []Password{{Secret: pw1}}
	k := mustNew(t, Config{Passwords: ps})
	s, _ := k.Seal([]byte("{}"), t0)
	ps[0].Secret = pw2
	if _, _, err := k.Unseal(s, t0); err != nil {
		t.Errorf("changing the Config after New changed the Keyring: %v", err)
	}
}

func TestRedaction(t *testing.T) {
	p := Password{ID: "1", Secret: pw1}
	o := PasswordOption{Object: map[string]string{"1": pw1, "id": "1", "secret": pw1}}
	for _, s := range []string{p.String(), p.GoString(), o.String(), o.GoString(), PasswordOption{Plain: pw1}.String()} {
		if strings.Contains(s, pw1) {
			t.Errorf("%q shows the secret", s)
		}
	}
}

// TestErrorsHideSecrets checks that no rejection quotes the password or the
// plaintext.
func TestErrorsHideSecrets(t *testing.T) {
	const secretData = "the-plaintext-is-secret"
	k := mustNew(t, Config{Passwords: []Password{{Secret: pw1}}, TTL: time.Minute})
	s, _ := k.Seal([]byte(secretData), t0)
	for _, v := range []string{s, s[:len(s)-1] + "A", "Fe26.2*x" + s[6:], strings.Replace(s, "Fe26.2", "Fe26.1", 1)} {
		for _, at := range []time.Time{t0, t0.Add(time.Hour)} {
			if _, _, err := k.Unseal(v, at); err != nil && (strings.Contains(err.Error(), pw1) || strings.Contains(err.Error(), secretData)) {
				t.Errorf("error quotes a secret: %v", err)
			}
		}
	}
}

func TestParseRejects(t *testing.T) {
	good := "Fe26.2**" + strings.Repeat("a", 64) + "*AAAAAAAAAAAAAAAAAAAAAA*" + strings.Repeat("A", 22) + "**" + strings.Repeat("b", 64) + "*" + strings.Repeat("A", 43)
	if e, err := Parse(good); err != nil || e.Format() != good {
		t.Fatalf("Parse(good) = %v; Format round trip %v", err, e.Format() == good)
	}
	field := func(i int, v string) string {
		p := strings.Split(good, "*")
		p[i] = v
		return strings.Join(p, "*")
	}
	for name, s := range map[string]string{
		"empty":                 "",
		"7 fields":              field(7, "")[:len(good)-44],
		"9 fields":              good + "*",
		"prefix":                field(0, "Fe26.1"),
		"id with dash":          field(1, "a-b"),
		"id non-ASCII":          field(1, "é"),
		"uppercase salt":        field(2, strings.Repeat("A", 64)),
		"short salt":            field(2, strings.Repeat("a", 63)),
		"iv 15 bytes":           field(3, strings.Repeat("A", 20)),
		"iv padded":             field(3, "AAAAAAAAAAAAAAAAAAAAAA=="),
		"iv non-canonical":      field(3, "AAAAAAAAAAAAAAAAAAAAAB"),
		"iv standard b64":       field(3, "AAAAAAAAAAAAAAAAAAAA+A"),
		"empty ciphertext":      field(4, ""),
		"ciphertext 15 bytes":   field(4, strings.Repeat("A", 20)),
		"ciphertext newline":    field(4, strings.Repeat("A", 11)+"\n"+strings.Repeat("A", 11)),
		"ciphertext bad length": field(4, strings.Repeat("A", 21)),
		"expiration soon":       field(5, "soon"),
		"expiration negative":   field(5, "-1"),
		"expiration leading 0":  field(5, "01768471013079"),
		"expiration huge":       field(5, "9007199254740992"),
		"expiration float":      field(5, "1.5"),
		"hmac salt":             field(6, ""),
		"hmac short":            field(7, strings.Repeat("A", 42)),
		"hmac long":             field(7, strings.Repeat("A", 44)),
		"hmac alphabet":         field(7, strings.Repeat("A", 42)+"="),
	} {
		if _, err := Parse(s); !errors.Is(err, sealed.ErrMalformed) {
			t.Errorf("%s: Parse err = %v, want ErrMalformed", name, err)
		}
	}
	// The largest expiration JavaScript writes exactly, and 0.
	for _, exp := range []string{"9007199254740991", "0"} {
		if e, err := Parse(field(5, exp)); err != nil || e.Format() != field(5, exp) {
			t.Errorf("expiration %s: %v", exp, err)
		}
	}
}

func TestSplitIronSessionValue(t *testing.T) {
	// What iron-session 8.0.4's parseSeal gives (split on "~", parseInt).
	tests := []struct {
		in      string
		seal    string
		version int
	}{
		{"Fe26.2*1*x~2", "Fe26.2*1*x", 2},
		{"Fe26.2*1*x", "Fe26.2*1*x", 0},
		{"Fe26.2*1*x~3", "Fe26.2*1*x", 3},
		{"Fe26.2*1*x~0", "Fe26.2*1*x", 0},
		{"Fe26.2*1*x~22", "Fe26.2*1*x", 22},
		{"Fe26.2*1*x~02", "Fe26.2*1*x", 2},
		{"Fe26.2*1*x~2a", "Fe26.2*1*x", 2},
		{"Fe26.2*1*x~2~3", "Fe26.2*1*x", 2},
		{"Fe26.2*1*x~a", "Fe26.2*1*x", -1},
		{"Fe26.2*1*x~", "Fe26.2*1*x", -1},
		{"Fe26.2*1*x~-2", "Fe26.2*1*x", -3},
		{"Fe26.2*1*x~99999999999999999999", "Fe26.2*1*x", 1000},
		{"~2", "", 2},
	}
	for _, tt := range tests {
		seal, v, err := SplitIronSessionValue(tt.in)
		if err != nil || seal != tt.seal || v != tt.version {
			t.Errorf("SplitIronSessionValue(%q) = %q, %d, %v; want %q, %d", tt.in, seal, v, err, tt.seal, tt.version)
		}
	}
	if got := IronSessionValue("Fe26.2*1*x"); got != "Fe26.2*1*x~2" {
		t.Errorf("IronSessionValue = %q", got)
	}
}
