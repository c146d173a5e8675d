package sealed_test

import (
	"bytes"
	"crypto/hkdf"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/crypto/chacha20poly1305"

	"github.com/sealcookie/sealcookie/sealed"
)

const (
	pw1 = "first test password, 32+ bytes long......"
	pw2 = "second test password, also 32+ bytes long."
)

var (
	t0  = time.UnixMilli(1767225600000) // 2026-01-01T00:00:00Z
	exp = t0.Add(time.Hour)
)

func mustRing(t testing.TB, current sealed.Key, old ...sealed.Key) *sealed.Keyring {
	t.Helper()
	k, err := sealed.NewKeyring(current, old...)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func smallPayload(t testing.TB) []byte {
	t.Helper()
	b, err := os.ReadFile("../testdata/payloads/small.json")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

var allSentinels = []error{sealed.ErrMalformed, sealed.ErrExpired, sealed.ErrUnknownKey, sealed.ErrNotAuthentic, sealed.ErrTooLarge}

func matchesSentinel(err error) bool {
	for _, s := range allSentinels {
		if errors.Is(err, s) {
			return true
		}
	}
	return false
}

func TestRoundTrip(t *testing.T) {
	k := mustRing(t, sealed.Key{ID: 1, Password: pw1})
	sizes := []struct {
		name string
		n    int
	}{
		{"0B", 0}, {"1B", 1}, {"typical", len(smallPayload(t))}, {"4KB", 4096},
		{"at cap", sealed.MaxPlaintextLen},
	}
	for _, tc := range sizes {
		t.Run(tc.name, func(t *testing.T) {
			pt := bytes.Repeat([]byte{0xA5}, tc.n)
			if tc.name == "typical" {
				pt = smallPayload(t)
			}
			v, err := k.SealString(pt, "h3", exp)
			if err != nil {
				t.Fatal(err)
			}
			if len(v) != sealed.SealedLen(tc.n) || len(v) > sealed.MaxLen {
				t.Errorf("len = %d, SealedLen = %d, MaxLen = %d", len(v), sealed.SealedLen(tc.n), sealed.MaxLen)
			}
			if strings.ContainsAny(v, "=+/ \r\n;,\"") {
				t.Errorf("value has characters that need quoting in a cookie: %q", v)
			}
			got, info, err := k.OpenString(v, "h3", t0)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(pt, got, cmp.Comparer(bytes.Equal)); diff != "" {
				t.Errorf("round trip (-want +got):\n%s", diff)
			}
			want := sealed.Info{KeyID: 1, Expires: exp}
			if diff := cmp.Diff(want, info); diff != "" {
				t.Errorf("Info (-want +got):\n%s", diff)
			}
			// The append forms agree with the string forms.
			b, err := k.Seal(nil, pt, "h3", exp)
			if err != nil {
				t.Fatal(err)
			}
			got2, _, err := k.Open(nil, b, "h3", t0)
			if err != nil || !bytes.Equal(got2, pt) {
				t.Errorf("Seal/Open: err %v, equal %v", err, bytes.Equal(got2, pt))
			}
		})
	}
}

func TestOverCap(t *testing.T) {
	k := mustRing(t, sealed.Key{ID: 1, Password: pw1})
	pt := make([]byte, sealed.MaxPlaintextLen+1)
	if _, err := k.SealString(pt, "h3", exp); !errors.Is(err, sealed.ErrTooLarge) {
		t.Errorf("SealString over the cap: err = %v, want ErrTooLarge", err)
	}
	if _, err := k.Seal(nil, pt, "h3", exp); !errors.Is(err, sealed.ErrTooLarge) {
		t.Errorf("Seal over the cap: err = %v, want ErrTooLarge", err)
	}
	// An over-long value is refused before decoding: a string of invalid
	// characters still reports "too large", not "malformed".
	long := strings.Repeat("!", sealed.MaxLen+1)
	if _, _, err := k.OpenString(long, "h3", t0); !errors.Is(err, sealed.ErrTooLarge) {
		t.Errorf("Open of %d chars: err = %v, want ErrTooLarge", len(long), err)
	}
	if msg := fmt.Sprint(k.OpenString(long, "h3", t0)); !strings.Contains(msg, strconv.Itoa(sealed.MaxLen)) {
		t.Errorf("error %q does not state the limit", msg)
	}
}

func TestEverySingleBitFlip(t *testing.T) {
	k := mustRing(t, sealed.Key{ID: 1, Password: pw1})
	v, err := k.SealString(smallPayload(t), "h3", exp)
	if err != nil {
		t.Fatal(err)
	}
	// Characters 0..13 carry the header (10 bytes = 13⅓ characters); a flip
	// there may be caught by the header checks, which run before decryption.
	const headerChars = (sealed.HeaderSize*8 + 5) / 6
	for i := range len(v) {
		for bit := range 8 {
			b := []byte(v)
			b[i] ^= 1 << bit
			_, _, err := k.Open(nil, b, "h3", t0)
			switch {
			case err == nil:
				t.Fatalf("flip of bit %d at %d accepted", bit, i)
			case i >= headerChars && !errors.Is(err, sealed.ErrNotAuthentic) && !errors.Is(err, sealed.ErrMalformed):
				t.Fatalf("flip of bit %d at %d: err = %v, want not authentic or malformed", bit, i, err)
			case !matchesSentinel(err):
				t.Fatalf("flip of bit %d at %d: err = %v matches no sentinel", bit, i, err)
			}
		}
	}
}

func TestTruncationsAndExtensions(t *testing.T) {
	k := mustRing(t, sealed.Key{ID: 1, Password: pw1})
	v, err := k.SealString([]byte("payload"), "h3", exp)
	if err != nil {
		t.Fatal(err)
	}
	for n := range len(v) {
		_, _, err := k.OpenString(v[:n], "h3", t0)
		if !errors.Is(err, sealed.ErrMalformed) && !errors.Is(err, sealed.ErrNotAuthentic) {
			t.Errorf("truncated to %d: err = %v, want malformed or not authentic", n, err)
		}
	}
	for _, suffix := range []string{"A", "AA", "AAA", "AAAA", "=", "==", "\n", "\r\n", " "} {
		if _, _, err := k.OpenString(v+suffix, "h3", t0); err == nil {
			t.Errorf("value + %q accepted", suffix)
		}
	}
	// Line breaks inside the value would be skipped by a lenient base64 decoder.
	if _, _, err := k.OpenString(v[:40]+"\n"+v[40:], "h3", t0); !errors.Is(err, sealed.ErrMalformed) {
		t.Errorf("value with an inner newline: err = %v, want malformed", err)
	}
	// Non-canonical last character: set the unused low bits.
	alphabet := "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	last := strings.IndexByte(alphabet, v[len(v)-1])
	for delta := 1; delta < 4; delta++ {
		nc := v[:len(v)-1] + string(alphabet[last|delta])
		if nc == v {
			continue
		}
		if _, _, err := k.OpenString(nc, "h3", t0); err == nil {
			t.Errorf("non-canonical encoding %q accepted", nc[len(nc)-4:])
		}
	}
}

func TestRejections(t *testing.T) {
	k1 := mustRing(t, sealed.Key{ID: 1, Password: pw1})
	v, err := k1.SealString([]byte(`{"user":"ada"}`), "h3", exp)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		ring    *sealed.Keyring
		purpose string
		now     time.Time
		want    error
	}{
		{"wrong password, same id", mustRing(t, sealed.Key{ID: 1, Password: pw2}), "h3", t0, sealed.ErrNotAuthentic},
		{"wrong purpose", k1, "other", t0, sealed.ErrNotAuthentic},
		{"purpose prefix", k1, "h", t0, sealed.ErrNotAuthentic},
		{"unknown key id", mustRing(t, sealed.Key{ID: 2, Password: pw1}), "h3", t0, sealed.ErrUnknownKey},
		{"at expiry", k1, "h3", exp, sealed.ErrExpired},
		{"after expiry", k1, "h3", exp.Add(time.Hour), sealed.ErrExpired},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			pt, _, err := tc.ring.OpenString(v, tc.purpose, tc.now)
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			if pt != nil {
				t.Errorf("plaintext returned with an error: %q", pt)
			}
		})
	}
	if _, _, err := k1.OpenString(v, "h3", exp.Add(-time.Millisecond)); err != nil {
		t.Errorf("one millisecond before expiry: %v", err)
	}
}

func TestErrorsLeakNothing(t *testing.T) {
	secret := []byte("PLAINTEXT-SECRET-do-not-leak")
	k := mustRing(t, sealed.Key{ID: 1, Password: pw1})
	v, _ := k.SealString(secret, "h3", exp)
	var errs []error
	_, _, err := mustRing(t, sealed.Key{ID: 1, Password: pw2}).OpenString(v, "h3", t0)
	errs = append(errs, err)
	_, _, err = k.OpenString(v, "h3", exp)
	errs = append(errs, err)
	_, _, err = k.OpenString(v[:len(v)-3], "h3", t0)
	errs = append(errs, err)
	_, err = sealed.NewKeyring(sealed.Key{ID: 1, Password: "short secret password"})
	errs = append(errs, err)
	_, err = sealed.NewKeyring(sealed.Key{ID: 1, Password: pw1}, sealed.Key{ID: 1, Password: pw2})
	errs = append(errs, err)
	for _, err := range errs {
		if err == nil {
			t.Fatal("expected an error")
		}
		msg := err.Error()
		for _, s := range []string{pw1, pw2, "short secret password", string(secret), v[20:40]} {
			if strings.Contains(msg, s) {
				t.Errorf("error %q contains secret or value material", msg)
			}
		}
	}
	key := sealed.Key{ID: 3, Password: pw1}
	for _, s := range []string{fmt.Sprint(key), fmt.Sprintf("%v", key), fmt.Sprintf("%+v", key), fmt.Sprintf("%#v", key)} {
		if strings.Contains(s, pw1) || !strings.Contains(s, "redacted") {
			t.Errorf("printed key %q leaks its password", s)
		}
	}
}

func TestNewKeyring(t *testing.T) {
	if _, err := sealed.NewKeyring(sealed.Key{ID: 1, Password: strings.Repeat("x", 31)}); !errors.Is(err, sealed.ErrShortPassword) {
		t.Errorf("31-byte password: err = %v, want ErrShortPassword", err)
	}
	if _, err := sealed.NewKeyring(sealed.Key{ID: 1, Password: pw1}, sealed.Key{ID: 2, Password: "x"}); !errors.Is(err, sealed.ErrShortPassword) {
		t.Errorf("short old password: err = %v, want ErrShortPassword", err)
	}
	if _, err := sealed.NewKeyring(sealed.Key{ID: 1, Password: strings.Repeat("x", 32)}); err != nil {
		t.Errorf("32-byte password refused: %v", err)
	}
	if _, err := sealed.NewKeyring(sealed.Key{ID: 4, Password: pw1}, sealed.Key{ID: 4, Password: pw2}); err == nil {
		t.Error("duplicate key ids accepted")
	}
	k := mustRing(t, sealed.Key{ID: 9, Password: pw1}, sealed.Key{ID: 3, Password: pw2})
	if diff := cmp.Diff([]uint8{9, 3}, k.IDs()); diff != "" || k.Current() != 9 {
		t.Errorf("IDs (-want +got):\n%s current %d", diff, k.Current())
	}
	if _, err := k.SealString(nil, "h3", time.Time{}); err == nil {
		t.Error("zero expiry accepted")
	}
	if _, err := k.SealString(nil, "h3", time.Unix(-5, 0)); err == nil {
		t.Error("expiry before 1970 accepted")
	}
}

func TestRotation(t *testing.T) {
	oldKey, newKey := sealed.Key{ID: 1, Password: pw1}, sealed.Key{ID: 2, Password: pw2}
	before := mustRing(t, oldKey)
	during := mustRing(t, newKey, oldKey)
	after := mustRing(t, newKey)

	v1, _ := before.SealString([]byte("old"), "h3", exp)
	pt, info, err := during.OpenString(v1, "h3", t0)
	if err != nil || string(pt) != "old" {
		t.Fatalf("new ring opening an old-key value: %q, %v", pt, err)
	}
	if !info.Stale || info.KeyID != 1 {
		t.Errorf("Info = %+v, want stale, key 1", info)
	}
	v2, _ := during.SealString(pt, "h3", exp)
	if h, _ := sealed.Inspect(v2); h.KeyID != 2 {
		t.Errorf("the rotated ring sealed with key %d, want the current key 2", h.KeyID)
	}
	if _, info, err := during.OpenString(v2, "h3", t0); err != nil || info.Stale {
		t.Errorf("current-key value: stale %v, err %v", info.Stale, err)
	}
	// A server not yet rotated can already open new values once it has the new key as old.
	if _, _, err := mustRing(t, oldKey, newKey).OpenString(v2, "h3", t0); err != nil {
		t.Errorf("staged ring opening a new-key value: %v", err)
	}
	if _, _, err := after.OpenString(v1, "h3", t0); !errors.Is(err, sealed.ErrUnknownKey) {
		t.Errorf("old-key value after removal: err = %v, want ErrUnknownKey", err)
	}
}

func TestAppendPreservesPrefix(t *testing.T) {
	k := mustRing(t, sealed.Key{ID: 1, Password: pw1})
	prefix := []byte("prefix:")
	for _, extra := range []int{0, 8, 4096} { // no spare capacity, too little, plenty
		dst := make([]byte, len(prefix), len(prefix)+extra)
		copy(dst, prefix)
		out, err := k.Seal(dst, []byte("hello"), "h3", exp)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(out, prefix) {
			t.Fatalf("Seal lost the prefix: %q", out[:10])
		}
		v := out[len(prefix):]
		dst2 := make([]byte, len(prefix), len(prefix)+extra)
		copy(dst2, prefix)
		pt, _, err := k.Open(dst2, v, "h3", t0)
		if err != nil {
			t.Fatal(err)
		}
		if string(pt) != "prefix:hello" {
			t.Errorf("Open appended %q, want %q", pt, "prefix:hello")
		}
	}
}

func TestSealPanicsOnOverlap(t *testing.T) {
	k := mustRing(t, sealed.Key{ID: 1, Password: pw1})
	buf := make([]byte, 0, 4096)
	pt := buf[1000:1010]
	defer func() {
		if recover() == nil {
			t.Error("Seal with plaintext inside dst's spare capacity did not panic")
		}
	}()
	k.Seal(buf, pt, "h3", exp)
}

func TestAllocations(t *testing.T) {
	k := mustRing(t, sealed.Key{ID: 1, Password: pw1})
	pt := smallPayload(t)
	v, _ := k.SealString(pt, "h3", exp)
	dst := make([]byte, 0, 4096)
	if n := testing.AllocsPerRun(100, func() { k.SealString(pt, "h3", exp) }); n > 1 {
		t.Errorf("SealString: %v allocations, want ≤ 1", n)
	}
	if n := testing.AllocsPerRun(100, func() { k.Seal(dst[:0], pt, "h3", exp) }); n > 0 {
		t.Errorf("Seal into a large enough buffer: %v allocations, want 0", n)
	}
	if n := testing.AllocsPerRun(100, func() { k.Open(dst[:0], []byte(v), "h3", t0) }); n > 0 {
		t.Errorf("Open into a large enough buffer: %v allocations, want 0", n)
	}
}

func TestConcurrentUse(t *testing.T) {
	k := mustRing(t, sealed.Key{ID: 1, Password: pw1}, sealed.Key{ID: 2, Password: pw2})
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			dst := make([]byte, 0, 512)
			for i := range 200 {
				pt := []byte(fmt.Sprintf("goroutine %d message %d", g, i))
				v, err := k.SealString(pt, "h3", exp)
				if err != nil {
					t.Error(err)
					return
				}
				got, _, err := k.Open(dst[:0], []byte(v), "h3", t0)
				if err != nil || !bytes.Equal(got, pt) {
					t.Errorf("got %q, %v; want %q", got, err, pt)
					return
				}
			}
		}()
	}
	wg.Wait()
}

func TestNoncesDiffer(t *testing.T) {
	k := mustRing(t, sealed.Key{ID: 1, Password: pw1})
	seen := map[string]bool{}
	for range 1000 {
		v, _ := k.SealString([]byte("same"), "h3", exp)
		if seen[v] {
			t.Fatal("two seals of the same plaintext are equal: nonce reuse")
		}
		seen[v] = true
	}
}

func TestInspect(t *testing.T) {
	k := mustRing(t, sealed.Key{ID: 42, Password: pw1})
	v, _ := k.SealString([]byte("x"), "h3", exp)
	h, err := sealed.Inspect(v)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(sealed.Info{KeyID: 42, Expires: exp}, h); diff != "" {
		t.Errorf("Inspect (-want +got):\n%s", diff)
	}
	for _, bad := range []string{"", "Fe26.2**abc", strings.Repeat("A", 100), "B" + v[1:]} {
		if _, err := sealed.Inspect(bad); !errors.Is(err, sealed.ErrMalformed) {
			t.Errorf("Inspect(%.20q): err = %v, want malformed", bad, err)
		}
	}
}

// TestFormatSpec re-implements FORMAT.md with x/crypto directly, independently
// of the package, and checks the golden values against it. If the package and
// the written spec ever disagree, this fails.
func TestFormatSpec(t *testing.T) {
	files, _ := filepath.Glob("../testdata/sealed/*.txt")
	if len(files) == 0 {
		t.Fatal("no golden files")
	}
	for _, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		head, body, _ := strings.Cut(string(data), "\n\n")
		f := map[string]string{}
		for _, line := range strings.Split(head, "\n") {
			k, v, _ := strings.Cut(line, ": ")
			f[k] = v
		}
		id, _ := strconv.Atoi(f["key-id"])
		expiry, _ := strconv.ParseUint(f["expiry"], 10, 64)
		nonce, _ := hex.DecodeString(f["nonce"])
		pt, _ := hex.DecodeString(f["plaintext"])

		info := append([]byte("sealcookie/v1/xchacha20poly1305/key-id:"), byte(id))
		key, err := hkdf.Key(sha256.New, []byte(f["password"]), []byte("sealcookie/v1"), string(info), 32)
		if err != nil {
			t.Fatal(err)
		}
		aead, err := chacha20poly1305.NewX(key)
		if err != nil {
			t.Fatal(err)
		}
		header := []byte{1, byte(id), 0, 0, 0, 0, 0, 0, 0, 0}
		binary.BigEndian.PutUint64(header[2:], expiry)
		aad := append(append([]byte{}, header...), f["purpose"]...)
		raw := append(append(append([]byte{}, header...), nonce...), aead.Seal(nil, nonce, pt, aad)...)
		want := base64.RawURLEncoding.EncodeToString(raw)
		if got := strings.TrimSpace(body); got != want {
			t.Errorf("%s: golden value differs from FORMAT.md's construction", filepath.Base(path))
		}
	}
}
