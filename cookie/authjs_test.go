package cookie_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/sealcookie/sealcookie/cookie"
)

// authjs is the Spec of Auth.js's session cookie with Auth.js's chunk names.
func authjs(t testing.TB, maxChunks int) *cookie.Spec {
	return mustNew(t, "__Secure-authjs.session-token", cookie.Attributes{AuthJSChunks: true, MaxChunks: maxChunks, Budget: cookie.NoBudget})
}

func TestAuthJSWrite(t *testing.T) {
	const n = "__Secure-authjs.session-token"
	for _, tc := range []struct {
		name    string
		length  int
		request string // the request's Cookie header
		want    []summary
	}{
		{"plain", 100, "", []summary{{n, 100, false}}},
		{"exactly one chunk", cookie.ChunkSize, "", []summary{{n, cookie.ChunkSize, false}}},
		{"two chunks", cookie.ChunkSize + 1, "", []summary{{n + ".0", cookie.ChunkSize, false}, {n + ".1", 1, false}}},
		{"grows: the plain cookie is deleted", 2*cookie.ChunkSize + 5, n + "=old",
			[]summary{{n, 0, true}, {n + ".0", cookie.ChunkSize, false}, {n + ".1", cookie.ChunkSize, false}, {n + ".2", 5, false}}},
		{"shrinks to plain: every chunk is deleted", 10, n + ".0=a; " + n + ".1=b; " + n + ".2=c",
			[]summary{{n, 10, false}, {n + ".0", 0, true}, {n + ".1", 0, true}, {n + ".2", 0, true}}},
		{"shrinks to fewer chunks", cookie.ChunkSize + 1, n + ".0=a; " + n + ".1=b; " + n + ".2=c",
			[]summary{{n + ".0", cookie.ChunkSize, false}, {n + ".1", 1, false}, {n + ".2", 0, true}}},
		{"h3's chunk names are not ours", 10, n + "=__chunked__2; " + n + ".1=a; " + n + ".2=b; " + n + ".64=z",
			[]summary{{n, 10, false}, {n + ".1", 0, true}, {n + ".2", 0, true}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := authjs(t, 0)
			var lines []string
			if tc.request != "" {
				lines = []string{tc.request}
			}
			h := http.Header{}
			if err := s.Write(h, lines, value(tc.length), time.Time{}, 60); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, summarize(t, h["Set-Cookie"])); diff != "" {
				t.Errorf("Set-Cookie lines (-want +got):\n%s", diff)
			}
		})
	}
}

func TestAuthJSRead(t *testing.T) {
	const n = "s"
	v4k := value(cookie.ChunkSize)
	for _, tc := range []struct {
		name    string
		header  string
		want    string
		chunks  int
		wantErr error
	}{
		{"plain", "s=abc", "abc", 0, nil},
		{"absent", "t=abc", "", 0, cookie.ErrNoCookie},
		{"empty plain", "s=", "", 0, cookie.ErrNoCookie},
		{"one chunk", "s.0=abc", "abc", 1, nil},
		{"chunks in any order", "s.2=ef; s.0=ab; s.1=cd", "abcdef", 3, nil},
		{"chunks of Auth.js's size", "s.0=" + v4k[:3936] + "; s.1=" + v4k[3936:], v4k, 2, nil},
		{"empty plain beside chunks", "s=; s.0=ab; s.1=cd", "abcd", 2, nil},
		{"first occurrence wins", "s.0=ab; s.0=zz; s.1=cd", "abcd", 2, nil},
		{"other cookies ignored", "a=1; s.x=2; s.01=3; s.0=ab; t.1=4", "ab", 1, nil},
		{"h3's marker is a plain value here", "s=__chunked__1; s.1=x", "", 0, cookie.ErrChunks},
		{"plain and chunks", "s=ab; s.0=cd", "", 0, cookie.ErrChunks},
		{"a gap", "s.0=ab; s.2=cd", "", 0, cookie.ErrChunks},
		{"no first chunk", "s.1=ab", "", 0, cookie.ErrChunks},
		{"empty chunk", "s.0=; s.1=cd", "", 0, cookie.ErrChunks},
		{"more than MaxChunks", "s.0=a; s.1=b; s.2=c; s.3=d; s.4=e; s.5=f; s.6=g; s.7=h; s.8=i", "", 0, cookie.ErrChunks},
		{"chunk too long for a browser", "s.0=" + value(cookie.BrowserLimit-len("s.0")+1), "", 0, cookie.ErrTooLarge},
		{"chunk a browser keeps", "s.0=" + value(cookie.BrowserLimit-len("s.0")), value(cookie.BrowserLimit - len("s.0")), 1, nil},
		{"plain too long for a browser", "s=" + value(cookie.BrowserLimit), "", 0, cookie.ErrTooLarge},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := mustNew(t, n, cookie.Attributes{AuthJSChunks: true})
			got, chunks, err := s.Read([]string{tc.header})
			if !errors.Is(err, tc.wantErr) || (tc.wantErr == nil) != (err == nil) {
				t.Fatalf("Read error = %v, want %v", err, tc.wantErr)
			}
			if got != tc.want || chunks != tc.chunks {
				t.Errorf("Read = %.20q (%d chars), %d chunks; want %.20q (%d chars), %d chunks", got, len(got), chunks, tc.want, len(tc.want), tc.chunks)
			}
			if err != nil && strings.Contains(err.Error(), "ab") {
				t.Errorf("error %q quotes a cookie value", err)
			}
		})
	}
}

// TestAuthJSJar walks a value through a real cookie jar: it grows into
// chunks, shrinks back into one cookie and is deleted, and the jar holds
// exactly Auth.js's cookie names at each step.
func TestAuthJSJar(t *testing.T) {
	const n = "__Secure-authjs.session-token"
	s := authjs(t, 0)
	j := newJar(t)
	for _, step := range []struct {
		length int // 0: Delete
		names  []string
	}{
		{100, []string{n}},
		{3*cookie.ChunkSize + 1, []string{n + ".0", n + ".1", n + ".2", n + ".3"}},
		{cookie.ChunkSize + 1, []string{n + ".0", n + ".1"}},
		{50, []string{n}},
		{2 * cookie.ChunkSize, []string{n + ".0", n + ".1"}},
		{0, nil},
	} {
		h := http.Header{}
		v := value(step.length)
		if step.length == 0 {
			s.Delete(h, hdr(j.request()))
		} else if err := s.Write(h, hdr(j.request()), v, time.Time{}, 3600); err != nil {
			t.Fatal(err)
		}
		j.apply(t, h)
		if diff := cmp.Diff(step.names, j.names()); diff != "" {
			t.Fatalf("after writing %d characters, the jar holds (-want +got):\n%s", step.length, diff)
		}
		got, _, err := s.Read(hdr(j.request()))
		if step.length == 0 {
			if !errors.Is(err, cookie.ErrNoCookie) {
				t.Fatalf("Read after Delete = %v, want ErrNoCookie", err)
			}
			continue
		}
		if err != nil || got != v {
			t.Fatalf("Read after writing %d characters = %d characters, %v", step.length, len(got), err)
		}
	}
}

// TestAuthJSSchemeIsolation: the two schemes never read each other's chunks.
func TestAuthJSSchemeIsolation(t *testing.T) {
	h3 := mustNew(t, "s", cookie.Attributes{Budget: cookie.NoBudget})
	a := mustNew(t, "s", cookie.Attributes{AuthJSChunks: true, Budget: cookie.NoBudget})
	v := value(cookie.ChunkSize + 10)
	for _, tc := range []struct {
		from, to *cookie.Spec
		what     string
	}{{h3, a, "h3's chunks read as Auth.js's"}, {a, h3, "Auth.js's chunks read as h3's"}} {
		h := http.Header{}
		if err := tc.from.Write(h, nil, v, time.Time{}, 0); err != nil {
			t.Fatal(err)
		}
		r := request()
		for _, l := range h["Set-Cookie"] {
			c, _ := http.ParseSetCookie(l)
			r.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
		}
		if got, _, err := tc.to.Read(hdr(r)); err == nil && got == v {
			t.Errorf("%s", tc.what)
		}
	}
}

// FuzzAuthJSChunks checks that Auth.js-style split then join is the
// identity, that every chunk fits, and that no main cookie is written beside
// chunks.
func FuzzAuthJSChunks(f *testing.F) {
	f.Add("abc", uint16(1), uint8(0))
	f.Add("x", uint16(4000), uint8(1))
	f.Add("x", uint16(4001), uint8(2))
	f.Add("-_", uint16(32000), uint8(0))
	f.Add("q", uint16(65535), uint8(64))
	f.Fuzz(func(t *testing.T, seed string, n uint16, maxChunks uint8) {
		s, err := cookie.New("s", cookie.Attributes{MaxChunks: int(maxChunks), AuthJSChunks: true, Budget: cookie.NoBudget})
		if err != nil {
			return // MaxChunks out of range: TestNewErrors covers it
		}
		v := ""
		if seed != "" {
			v = strings.Repeat(seed, int(n)/len(seed)+1)[:n]
		}
		h := http.Header{}
		// The request carried a plain cookie and one chunk: both must go or be replaced.
		if err := s.Write(h, []string{"s=old; s.0=old"}, v, time.Time{}, 0); err != nil {
			if !errors.Is(err, cookie.ErrInvalid) && !errors.Is(err, cookie.ErrTooLarge) {
				t.Fatalf("Write error %v matches no sentinel", err)
			}
			return
		}
		r := request()
		live := 0
		for _, l := range h["Set-Cookie"] {
			c, err := http.ParseSetCookie(l)
			if err != nil {
				t.Fatal(err)
			}
			if c.MaxAge < 0 {
				continue
			}
			if len(c.Value) > cookie.ChunkSize {
				t.Fatalf("cookie %s is %d characters", c.Name, len(c.Value))
			}
			live++
			r.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
		}
		got, chunks, err := s.Read(hdr(r))
		if err != nil || got != v {
			t.Fatalf("Read = %d chars, %v; want %d chars", len(got), err, len(v))
		}
		if (chunks == 0) != (live == 1) || (chunks > 0 && chunks != live) {
			t.Fatalf("%d live cookies read as %d chunks", live, chunks)
		}
	})
}
