package attacktest

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sealcookie/sealcookie/cookie"
	"github.com/sealcookie/sealcookie/sealed"
	"github.com/sealcookie/sealcookie/session"
)

const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

var ownKeys = map[uint8]bool{keyID: true}

// TestTamperEveryByte changes every byte of a valid session cookie, one at a
// time. Over the wire, each character is replaced by another base64url
// character and by a cookie-octet outside the alphabet, and each decoded byte
// is flipped; on the Manager, every character and every decoded byte takes
// every other value. No change is ever accepted, and each is refused with the
// sentinel FORMAT.md's order of checks gives.
func TestTamperEveryByte(t *testing.T) {
	rg := newRig(t, rigOptions{})
	v := rg.loginValue(t, "alice")
	raw, err := b64.DecodeString(v)
	if err != nil {
		t.Fatal(err)
	}
	secrets := []string{secretOf("alice")}

	var mutants []string
	for i := range len(v) {
		next := alphabet[(strings.IndexByte(alphabet, v[i])+1)%len(alphabet)]
		mutants = append(mutants, v[:i]+string(next)+v[i+1:], v[:i]+"."+v[i+1:])
	}
	for j := range raw {
		r := append([]byte(nil), raw...)
		r[j] ^= 0x01
		mutants = append(mutants, b64.EncodeToString(r))
	}

	t.Run("wire", func(t *testing.T) {
		counts := map[string]int{}
		for n, mut := range mutants {
			want := openOracle(mut, ownKeys, rg.clk.Now().Add(-skew))
			counts[want.Error()]++
			res := rg.do(t, request{Path: "/whoami", Cookie: []string{sidName + "=" + mut}})
			wantFresh(t, res)
			if diff := cmp.Diff([]string{sidName + ":delete"}, res.setCookies()); diff != "" {
				t.Errorf("mutant %d: Set-Cookie (-want +got):\n%s", n, diff)
			}
			res.noLeak(t, secrets...)
			rg.wantErrs(t, sidName, want)
			if t.Failed() {
				t.Fatalf("mutant %d of %d failed; stopping", n, len(mutants))
			}
		}
		t.Logf("%d tampered cookies refused over the wire: %v", len(mutants), counts)
	})

	t.Run("every route", func(t *testing.T) {
		// A few mutants against the guard, the endpoint and the proxy too.
		for _, mut := range []string{mutants[0], mutants[41], mutants[len(mutants)/2], mutants[len(mutants)-1]} {
			c := []string{sidName + "=" + mut}
			res := rg.do(t, request{Path: "/api/auth/session", Cookie: c})
			if res.Status != http.StatusOK || res.Body != "null\n" {
				t.Errorf("endpoint: %d %q, want 200 null", res.Status, res.Body)
			}
			res = rg.do(t, request{Path: "/account", Cookie: c})
			if res.Status != http.StatusSeeOther || res.Header.Get("Location") != "/auth/login?redirectTo=%2Faccount" {
				t.Errorf("guard: %d to %q, want 303 to the login page", res.Status, res.Header.Get("Location"))
			}
			res = rg.do(t, request{Path: "/app/echo", Cookie: c})
			if got := identity(t, res); len(got) != 0 {
				t.Errorf("proxy: the upstream got identity %v for a tampered cookie", got)
			}
			if got := res.setCookies(); len(got) != 0 {
				t.Errorf("proxy: Set-Cookie %v, want none (the proxy never writes)", got)
			}
			res.noLeak(t, secrets...)
			rg.errs.Take()
		}
	})

	t.Run("manager", func(t *testing.T) {
		now := rg.clk.Now().Add(-skew)
		n := 0
		check := func(mut string) {
			n++
			e, err := rg.m.Decode(t.Context(), mut)
			if err == nil {
				t.Fatalf("a tampered value was accepted: %+v", e.Data)
			}
			if want := openOracle(mut, ownKeys, now); !errors.Is(err, want) {
				t.Fatalf("tampered value: %v, want %v", err, want)
			}
		}
		b := []byte(v)
		for i := range b {
			orig := b[i]
			for c := range 256 {
				if byte(c) != orig {
					b[i] = byte(c)
					check(string(b))
				}
			}
			b[i] = orig
		}
		r := append([]byte(nil), raw...)
		for j := range r {
			orig := r[j]
			for c := range 256 {
				if byte(c) != orig {
					r[j] = byte(c)
					check(b64.EncodeToString(r))
				}
			}
			r[j] = orig
		}
		if _, err := rg.m.Decode(t.Context(), v); err != nil {
			t.Fatalf("the untouched value: %v", err)
		}
		t.Logf("%d single-byte changes refused by Manager.Decode", n)
	})
}

// TestPurposeBinding replays a value sealed for one cookie name under another.
func TestPurposeBinding(t *testing.T) {
	rg := newRig(t, rigOptions{})
	sid := rg.loginValue(t, "alice")
	res := rg.do(t, request{Method: http.MethodPost, Path: "/cart"})
	cart := res.cookie(cartName)
	if cart == "" {
		t.Fatal("no cart cookie")
	}
	secrets := []string{secretOf("alice")}

	t.Run("sid as cart cookie", func(t *testing.T) {
		res := rg.do(t, request{Path: "/cart", Cookie: []string{cartName + "=" + sid}})
		wantFresh(t, res)
		if diff := cmp.Diff([]string{cartName + ":delete"}, res.setCookies()); diff != "" {
			t.Errorf("Set-Cookie (-want +got):\n%s", diff)
		}
		res.noLeak(t, secrets...)
		rg.wantErrs(t, cartName, sealed.ErrNotAuthentic)
	})
	t.Run("sid as cart header", func(t *testing.T) {
		res := rg.do(t, request{Path: "/cart", Header: [][2]string{{cartHeader, sid}}})
		wantFresh(t, res)
		if got := res.setCookies(); len(got) != 0 {
			t.Errorf("Set-Cookie %v, want none", got)
		}
		res.noLeak(t, secrets...)
		rg.wantErrs(t, cartName, sealed.ErrNotAuthentic)
	})
	t.Run("cart as sid cookie", func(t *testing.T) {
		res := rg.do(t, request{Path: "/whoami", Cookie: []string{sidName + "=" + cart}})
		wantFresh(t, res)
		if diff := cmp.Diff([]string{sidName + ":delete"}, res.setCookies()); diff != "" {
			t.Errorf("Set-Cookie (-want +got):\n%s", diff)
		}
		rg.wantErrs(t, sidName, sealed.ErrNotAuthentic)
	})
	t.Run("name in another case is another cookie", func(t *testing.T) {
		res := rg.do(t, request{Path: "/whoami", Cookie: []string{"__host-sid=" + sid}})
		wantFresh(t, res)
		if got := res.setCookies(); len(got) != 0 {
			t.Errorf("Set-Cookie %v, want none", got)
		}
		res.noLeak(t, secrets...)
		rg.wantErrs(t, sidName)
	})
	t.Run("controls", func(t *testing.T) {
		if v := rg.do(t, request{Path: "/cart", Cookie: []string{cartName + "=" + cart}}).view(t); v.New || v.Data.Count != 1 {
			t.Errorf("the cart under its own name: %+v, want count 1", v)
		}
		if v := rg.do(t, request{Path: "/whoami", Cookie: []string{sidName + "=" + sid}}).view(t); v.New || v.Data.User != "alice" {
			t.Errorf("the sid under its own name: %+v, want alice", v)
		}
		rg.wantErrs(t, sidName)
	})
}

// TestRemovedKey presents values sealed with a key the server no longer holds.
func TestRemovedKey(t *testing.T) {
	rg := newRig(t, rigOptions{})
	seal := func(k ...sealed.Key) string {
		m, err := session.New(session.Config[Account]{Name: sidName, Keys: k, MaxAge: maxAge, IdleTimeout: idle, Clock: rg.clk.Now})
		if err != nil {
			t.Fatal(err)
		}
		v, err := m.Encode(session.Envelope[Account]{Data: Account{User: "alice", Secret: secretOf("alice")}})
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	retired := sealed.Key{ID: 9, Password: "a retired password, at least 32 bytes"}
	for _, tc := range []struct {
		name  string
		value string
		want  error
	}{
		{"removed key id", seal(retired), sealed.ErrUnknownKey},
		{"same key id, another password", seal(sealed.Key{ID: keyID, Password: "another password of at least 32 bytes"}), sealed.ErrNotAuthentic},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := rg.do(t, request{Path: "/whoami", Cookie: []string{sidName + "=" + tc.value}})
			wantFresh(t, res)
			if diff := cmp.Diff([]string{sidName + ":delete"}, res.setCookies()); diff != "" {
				t.Errorf("Set-Cookie (-want +got):\n%s", diff)
			}
			res.noLeak(t, secretOf("alice"))
			rg.wantErrs(t, sidName, tc.want)
		})
	}
	t.Run("control: accepted while the key is still held", func(t *testing.T) {
		m, err := session.New(session.Config[Account]{Name: sidName, Keys: []sealed.Key{keys[0], retired}, MaxAge: maxAge, IdleTimeout: idle, Clock: rg.clk.Now})
		if err != nil {
			t.Fatal(err)
		}
		if e, err := m.Decode(t.Context(), seal(retired)); err != nil || e.Data.User != "alice" {
			t.Errorf("a keyring still holding key 9: %v, %+v", err, e)
		}
	})
}

// TestExpiry presents idle and expired sessions, driving the servers' clock.
func TestExpiry(t *testing.T) {
	rg := newRig(t, rigOptions{})

	t.Run("idle", func(t *testing.T) {
		v := rg.loginValue(t, "alice")
		// The seal expires with the idle window (lastSeenAt + IdleTimeout),
		// and the clock skew tolerance applies to it.
		rg.clk.Advance(idle + skew - time.Millisecond)
		res := rg.do(t, request{Path: "/whoami", Cookie: []string{sidName + "=" + v}})
		if got := res.view(t); got.New || got.Data.User != "alice" {
			t.Fatalf("a millisecond before the idle limit: %+v, want alice", got)
		}
		if diff := cmp.Diff([]string{sidName + ":set"}, res.setCookies()); diff != "" {
			t.Errorf("the read past RefreshAfter re-seals (-want +got):\n%s", diff)
		}
		rg.clk.Advance(time.Millisecond)
		res = rg.do(t, request{Path: "/whoami", Cookie: []string{sidName + "=" + v}})
		wantFresh(t, res)
		if diff := cmp.Diff([]string{sidName + ":delete"}, res.setCookies()); diff != "" {
			t.Errorf("Set-Cookie (-want +got):\n%s", diff)
		}
		res.noLeak(t, secretOf("alice"))
		rg.wantErrs(t, sidName, sealed.ErrExpired)
	})

	t.Run("max age, kept active", func(t *testing.T) {
		c := rg.login(t, "bob")
		start := rg.clk.Now()
		first := rg.do(t, request{Path: "/whoami", Cookie: c}).view(t)
		for step := 1; ; step++ {
			rg.clk.Advance(20 * time.Minute)
			res := rg.do(t, request{Path: "/whoami", Cookie: c})
			elapsed := rg.clk.Now().Sub(start)
			if elapsed < maxAge+skew {
				got := res.view(t)
				if got.New || got.ID != first.ID || got.Data.User != "bob" {
					t.Fatalf("after %v of activity: %+v, want bob's session", elapsed, got)
				}
				c = res.cookies() // re-sealed: each read is past RefreshAfter
				if len(c) != 1 {
					t.Fatalf("after %v: Set-Cookie %v, want the re-sealed session", elapsed, res.setCookies())
				}
				rg.wantErrs(t, sidName)
				continue
			}
			// Sliding the idle window never extends MaxAge: the seal of
			// every refresh expired at createdAt + MaxAge.
			wantFresh(t, res)
			if diff := cmp.Diff([]string{sidName + ":delete"}, res.setCookies()); diff != "" {
				t.Errorf("Set-Cookie (-want +got):\n%s", diff)
			}
			rg.wantErrs(t, sidName, sealed.ErrExpired)
			if step != 7 {
				t.Errorf("expired at step %d (%v), want step 7 (140m: MaxAge 2h plus the skew)", step, elapsed)
			}
			break
		}
	})

	// A seal that outlives its envelope's limits (a server whose MaxAge was
	// longer, say): the envelope rules still apply on every read.
	now := rg.clk.Now()
	for _, tc := range []struct {
		name              string
		created, lastSeen time.Time
		want              error
	}{
		{"envelope past max age", now.Add(-maxAge - skew), now, session.ErrExpired},
		{"envelope past idle timeout", now.Add(-time.Hour), now.Add(-idle - skew), session.ErrIdle},
		{"envelope created in the future", now.Add(skew + time.Millisecond), now.Add(skew + time.Millisecond), session.ErrInvalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := sealRaw(t, envelope("old-1", tc.created, tc.lastSeen, `{"user":"carol","secret":"s3cr3t:carol"}`), now)
			res := rg.do(t, request{Path: "/whoami", Cookie: []string{sidName + "=" + v}})
			wantFresh(t, res)
			if diff := cmp.Diff([]string{sidName + ":delete"}, res.setCookies()); diff != "" {
				t.Errorf("Set-Cookie (-want +got):\n%s", diff)
			}
			res.noLeak(t, secretOf("carol"))
			rg.wantErrs(t, sidName, tc.want)
		})
	}
}

// TestHeaderPrecedence sends a session header beside a valid cookie. The
// documented rule is that a non-empty header wins: a garbage header gives a
// fresh session, not the cookie's, and never a mix of the two.
func TestHeaderPrecedence(t *testing.T) {
	rg := newRig(t, rigOptions{})
	alice := rg.login(t, "alice")
	aliceID := rg.do(t, request{Path: "/whoami", Cookie: alice}).view(t).ID
	mallory := rg.loginValue(t, "mallory")
	secrets := []string{secretOf("alice"), aliceID}

	for name, garbage := range map[string]string{
		"word": "garbage", "base64-like": strings.Repeat("A", 300), "percent-encoded": "%00%ff", "chunk marker": "__chunked__3",
	} {
		t.Run("garbage header/"+name, func(t *testing.T) {
			res := rg.do(t, request{Path: "/whoami", Cookie: alice, Header: [][2]string{{sidHeader, garbage}}})
			wantFresh(t, res)
			if got := res.setCookies(); len(got) != 0 {
				t.Errorf("Set-Cookie %v, want none: the rejected value was the header's", got)
			}
			if _, ok := res.Header[sidHeader]; ok {
				t.Errorf("the answer carries a %s header", sidHeader)
			}
			res.noLeak(t, secrets...)
			rg.wantErrs(t, sidName, sealed.ErrMalformed)
		})
	}
	t.Run("garbage header on the guard and the endpoint", func(t *testing.T) {
		h := [][2]string{{sidHeader, "garbage"}}
		res := rg.do(t, request{Path: "/account", Cookie: alice, Header: h})
		if res.Status != http.StatusSeeOther {
			t.Errorf("guard: status %d, want 303 (the header's fresh session is not signed in)", res.Status)
		}
		res.noLeak(t, secrets...)
		res = rg.do(t, request{Path: "/api/auth/session", Cookie: alice, Header: h})
		if res.Body != "null\n" {
			t.Errorf("endpoint: %q, want null", res.Body)
		}
		rg.wantErrs(t, sidName, sealed.ErrMalformed, sealed.ErrMalformed)
	})
	t.Run("another user's valid header", func(t *testing.T) {
		res := rg.do(t, request{Path: "/whoami", Cookie: alice, Header: [][2]string{{sidHeader, mallory}}})
		got := res.view(t)
		if got.New || got.Data.User != "mallory" {
			t.Errorf("%+v, want mallory's session from the header", got)
		}
		res.noLeak(t, secrets...)
		rg.wantErrs(t, sidName)
	})
	t.Run("empty header falls back to the cookie", func(t *testing.T) {
		got := rg.do(t, request{Path: "/whoami", Cookie: alice, Header: [][2]string{{sidHeader, ""}}}).view(t)
		if got.New || got.Data.User != "alice" {
			t.Errorf("%+v, want alice's session from the cookie", got)
		}
		rg.wantErrs(t, sidName)
	})
	t.Run("a write after a garbage header seals a new session", func(t *testing.T) {
		// The fresh session the header gave is what the handler changes;
		// the new value goes back in the header only (a header client keeps
		// its session itself), and alice's cookie is left alone.
		res := rg.do(t, request{Method: http.MethodPost, Path: "/count", Cookie: alice, Header: [][2]string{{sidHeader, "garbage"}}})
		got := res.view(t)
		if !got.New || got.Data.Count != 1 || got.Data.User != "" {
			t.Errorf("%+v, want a fresh session counting 1", got)
		}
		if sc := res.setCookies(); len(sc) != 0 {
			t.Errorf("Set-Cookie %v, want none for a session from the header", sc)
		}
		res.noLeak(t, secrets...)
		rg.wantErrs(t, sidName, sealed.ErrMalformed)
		next := rg.do(t, request{Path: "/whoami", Cookie: alice, Header: [][2]string{{sidHeader, res.Header.Get(sidHeader)}}}).view(t)
		if next.New || next.Data.Count != 1 || next.Data.User != "" {
			t.Errorf("the %s answer header is not the new session's value: it reads %+v", sidHeader, next)
		}
		rg.wantErrs(t, sidName)
	})
}

// TestOversizedValues sends megabyte cookies and headers. net/http reads
// request headers up to DefaultMaxHeaderBytes (1 MiB) plus 4096 bytes of
// slack, so a 1 MiB value reaches the session code, which must refuse it by
// its length before decoding anything; 2 MiB is refused by net/http with 431.
func TestOversizedValues(t *testing.T) {
	rg := newRig(t, rigOptions{})
	mib := strings.Repeat("A", 1<<20)

	for _, tc := range []struct {
		name   string
		q      request
		source string
		sets   []string
		want   error
	}{
		{"1 MiB cookie", request{Path: "/whoami", Cookie: []string{sidName + "=" + mib}}, "cookie", []string{sidName + ":delete"}, cookie.ErrTooLarge},
		{"1 MiB header", request{Path: "/whoami", Header: [][2]string{{sidHeader, mib}}}, "header", nil, sealed.ErrTooLarge},
		{"1 MiB chunk", request{Path: "/whoami", Cookie: []string{sidName + "=__chunked__1", sidName + ".1=" + mib}}, "cookie", deletions(sidName, 1), cookie.ErrTooLarge},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			res := rg.do(t, tc.q)
			runtime.ReadMemStats(&after)
			wantFresh(t, res)
			if diff := cmp.Diff(tc.sets, res.setCookies()); diff != "" {
				t.Errorf("Set-Cookie (-want +got):\n%s", diff)
			}
			rg.wantErrs(t, sidName, tc.want)
			// Client and server together: the request is built, written,
			// read and parsed by net/http (a few copies of 1 MiB). Decoding it
			// would add more; the Manager check below is the precise one.
			alloc := after.TotalAlloc - before.TotalAlloc
			t.Logf("%s: %v, %.1f MiB allocated in the process for the round trip", tc.name, res.Elapsed.Round(time.Millisecond), float64(alloc)/(1<<20))
			if alloc > 24<<20 {
				t.Errorf("the round trip allocated %d bytes, want under 24 MiB", alloc)
			}
		})
	}

	t.Run("refused by length before decoding", func(t *testing.T) {
		for name, r := range map[string]*http.Request{
			"cookie": func() *http.Request {
				r := httptest.NewRequest(http.MethodGet, "/", nil)
				r.Header.Set("Cookie", sidName+"="+mib)
				return r
			}(),
			"header": func() *http.Request {
				r := httptest.NewRequest(http.MethodGet, "/", nil)
				r.Header.Set(sidHeader, mib)
				return r
			}(),
		} {
			const runs = 10
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			for range runs {
				if s := rg.m.Get(r); !s.IsNew() {
					t.Fatalf("%s: a 1 MiB value was accepted", name)
				}
			}
			runtime.ReadMemStats(&after)
			per := (after.TotalAlloc - before.TotalAlloc) / runs
			t.Logf("Manager.Get on a 1 MiB %s: %d bytes allocated", name, per)
			if per > 16<<10 {
				t.Errorf("Manager.Get on a 1 MiB %s allocated %d bytes, want under 16 KiB: it must refuse by length, not decode", name, per)
			}
			rg.errs.Take()
		}
	})

	t.Run("2 MiB cookie and header: 431 from net/http", func(t *testing.T) {
		two := strings.Repeat("A", 2<<20)
		for _, q := range []request{
			{Path: "/whoami", Cookie: []string{sidName + "=" + two}},
			{Path: "/whoami", Header: [][2]string{{sidHeader, two}}},
		} {
			reached := rg.reached.Load()
			res := rg.do(t, q)
			if res.Status != http.StatusRequestHeaderFieldsTooLarge {
				t.Errorf("status %d, want 431", res.Status)
			}
			if rg.reached.Load() != reached {
				t.Error("the request reached the handler")
			}
			rg.wantErrs(t, sidName)
		}
	})

	t.Run("oversized update", func(t *testing.T) {
		// 40 000 bytes of note cannot fit in 8 chunks of 4000: Update
		// refuses it, the handler answers 413, and nothing is written.
		c := rg.login(t, "alice")
		res := rg.do(t, request{Method: http.MethodPost, Path: "/profile?note=" + strings.Repeat("x", 40000), Cookie: c})
		if res.Status != http.StatusRequestEntityTooLarge {
			t.Errorf("status %d, want 413", res.Status)
		}
		if got := res.setCookies(); len(got) != 0 {
			t.Errorf("Set-Cookie %v, want none", got)
		}
		if got := rg.do(t, request{Path: "/whoami", Cookie: c}).view(t); got.Data.Note != "" || got.Data.User != "alice" {
			t.Errorf("after the refused update: %+v, want alice unchanged", got.Data)
		}
		rg.wantErrs(t, sidName)
	})
}

// TestChunkAttacks sends hostile chunked cookies: 200 chunks, and chunk counts
// that are negative, huge, non-numeric or do not match the chunks sent.
func TestChunkAttacks(t *testing.T) {
	rg := newRig(t, rigOptions{})
	alice := rg.loginChunked(t, "alice")
	secrets := []string{secretOf("alice")}

	t.Run("control", func(t *testing.T) {
		got := rg.do(t, request{Path: "/whoami", Cookie: alice}).view(t)
		if got.New || got.Data.User != "alice" {
			t.Fatalf("alice's own three chunks: %+v", got)
		}
		rg.wantErrs(t, sidName)
	})

	many := func(main string, n, size int, prefix []string) []string {
		c := append([]string{sidName + "=" + main}, prefix...)
		for i := len(prefix) + 1; i <= n; i++ {
			c = append(c, fmt.Sprintf("%s.%d=%s", sidName, i, strings.Repeat("A", size)))
		}
		return c
	}
	for _, tc := range []struct {
		name    string
		cookies []string
		err     error
	}{
		{"200 full chunks, count 200", many("__chunked__200", 200, 4000, nil), cookie.ErrChunks},
		// Chunks past the count are ignored (overlapping responses leave
		// them; h3 ignores them too): chunks 1–8 are read and do not open.
		{"200 small chunks, count 8", many("__chunked__8", 200, 10, nil), sealed.ErrMalformed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := rg.do(t, request{Path: "/whoami", Cookie: tc.cookies})
			wantFresh(t, res)
			// Deletion looks at most MaxChunksLimit (64) chunks far: chunks
			// 65 and up, which no server ever set, are left to expire.
			if diff := cmp.Diff(deletions(sidName, cookie.MaxChunksLimit), res.setCookies()); diff != "" {
				t.Errorf("Set-Cookie (-want +got):\n%s", diff)
			}
			res.noLeak(t, secrets...)
			rg.wantErrs(t, sidName, tc.err)
		})
	}

	// Alice's own three chunks, with 197 more past the count: what a browser
	// holds after overlapping responses, at worst. The request carries
	// alice's whole valid cookie and nothing of another session, so her
	// session is read, as h3 reads it; the next save deletes every stale
	// chunk up to MaxChunksLimit.
	t.Run("alice's 3 chunks and 197 more", func(t *testing.T) {
		c := many("__chunked__3", 200, 10, alice[1:])
		res := rg.do(t, request{Path: "/whoami", Cookie: c})
		if got := res.view(t); got.New || got.Data.User != "alice" {
			t.Fatalf("alice's chunks beside stale ones: %+v", got)
		}
		if sets := res.setCookies(); len(sets) != 0 {
			t.Errorf("a read wrote %v", sets)
		}
		rg.wantErrs(t, sidName)
		res = rg.do(t, request{Method: http.MethodPost, Path: "/count", Cookie: c})
		want := append([]string{sidName + ":set", sidName + ".1:set", sidName + ".2:set", sidName + ".3:set"},
			deletions(sidName, cookie.MaxChunksLimit)[4:]...) // name.4 … name.64
		if diff := cmp.Diff(want, res.setCookies()); diff != "" {
			t.Errorf("the save after it (-want +got):\n%s", diff)
		}
		rg.wantErrs(t, sidName)
	})

	for _, count := range []string{
		"-1", "-3", "0", "", "abc", "3abc", "03", "+3", "0x3", "3.0", "3e0", "%33",
		"99999999999999999999", "9223372036854775811", "4294967299", "2", "4", "8", "9", "64", "65",
	} {
		t.Run("__chunked__"+count, func(t *testing.T) {
			c := append([]string{sidName + "=__chunked__" + count}, alice[1:]...)
			res := rg.do(t, request{Path: "/whoami", Cookie: c})
			wantFresh(t, res)
			if diff := cmp.Diff(deletions(sidName, 3), res.setCookies()); diff != "" {
				t.Errorf("Set-Cookie (-want +got):\n%s", diff)
			}
			res.noLeak(t, secrets...)
			want := error(cookie.ErrChunks)
			if count == "2" { // chunks 1–2 of alice's 3 are read (chunk 3 is past the count): a truncated seal
				want = sealed.ErrNotAuthentic
			}
			rg.wantErrs(t, sidName, want)
		})
	}
}

// TestDuplicateCookieNames sends the session cookie (or a chunk) twice. The
// first occurrence wins, as net/http's Request.Cookie does; the cookie
// package documents that this order is no authentication (cookie tossing),
// so the only promise is that each value authenticates itself: never a mix.
func TestDuplicateCookieNames(t *testing.T) {
	rg := newRig(t, rigOptions{})
	alice := rg.loginValue(t, "alice")
	mallory := rg.loginValue(t, "mallory")
	aliceChunks := rg.loginChunked(t, "alice")
	malloryChunks := rg.loginChunked(t, "mallory")
	garbageChunk := sidName + ".2=" + strings.Repeat("A", 4000)
	secrets := []string{secretOf("alice")}

	for _, tc := range []struct {
		name    string
		cookies []string
		user    string // "" for a fresh session
		sets    []string
		want    []error
	}{
		{"garbage first", []string{sidName + "=garbage", sidName + "=" + alice}, "", []string{sidName + ":delete"}, []error{sealed.ErrMalformed}},
		{"another user's valid value first", []string{sidName + "=" + mallory, sidName + "=" + alice}, "mallory", nil, nil},
		{"own value first", []string{sidName + "=" + alice, sidName + "=garbage"}, "alice", nil, nil},
		{"garbage chunk first", []string{aliceChunks[0], aliceChunks[1], garbageChunk, aliceChunks[2], aliceChunks[3]}, "", deletions(sidName, 3), []error{sealed.ErrNotAuthentic}},
		{"garbage chunk second", []string{aliceChunks[0], aliceChunks[1], aliceChunks[2], garbageChunk, aliceChunks[3]}, "alice", nil, nil},
		{"another user's chunk first", []string{aliceChunks[0], aliceChunks[1], malloryChunks[2], aliceChunks[2], aliceChunks[3]}, "", deletions(sidName, 3), []error{sealed.ErrNotAuthentic}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := rg.do(t, request{Path: "/whoami", Cookie: tc.cookies})
			if tc.user == "" {
				wantFresh(t, res)
			} else if got := res.view(t); got.New || got.Data.User != tc.user {
				t.Errorf("%+v, want %s's session", got, tc.user)
			}
			if diff := cmp.Diff(tc.sets, res.setCookies()); diff != "" {
				t.Errorf("Set-Cookie (-want +got):\n%s", diff)
			}
			if tc.user != "alice" {
				res.noLeak(t, secrets...)
			}
			rg.wantErrs(t, sidName, tc.want...)
		})
	}
}

// TestBadBytes sends NUL bytes and invalid UTF-8 in cookies, headers and
// session data.
func TestBadBytes(t *testing.T) {
	rg := newRig(t, rigOptions{})
	alice := rg.loginValue(t, "alice")

	t.Run("NUL on the wire", func(t *testing.T) {
		for _, line := range []string{
			"Cookie: " + sidName + "=" + alice[:20] + "\x00" + alice[20:],
			sidHeader + ": " + alice[:20] + "\x00" + alice[20:],
		} {
			reached := rg.reached.Load()
			res := rg.raw(t, rawGet("/whoami", line))
			if res.Status != http.StatusBadRequest {
				t.Errorf("status %d, want 400 from net/http", res.Status)
			}
			if rg.reached.Load() != reached {
				t.Error("a header with a NUL byte reached the handler")
			}
			rg.wantErrs(t, sidName)
		}
	})
	t.Run("invalid UTF-8 in the cookie", func(t *testing.T) {
		// net/http drops a cookie whose value has bytes outside RFC 6265's
		// cookie-octets: to the session, there is no cookie.
		res := rg.do(t, request{Path: "/whoami", Cookie: []string{sidName + "=" + alice[:20] + "\xff\xfe" + alice[20:]}})
		wantFresh(t, res)
		if got := res.setCookies(); len(got) != 0 {
			t.Errorf("Set-Cookie %v, want none", got)
		}
		res.noLeak(t, secretOf("alice"))
		rg.wantErrs(t, sidName)
	})
	t.Run("invalid UTF-8 in the session header", func(t *testing.T) {
		res := rg.do(t, request{Path: "/whoami", Header: [][2]string{{sidHeader, alice[:20] + "\xff\xfe" + alice[20:]}}})
		wantFresh(t, res)
		if got := res.setCookies(); len(got) != 0 {
			t.Errorf("Set-Cookie %v, want none", got)
		}
		rg.wantErrs(t, sidName, sealed.ErrMalformed)
	})
	t.Run("NUL and invalid UTF-8 in the data", func(t *testing.T) {
		// The application stores what a client typed. encoding/json keeps the
		// NUL (as \u0000) and replaces invalid UTF-8 with U+FFFD; a proxy
		// identity header that would carry the NUL is left out.
		c := rg.login(t, "alice")
		for _, tc := range []struct {
			query, stored string
			header        []string // X-User-Note at the upstream
		}{
			{"a%00b%FFc", "a\x00b\ufffdc", nil},
			{"b%FFc", "b\ufffdc", []string{"b\ufffdc"}},
			{"%0D%0AX-Admin:%201", "\r\nX-Admin: 1", nil},
		} {
			res := rg.do(t, request{Method: http.MethodPost, Path: "/profile?note=" + tc.query, Cookie: c})
			cs := res.cookies()
			if len(cs) != 1 {
				t.Fatalf("note %q: Set-Cookie %v", tc.query, res.setCookies())
			}
			if got := rg.do(t, request{Path: "/whoami", Cookie: cs}).view(t); got.Data.Note != tc.stored || got.Data.User != "alice" {
				t.Errorf("note %q read back as %q, want %q", tc.query, got.Data.Note, tc.stored)
			}
			id := identity(t, rg.do(t, request{Path: "/app/echo", Cookie: cs}))
			if diff := cmp.Diff(tc.header, id["x-user-note"]); diff != "" {
				t.Errorf("note %q: X-User-Note at the upstream (-want +got):\n%s", tc.query, diff)
			}
			if _, ok := id["x-admin"]; ok {
				t.Errorf("note %q injected an X-Admin header", tc.query)
			}
		}
		rg.wantErrs(t, sidName)
	})
	t.Run("raw bytes inside a seal", func(t *testing.T) {
		now := rg.clk.Now()
		nul := sealRaw(t, envelope("raw-nul", now, now, "{\"user\":\"mallory\",\"note\":\"a\x00b\"}"), now)
		res := rg.do(t, request{Path: "/whoami", Header: [][2]string{{sidHeader, nul}}})
		wantFresh(t, res)
		rg.wantErrs(t, sidName, session.ErrInvalid)

		bad := sealRaw(t, envelope("raw-utf8", now, now, "{\"user\":\"mallory\",\"note\":\"a\xffb\"}"), now)
		got := rg.do(t, request{Path: "/whoami", Header: [][2]string{{sidHeader, bad}}}).view(t)
		if got.New || got.Data.Note != "a\ufffdb" {
			t.Errorf("a seal holding invalid UTF-8: %+v, want it read with U+FFFD", got)
		}
		rg.wantErrs(t, sidName)
	})
}

// TestJSONBombs seals hostile JSON with the server's own key: a document
// nested 10 000 deep (which fits in the size cap) and a 1e6-element array
// (which does not).
func TestJSONBombs(t *testing.T) {
	rg := newRig(t, rigOptions{})
	now := rg.clk.Now()

	t.Run("nested 10 000 deep", func(t *testing.T) {
		deep := strings.Repeat("[", 10000) + strings.Repeat("]", 10000)
		pt := envelope("deep-1", now, now, `{"user":"mallory","blob":`+deep+`}`)
		var anything any
		if err := json.Unmarshal([]byte(pt), &anything); err == nil || !strings.Contains(err.Error(), "exceeded max depth") {
			t.Fatalf("encoding/json on the plaintext: %v, want its depth limit", err)
		}
		v := sealRaw(t, pt, now)
		if len(v) > cookie.DefaultMaxChunks*cookie.ChunkSize {
			t.Fatalf("the sealed bomb is %d characters, over the %d cap: it would not reach the decoder", len(v), cookie.DefaultMaxChunks*cookie.ChunkSize)
		}
		start := time.Now()
		_, err := rg.m.Decode(t.Context(), v)
		took := time.Since(start)
		if !errors.Is(err, session.ErrInvalid) {
			t.Errorf("Decode: %v, want ErrInvalid", err)
		}
		t.Logf("Manager.Decode refused %d characters nested 10 000 deep in %v", len(v), took)
		if took > 500*time.Millisecond {
			t.Errorf("Decode took %v, want it refused quickly", took)
		}

		res := rg.do(t, request{Path: "/whoami", Header: [][2]string{{sidHeader, v}}})
		wantFresh(t, res)
		rg.wantErrs(t, sidName, session.ErrInvalid)

		c := chunks(sidName, v)
		res = rg.do(t, request{Path: "/whoami", Cookie: c})
		wantFresh(t, res)
		if diff := cmp.Diff(deletions(sidName, len(c)-1), res.setCookies()); diff != "" {
			t.Errorf("Set-Cookie (-want +got):\n%s", diff)
		}
		rg.wantErrs(t, sidName, session.ErrInvalid)
	})

	t.Run("1e6-element array", func(t *testing.T) {
		arr := "[" + strings.Repeat("0,", 999_999) + "0]"
		pt := envelope("wide-1", now, now, `{"user":"mallory","blob":`+arr+`}`)
		ring, err := sealed.NewKeyring(keys[0])
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ring.SealString([]byte(pt), sidName, now.Add(time.Hour)); !errors.Is(err, sealed.ErrTooLarge) {
			t.Errorf("sealing %d bytes: %v, want sealed.ErrTooLarge", len(pt), err)
		}
		if _, err := rg.m.Encode(session.Envelope[Account]{Data: Account{Blob: arr}}); !errors.Is(err, session.ErrTooLarge) {
			t.Errorf("Manager.Encode of a 2 MB blob: %v, want session.ErrTooLarge", err)
		}

		// Hand-built: a well-formed header (version 1, our key id, a future
		// expiry) before the plaintext and a made-up nonce and tag. Its length
		// alone must refuse it, before any decoding.
		raw := make([]byte, sealed.HeaderSize+sealed.NonceSize, sealed.HeaderSize+sealed.NonceSize+len(pt)+sealed.TagSize)
		raw[0], raw[1] = sealed.Version, keyID
		binary.BigEndian.PutUint64(raw[2:], uint64(now.Add(time.Hour).UnixMilli()))
		raw = append(raw, pt...)
		raw = append(raw, make([]byte, sealed.TagSize)...)
		huge := base64.RawURLEncoding.EncodeToString(raw)

		const runs = 10
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		start := time.Now()
		for range runs {
			if _, err := rg.m.Decode(t.Context(), huge); !errors.Is(err, sealed.ErrTooLarge) {
				t.Fatalf("Decode of %d characters: %v, want sealed.ErrTooLarge", len(huge), err)
			}
		}
		took := time.Since(start) / runs
		runtime.ReadMemStats(&after)
		per := (after.TotalAlloc - before.TotalAlloc) / runs
		t.Logf("Manager.Decode refused %d characters in %v, allocating %d bytes", len(huge), took, per)
		if per > 4<<10 {
			t.Errorf("Decode allocated %d bytes, want under 4 KiB: the length must refuse it before decoding", per)
		}

		reached := rg.reached.Load()
		if res := rg.do(t, request{Path: "/whoami", Header: [][2]string{{sidHeader, huge}}}); res.Status != http.StatusRequestHeaderFieldsTooLarge {
			t.Errorf("the whole value as a header: status %d, want 431", res.Status)
		}
		if rg.reached.Load() != reached {
			t.Error("a 2.7 MB header reached the handler")
		}
		res := rg.do(t, request{Path: "/whoami", Header: [][2]string{{sidHeader, huge[:1<<20]}}})
		wantFresh(t, res)
		rg.wantErrs(t, sidName, sealed.ErrTooLarge)
	})
}

// identity returns the identity headers the upstream got, by the name the
// laxest upstream would read them under (lower case, '_' as '-').
func identity(t *testing.T, res result) map[string][]string {
	t.Helper()
	if res.Status != http.StatusOK {
		t.Fatalf("proxy: status %d: %s", res.Status, clip(res.Body))
	}
	var e echo
	if err := json.Unmarshal([]byte(res.Body), &e); err != nil {
		t.Fatalf("proxy: the upstream's answer %q: %v", clip(res.Body), err)
	}
	out := map[string][]string{}
	for k, v := range e.Headers {
		switch n := strings.ReplaceAll(strings.ToLower(k), "_", "-"); n {
		case "x-user-id", "x-user-note", "x-session-id", "x-admin", strings.ToLower(sidHeader):
			out[n] = append(out[n], v...)
		}
	}
	return out
}

func upstreamCookies(t *testing.T, res result) []string {
	t.Helper()
	var e echo
	if err := json.Unmarshal([]byte(res.Body), &e); err != nil {
		t.Fatal(err)
	}
	return e.Cookies
}

// TestForgedIdentity sends identity headers through the proxy helper, in
// every spelling an upstream might merge.
func TestForgedIdentity(t *testing.T) {
	rg := newRig(t, rigOptions{})
	mallory := rg.loginValue(t, "mallory")
	malloryID := rg.do(t, request{Path: "/whoami", Cookie: []string{sidName + "=" + mallory}}).view(t).ID
	forged := [][2]string{
		{"X-User-Id", "admin"}, {"x-user-id", "root"}, {"X_User_Id", "admin"}, {"X-USER-ID", "admin"},
		{"X-Session-Id", "forged"}, {"X-User-Note", "hi"}, {"X-Admin", "1"}, {"x_admin", "true"},
	}
	mine := map[string][]string{"x-user-id": {"mallory"}, "x-session-id": {malloryID}}
	// One character changed: to "A", or "B" when it already is an "A" (the
	// test used to send the genuine value then, one run in 64).
	swap := "A"
	if mallory[100] == 'A' {
		swap = "B"
	}
	tampered := mallory[:100] + swap + mallory[101:]

	for _, tc := range []struct {
		name    string
		q       request
		want    map[string][]string
		cookies []string
		errs    []error
	}{
		{"no session", request{Path: "/app/echo", Cookie: []string{"theme=dark"}, Header: forged}, map[string][]string{}, []string{"theme"}, nil},
		{"own session cookie", request{Path: "/app/echo", Cookie: []string{"theme=dark", sidName + "=" + mallory}, Header: forged}, mine, []string{"theme"}, nil},
		{"own session header", request{Path: "/app/echo", Header: append([][2]string{{sidHeader, mallory}}, forged...)}, mine, nil, nil},
		{"tampered session", request{Path: "/app/echo", Cookie: []string{sidName + "=" + tampered}, Header: forged}, map[string][]string{}, nil, []error{sealed.ErrNotAuthentic}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			hits := rg.upHits.Load()
			res := rg.do(t, tc.q)
			if diff := cmp.Diff(tc.want, identity(t, res)); diff != "" {
				t.Errorf("identity headers at the upstream (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.cookies, upstreamCookies(t, res)); diff != "" {
				t.Errorf("cookies at the upstream (-want +got):\n%s", diff)
			}
			if got := res.setCookies(); len(got) != 0 {
				t.Errorf("Set-Cookie %v, want none: the proxy never writes the session", got)
			}
			if rg.upHits.Load() != hits+1 {
				t.Errorf("the upstream got %d requests, want 1", rg.upHits.Load()-hits)
			}
			rg.wantErrs(t, sidName, tc.errs...)
		})
	}
}

// TestOpenRedirect sends open-redirect payloads to the route guard (as the
// requested path), the login handler and the logout handler (as redirectTo).
func TestOpenRedirect(t *testing.T) {
	rg := newRig(t, rigOptions{})
	base, err := url.Parse(rg.srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	// sameOrigin checks that a Location, resolved as a browser would, stays on
	// the server's origin.
	sameOrigin := func(t *testing.T, loc string) {
		t.Helper()
		u, err := base.Parse(loc)
		if err != nil || u.Scheme != base.Scheme || u.Host != base.Host || strings.ContainsAny(loc, "\\\t\r\n") {
			t.Errorf("Location %q leaves the origin", loc)
		}
	}
	const login = "/auth/login"

	t.Run("guard", func(t *testing.T) {
		for _, tc := range []struct {
			target string // the raw request-target
			loc    string // the exact Location
		}{
			{"//evil.com", login},
			{"///evil.com", login},
			{"//evil.com/%2e%2e", login},
			{"/\\evil.com", login},
			{"/%2F%2Fevil.com", login},
			{"/%2f%2fevil.com", login},
			{"/%5Cevil.com", login},
			{"/%5c%5cevil.com", login},
			{"/%252F%252Fevil.com", login},
			{"/%25252F%25252Fevil.com", login},
			{"/%2525252525252F%2525252525252Fevil.com", login},
			{"/%09/evil.com", login},
			{"/%0D%0ALocation:%20https://evil.com", login},
			{"/%00/evil.com", login},
			{"/x/..//evil.com", login},
			{"/dashboard", login + "?redirectTo=%2Fdashboard"},
			{"/dashboard?tab=2&next=https://evil.com", login + "?redirectTo=" + url.QueryEscape("/dashboard?tab=2&next=https://evil.com")},
			// An absolute-form request-target: its authority is not the
			// origin the browser sees, and only the path is kept.
			{"https://evil.com/settings", login + "?redirectTo=%2Fsettings"},
		} {
			res := rg.raw(t, rawGet(tc.target))
			if res.Status != http.StatusSeeOther || res.Header.Get("Location") != tc.loc {
				t.Errorf("GET %s: %d to %q, want 303 to %q", tc.target, res.Status, res.Header.Get("Location"), tc.loc)
			}
			sameOrigin(t, res.Header.Get("Location"))
		}
		res := rg.raw(t, rawGet("//evil.com", "Accept: application/json"))
		if res.Status != http.StatusUnauthorized || res.Header.Get("Location") != "" || res.Body != "{\"error\":\"unauthenticated\"}\n" {
			t.Errorf("API client: %d %q to %q, want 401 JSON and no Location", res.Status, res.Body, res.Header.Get("Location"))
		}
		rg.wantErrs(t, sidName)
	})

	unsafe := []string{
		"", "https://evil.com", "//evil.com", "///evil.com", "/\\evil.com", "\\\\evil.com", "/%2F%2Fevil.com",
		"/%5Cevil.com", "/%252F%252Fevil.com", "/\t/evil.com", "/\r\n/evil.com", "javascript:alert(1)",
		"data:text/html,<script>alert(1)</script>", "http:evil.com", "https:/evil.com", " /evil.com",
		"evil.com", "/%0d%0aSet-Cookie:%20x=y", "/a/../\\evil.com",
	}
	safe := []string{"/evil.com", "/dashboard?tab=2", "/search?next=https://evil.com"}

	t.Run("login", func(t *testing.T) {
		for _, p := range append(unsafe, safe...) {
			res := rg.do(t, request{Method: http.MethodPost, Path: "/auth/login?user=mallory&redirectTo=" + url.QueryEscape(p)})
			want := "/"
			for _, s := range safe {
				if p == s {
					want = p
				}
			}
			if res.Status != http.StatusSeeOther || res.Header.Get("Location") != want {
				t.Errorf("login redirectTo %q: %d to %q, want 303 to %q", p, res.Status, res.Header.Get("Location"), want)
			}
			sameOrigin(t, res.Header.Get("Location"))
		}
		rg.wantErrs(t, sidName)
	})

	t.Run("logout", func(t *testing.T) {
		for _, p := range append(unsafe, safe...) {
			res := rg.do(t, request{Method: http.MethodPost, Path: "/auth/logout?redirectTo=" + url.QueryEscape(p)})
			status, loc := http.StatusNoContent, "" // no safe target and no configured one: 204
			for _, s := range safe {
				if p == s {
					status, loc = http.StatusSeeOther, p
				}
			}
			if res.Status != status || res.Header.Get("Location") != loc {
				t.Errorf("logout redirectTo %q: %d to %q, want %d to %q", p, res.Status, res.Header.Get("Location"), status, loc)
			}
		}
		rg.wantErrs(t, sidName)
	})
}

// TestLogoutReplay presents a logged-out cookie's old value again.
//
//	Validate hook          replayed value after logout
//	none                   ACCEPTED until it expires (idle or max age): the
//	                       server keeps no state, so a copy of a sealed cookie
//	                       is a bearer token for its whole lifetime
//	epoch check            refused (session.ErrRevoked wrapping the app's
//	                       error), fresh session, cookie deleted
//
// Logout itself deletes the browser's cookie either way; what Validate adds is
// that a copy taken before logout (a stolen cookie, a shared machine) stops
// working at once.
func TestLogoutReplay(t *testing.T) {
	for _, validate := range []bool{false, true} {
		t.Run(fmt.Sprintf("validate=%v", validate), func(t *testing.T) {
			rg := newRig(t, rigOptions{validate: validate})
			c := rg.login(t, "alice")
			if got := rg.do(t, request{Path: "/whoami", Cookie: c}).view(t); got.Data.User != "alice" {
				t.Fatalf("before logout: %+v", got)
			}

			// A cross-origin logout is refused and changes nothing.
			res := rg.do(t, request{Method: http.MethodPost, Path: "/auth/logout", Cookie: c, Header: [][2]string{{"Origin", "https://evil.example"}}})
			if res.Status != http.StatusForbidden || len(res.setCookies()) != 0 || rg.epochs.get("alice") != 0 {
				t.Errorf("cross-origin logout: %d, Set-Cookie %v, epoch %d; want 403, nothing, 0", res.Status, res.setCookies(), rg.epochs.get("alice"))
			}

			res = rg.do(t, request{Method: http.MethodPost, Path: "/auth/logout", Cookie: c, Header: [][2]string{{"Origin", rg.srv.URL}}})
			if res.Status != http.StatusNoContent {
				t.Errorf("logout: status %d, want 204", res.Status)
			}
			if diff := cmp.Diff([]string{sidName + ":delete"}, res.setCookies()); diff != "" {
				t.Errorf("logout Set-Cookie (-want +got):\n%s", diff)
			}
			if rg.epochs.get("alice") != 1 {
				t.Errorf("OnLogout did not bump alice's epoch")
			}
			rg.wantErrs(t, sidName)

			replay := rg.do(t, request{Path: "/whoami", Cookie: c})
			endpoint := rg.do(t, request{Path: "/api/auth/session", Cookie: c})
			guarded := rg.do(t, request{Path: "/account", Cookie: c})
			if !validate {
				if got := replay.view(t); got.New || got.Data.User != "alice" {
					t.Errorf("replay without Validate: %+v, want alice's session (accepted until it expires)", got)
				}
				if endpoint.Body != "{\"user\":\"alice\"}\n" || guarded.Status != http.StatusOK {
					t.Errorf("replay without Validate: endpoint %q, guard %d; want alice and 200", endpoint.Body, guarded.Status)
				}
				rg.wantErrs(t, sidName)

				// Accepted only until the seal expires.
				rg.clk.Advance(idle + skew)
				res := rg.do(t, request{Path: "/whoami", Cookie: c})
				wantFresh(t, res)
				rg.wantErrs(t, sidName, sealed.ErrExpired)
				return
			}
			wantFresh(t, replay)
			if diff := cmp.Diff([]string{sidName + ":delete"}, replay.setCookies()); diff != "" {
				t.Errorf("replay Set-Cookie (-want +got):\n%s", diff)
			}
			replay.noLeak(t, secretOf("alice"))
			if endpoint.Body != "null\n" || guarded.Status != http.StatusSeeOther {
				t.Errorf("replay with Validate: endpoint %q, guard %d; want null and 303", endpoint.Body, guarded.Status)
			}
			errs := rg.errs.Take()
			if len(errs) != 3 {
				t.Fatalf("OnError heard %q, want three revocations", clipErrs(errs))
			}
			for _, err := range errs {
				if !errors.Is(err, session.ErrRevoked) || !errors.Is(err, errStaleEpoch) {
					t.Errorf("OnError heard %q, want ErrRevoked wrapping the application's reason", err)
				}
			}

			// Logging in again gives a session at the new epoch.
			c = rg.login(t, "alice")
			if got := rg.do(t, request{Path: "/whoami", Cookie: c}).view(t); got.New || got.Data.Epoch != 1 {
				t.Errorf("after logging in again: %+v, want alice at epoch 1", got)
			}
			rg.wantErrs(t, sidName)
		})
	}
}
