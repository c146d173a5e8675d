package cookie_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/sealcookie/sealcookie/cookie"
)

// mustNew builds a Spec or fails the test.
func mustNew(t testing.TB, name string, a cookie.Attributes) *cookie.Spec {
	t.Helper()
	s, err := cookie.New(name, a)
	if err != nil {
		t.Fatalf("New(%q, %+v): %v", name, a, err)
	}
	return s
}

// request returns a GET / request with the given Cookie header lines.
func request(lines ...string) *http.Request {
	r := httptest.NewRequest(http.MethodGet, "https://example.com/", nil)
	if len(lines) > 0 {
		r.Header["Cookie"] = lines
	}
	return r
}

// hdr returns a request's Cookie header lines, what Spec.Read, Write and
// Delete take (nil for a nil request).
func hdr(r *http.Request) []string {
	if r == nil {
		return nil
	}
	return r.Header["Cookie"]
}

// value returns n cookie-octets that differ from chunk to chunk, so that a
// join in the wrong order would be noticed.
func value(n int) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[(i/cookie.ChunkSize*7+i)%len(alphabet)]
	}
	return string(b)
}

// summary is a Set-Cookie line reduced to what the tests compare.
type summary struct {
	Name   string
	Len    int // length of the value
	Delete bool
}

func summarize(t *testing.T, lines []string) []summary {
	t.Helper()
	var out []summary
	for _, l := range lines {
		c, err := http.ParseSetCookie(l)
		if err != nil {
			t.Fatalf("ParseSetCookie(%q): %v", l, err)
		}
		out = append(out, summary{Name: c.Name, Len: len(c.Value), Delete: c.MaxAge < 0})
	}
	return out
}

// jarFor is a cookie jar standing in for a browser on https://example.com/.
type jarFor struct {
	jar *cookiejar.Jar
	u   *url.URL
}

func newJar(t *testing.T) *jarFor {
	t.Helper()
	j, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse("https://example.com/")
	return &jarFor{j, u}
}

// apply stores the Set-Cookie lines of h as a browser would.
func (j *jarFor) apply(t *testing.T, h http.Header) {
	t.Helper()
	var cs []*http.Cookie
	for _, l := range h["Set-Cookie"] {
		c, err := http.ParseSetCookie(l)
		if err != nil {
			t.Fatalf("ParseSetCookie(%q): %v", l, err)
		}
		cs = append(cs, c)
	}
	j.jar.SetCookies(j.u, cs)
}

// request returns a request carrying the jar's cookies.
func (j *jarFor) request() *http.Request {
	r := request()
	for _, c := range j.jar.Cookies(j.u) {
		r.AddCookie(c)
	}
	return r
}

// names returns the sorted names of the cookies in the jar.
func (j *jarFor) names() []string {
	var n []string
	for _, c := range j.jar.Cookies(j.u) {
		n = append(n, c.Name)
	}
	slices.Sort(n)
	return n
}

func TestErrNoCookieIs(t *testing.T) {
	_, _, err := mustNew(t, "s", cookie.Attributes{}).Read(hdr(request()))
	if !errors.Is(err, cookie.ErrNoCookie) || !errors.Is(err, http.ErrNoCookie) {
		t.Fatalf("Read without cookie: %v; want errors.Is ErrNoCookie and http.ErrNoCookie", err)
	}
}

func TestNewErrors(t *testing.T) {
	tests := []struct {
		name  string
		attrs cookie.Attributes
		want  string // substring of the error
	}{
		{"", cookie.Attributes{}, "empty cookie name"},
		{"a b", cookie.Attributes{}, "not a valid token"},
		{"a;b", cookie.Attributes{}, "not a valid token"},
		{"a=b", cookie.Attributes{}, "not a valid token"},
		{"sé", cookie.Attributes{}, "not a valid token"},
		{strings.Repeat("n", 93), cookie.Attributes{}, "cookie name is 93 bytes, limit 92"},
		{"__Host-s", cookie.Attributes{Path: "/app", Budget: cookie.NoBudget}, "__Host- prefix requires Path=/"},
		{"__Host-s", cookie.Attributes{Domain: "example.com"}, "__Host- prefix forbids a Domain"},
		{"__Host-s", cookie.Attributes{InsecureDevelopment: true}, "__Host- prefix requires Secure, which InsecureDevelopment drops"},
		{"__host-s", cookie.Attributes{Domain: "example.com"}, "__Host- prefix forbids a Domain"},
		{"__HOST-s", cookie.Attributes{Path: "/x"}, "__Host- prefix requires Path=/"},
		{"__Secure-s", cookie.Attributes{InsecureDevelopment: true}, "__Secure- prefix requires Secure"},
		{"__SECURE-s", cookie.Attributes{InsecureDevelopment: true}, "__Secure- prefix requires Secure"},
		{"__Http-s", cookie.Attributes{JavaScriptReadable: true}, "require Secure and HttpOnly"},
		{"__Http-s", cookie.Attributes{InsecureDevelopment: true}, "require Secure and HttpOnly"},
		{"__Host-Http-s", cookie.Attributes{JavaScriptReadable: true}, "require Secure and HttpOnly"},
		{"s", cookie.Attributes{SameSite: http.SameSiteNoneMode, InsecureDevelopment: true}, "SameSite=None requires Secure"},
		{"s", cookie.Attributes{Partitioned: true, InsecureDevelopment: true}, "Partitioned requires Secure"},
		{"s", cookie.Attributes{SameSite: 99}, "unknown SameSite"},
		{"s", cookie.Attributes{OmitSameSite: true, SameSite: http.SameSiteStrictMode}, "OmitSameSite with SameSite 3: choose one"},
		{"s", cookie.Attributes{OmitSameSite: true, SameSite: http.SameSiteLaxMode}, "OmitSameSite with SameSite 2: choose one"},
		{"s", cookie.Attributes{SameSite: -1}, "unknown SameSite"},
		{"s", cookie.Attributes{Path: "app"}, `Path "app" must start with "/"`},
		{"s", cookie.Attributes{Path: "/a;b"}, "Cookie.Path"},
		{"s", cookie.Attributes{Path: "/a\nb"}, "Cookie.Path"},
		{"s", cookie.Attributes{Path: "/" + strings.Repeat("p", 1024)}, "longer than 1024"},
		{"s", cookie.Attributes{Domain: "exa mple.com"}, "Cookie.Domain"},
		{"s", cookie.Attributes{Domain: "example.com;x"}, "Cookie.Domain"},
		{"s", cookie.Attributes{MaxChunks: -1}, "MaxChunks -1 out of range"},
		{"s", cookie.Attributes{MaxChunks: cookie.MaxChunksLimit + 1}, "MaxChunks 65 out of range"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%q/%+v", tt.name, tt.attrs), func(t *testing.T) {
			s, err := cookie.New(tt.name, tt.attrs)
			if !errors.Is(err, cookie.ErrAttributes) {
				t.Fatalf("New = %v, %v; want ErrAttributes", s, err)
			}
			if !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "cookie: ") {
				t.Errorf("error %q; want it to start with \"cookie: \" and contain %q", err, tt.want)
			}
		})
	}
}

func TestNewNormalises(t *testing.T) {
	tests := []struct {
		name  string
		attrs cookie.Attributes
		want  cookie.Attributes
		line  string // Set-Cookie for value "v"
	}{
		{"s", cookie.Attributes{},
			cookie.Attributes{Path: "/", SameSite: http.SameSiteLaxMode, MaxChunks: cookie.DefaultMaxChunks, Budget: cookie.DefaultBudget},
			"s=v; Path=/; HttpOnly; Secure; SameSite=Lax"},
		{"s", cookie.Attributes{SameSite: http.SameSiteDefaultMode},
			cookie.Attributes{Path: "/", SameSite: http.SameSiteLaxMode, MaxChunks: cookie.DefaultMaxChunks, Budget: cookie.DefaultBudget},
			"s=v; Path=/; HttpOnly; Secure; SameSite=Lax"},
		{"__Host-s", cookie.Attributes{SameSite: http.SameSiteStrictMode, MaxChunks: 1, Budget: cookie.DefaultBudget},
			cookie.Attributes{Path: "/", SameSite: http.SameSiteStrictMode, MaxChunks: 1, Budget: cookie.DefaultBudget},
			"__Host-s=v; Path=/; HttpOnly; Secure; SameSite=Strict"},
		{"__Secure-s", cookie.Attributes{Path: "/app", Domain: "example.com", SameSite: http.SameSiteNoneMode, Partitioned: true},
			cookie.Attributes{Path: "/app", Domain: "example.com", SameSite: http.SameSiteNoneMode, Partitioned: true, MaxChunks: cookie.DefaultMaxChunks, Budget: cookie.DefaultBudget},
			"__Secure-s=v; Path=/app; Domain=example.com; HttpOnly; Secure; SameSite=None; Partitioned"},
		{"s", cookie.Attributes{JavaScriptReadable: true, InsecureDevelopment: true, MaxChunks: cookie.MaxChunksLimit, Budget: cookie.DefaultBudget},
			cookie.Attributes{Path: "/", SameSite: http.SameSiteLaxMode, JavaScriptReadable: true, InsecureDevelopment: true, MaxChunks: cookie.MaxChunksLimit, Budget: cookie.DefaultBudget},
			"s=v; Path=/; SameSite=Lax"},
		// h3 1.x's cookies: no SameSite attribute at all (weaker; browsers pick).
		{"h3", cookie.Attributes{OmitSameSite: true},
			cookie.Attributes{Path: "/", OmitSameSite: true, MaxChunks: cookie.DefaultMaxChunks, Budget: cookie.DefaultBudget},
			"h3=v; Path=/; HttpOnly; Secure"},
		{"h3", cookie.Attributes{OmitSameSite: true, SameSite: http.SameSiteDefaultMode, MaxChunks: 1},
			cookie.Attributes{Path: "/", OmitSameSite: true, MaxChunks: 1, Budget: cookie.DefaultBudget},
			"h3=v; Path=/; HttpOnly; Secure"},
		{"__Host-Http-s", cookie.Attributes{},
			cookie.Attributes{Path: "/", SameSite: http.SameSiteLaxMode, MaxChunks: cookie.DefaultMaxChunks, Budget: cookie.DefaultBudget},
			"__Host-Http-s=v; Path=/; HttpOnly; Secure; SameSite=Lax"},
		{strings.Repeat("n", 92), cookie.Attributes{Domain: ".Example.COM"},
			cookie.Attributes{Path: "/", Domain: ".Example.COM", SameSite: http.SameSiteLaxMode, MaxChunks: cookie.DefaultMaxChunks, Budget: cookie.DefaultBudget},
			strings.Repeat("n", 92) + "=v; Path=/; Domain=Example.COM; HttpOnly; Secure; SameSite=Lax"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := mustNew(t, tt.name, tt.attrs)
			if s.Name() != tt.name {
				t.Errorf("Name() = %q, want %q", s.Name(), tt.name)
			}
			if diff := cmp.Diff(tt.want, s.Attributes()); diff != "" {
				t.Errorf("Attributes() mismatch (-want +got):\n%s", diff)
			}
			// MaxLen is the longest value within both the chunk cap and the budget.
			if n := s.MaxLen(); n > cookie.ChunkSize*tt.want.MaxChunks || s.Size(n) > tt.want.Budget ||
				n < cookie.ChunkSize*tt.want.MaxChunks && s.Size(n+1) <= tt.want.Budget {
				t.Errorf("MaxLen() = %d: Size %d, Size(+1) %d, budget %d", n, s.Size(n), s.Size(n+1), tt.want.Budget)
			}
			if got := s.MaxReadLen(); got < s.MaxLen() {
				t.Errorf("MaxReadLen() = %d, under MaxLen() %d", got, s.MaxLen())
			}
			h := http.Header{}
			if err := s.Write(h, nil, "v", time.Time{}, 0); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff([]string{tt.line}, h["Set-Cookie"]); diff != "" {
				t.Errorf("Set-Cookie mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestWriteExpiresMaxAge(t *testing.T) {
	s := mustNew(t, "s", cookie.Attributes{Budget: cookie.NoBudget})
	exp := time.Date(2030, 1, 2, 3, 4, 5, 0, time.FixedZone("X", 3600))
	tests := []struct {
		expires time.Time
		maxAge  int
		want    string
	}{
		{time.Time{}, 0, "s=v; Path=/; HttpOnly; Secure; SameSite=Lax"},
		{exp, 0, "s=v; Path=/; Expires=Wed, 02 Jan 2030 02:04:05 GMT; HttpOnly; Secure; SameSite=Lax"},
		{time.Time{}, 3600, "s=v; Path=/; Max-Age=3600; HttpOnly; Secure; SameSite=Lax"},
		{exp, 60, "s=v; Path=/; Expires=Wed, 02 Jan 2030 02:04:05 GMT; Max-Age=60; HttpOnly; Secure; SameSite=Lax"},
	}
	for _, tt := range tests {
		h := http.Header{}
		if err := s.Write(h, nil, "v", tt.expires, tt.maxAge); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{tt.want}, h["Set-Cookie"]); diff != "" {
			t.Errorf("Write(expires %v, maxAge %d) mismatch (-want +got):\n%s", tt.expires, tt.maxAge, diff)
		}
	}
}

func TestWriteInvalid(t *testing.T) {
	s := mustNew(t, "s", cookie.Attributes{Budget: cookie.NoBudget})
	const secret = "TOPSECRETPAYLOAD"
	tests := []struct {
		name    string
		value   string
		expires time.Time
		maxAge  int
		want    error
	}{
		{"empty", "", time.Time{}, 0, cookie.ErrInvalid},
		{"space", secret + " x", time.Time{}, 0, cookie.ErrInvalid},
		{"comma", secret + ",x", time.Time{}, 0, cookie.ErrInvalid},
		{"dquote", secret + `"x`, time.Time{}, 0, cookie.ErrInvalid},
		{"semicolon", secret + ";x", time.Time{}, 0, cookie.ErrInvalid},
		{"backslash", secret + `\x`, time.Time{}, 0, cookie.ErrInvalid},
		{"newline", secret + "\r\nSet-Cookie: x=y", time.Time{}, 0, cookie.ErrInvalid},
		{"nul", secret + "\x00", time.Time{}, 0, cookie.ErrInvalid},
		{"del", secret + "\x7f", time.Time{}, 0, cookie.ErrInvalid},
		{"non-ascii", secret + "é", time.Time{}, 0, cookie.ErrInvalid},
		{"bad byte in last chunk", value(9000) + " ", time.Time{}, 0, cookie.ErrInvalid},
		{"chunked marker", "__chunked__2", time.Time{}, 0, cookie.ErrInvalid},
		{"chunked marker, long", "__chunked__" + value(5000), time.Time{}, 0, cookie.ErrInvalid},
		{"chunked marker, junk", "__chunked__" + secret, time.Time{}, 0, cookie.ErrInvalid},
		{"negative maxAge", "v", time.Time{}, -1, cookie.ErrInvalid},
		{"expires before 1601", "v", time.Date(1600, 12, 31, 0, 0, 0, 0, time.UTC), 0, cookie.ErrInvalid},
		{"expires after 9999", "v", time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), 0, cookie.ErrInvalid},
		{"too large", secret + value(s.MaxLen()-len(secret)+1), time.Time{}, 0, cookie.ErrTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{"Set-Cookie": {"other=1; Path=/"}}
			err := s.Write(h, hdr(request("s=__chunked__2; s.1=a; s.2=b")), tt.value, tt.expires, tt.maxAge)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Write = %v, want %v", err, tt.want)
			}
			if strings.Contains(err.Error(), "SECRET") {
				t.Errorf("error %q echoes the value", err)
			}
			if diff := cmp.Diff(http.Header{"Set-Cookie": {"other=1; Path=/"}}, h); diff != "" {
				t.Errorf("failed Write touched the header (-want +got):\n%s", diff)
			}
		})
	}
	if err := s.Write(nil, nil, "v", time.Time{}, 0); !errors.Is(err, cookie.ErrInvalid) {
		t.Errorf("Write(nil header) = %v, want ErrInvalid", err)
	}
	s.Delete(nil, nil) // must not panic
}

func TestWriteTooLargeMessage(t *testing.T) {
	for _, max := range []int{1, 8, 64} {
		s := mustNew(t, "s", cookie.Attributes{MaxChunks: max, Budget: cookie.NoBudget})
		n := max*cookie.ChunkSize + 1
		err := s.Write(http.Header{}, nil, value(n), time.Time{}, 0)
		if !errors.Is(err, cookie.ErrTooLarge) {
			t.Fatalf("MaxChunks %d: Write(%d chars) = %v, want ErrTooLarge", max, n, err)
		}
		want := fmt.Sprintf("cookie: value too large: value is %d characters, limit %d", n, max*cookie.ChunkSize)
		if !strings.HasPrefix(err.Error(), want) {
			t.Errorf("error %q, want prefix %q", err, want)
		}
		if err := s.Write(http.Header{}, nil, value(n-1), time.Time{}, 0); err != nil {
			t.Errorf("MaxChunks %d: Write(%d chars) = %v, want success", max, n-1, err)
		}
	}
}

func TestChunkBoundaries(t *testing.T) {
	s := mustNew(t, "s", cookie.Attributes{Budget: cookie.NoBudget})
	chunk := func(i, n int) summary { return summary{Name: fmt.Sprintf("s.%d", i), Len: n} }
	main := func(n int) summary { return summary{Name: "s", Len: len(fmt.Sprintf("__chunked__%d", n))} }
	tests := []struct {
		n    int
		want []summary // nil: ErrTooLarge
	}{
		{1, []summary{{Name: "s", Len: 1}}},
		{3999, []summary{{Name: "s", Len: 3999}}},
		{4000, []summary{{Name: "s", Len: 4000}}},
		{4001, []summary{main(2), chunk(1, 4000), chunk(2, 1)}},
		{8000, []summary{main(2), chunk(1, 4000), chunk(2, 4000)}},
		{8001, []summary{main(3), chunk(1, 4000), chunk(2, 4000), chunk(3, 1)}},
		{10340, []summary{main(3), chunk(1, 4000), chunk(2, 4000), chunk(3, 2340)}},
		{32000, []summary{main(8), chunk(1, 4000), chunk(2, 4000), chunk(3, 4000), chunk(4, 4000), chunk(5, 4000), chunk(6, 4000), chunk(7, 4000), chunk(8, 4000)}},
		{32001, nil},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.n), func(t *testing.T) {
			v := value(tt.n)
			h := http.Header{}
			err := s.Write(h, nil, v, time.Time{}, 0)
			if tt.want == nil {
				if !errors.Is(err, cookie.ErrTooLarge) || len(h) != 0 {
					t.Fatalf("Write = %v, header %v; want ErrTooLarge and nothing written", err, h)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, summarize(t, h["Set-Cookie"])); diff != "" {
				t.Errorf("Set-Cookie mismatch (-want +got):\n%s", diff)
			}
			for _, l := range h["Set-Cookie"] {
				if !strings.HasSuffix(l, "; Path=/; HttpOnly; Secure; SameSite=Lax") {
					t.Errorf("line %.40q… lacks the common attributes", l)
				}
			}
			j := newJar(t)
			j.apply(t, h)
			got, chunks, err := s.Read(hdr(j.request()))
			if err != nil || got != v {
				t.Fatalf("Read back = %d chars, %v; want the %d written", len(got), err, len(v))
			}
			if want := len(tt.want) - 1; chunks != want {
				t.Errorf("Read chunks = %d, want %d", chunks, want)
			}
		})
	}
}

// TestShrinkDeletesStaleChunks walks a browser (a cookie jar) through a value
// that shrinks from 3 chunks to 2, then to a plain cookie, and grows again.
func TestShrinkDeletesStaleChunks(t *testing.T) {
	s := mustNew(t, "s", cookie.Attributes{Budget: cookie.NoBudget})
	j := newJar(t)
	del := func(name string) summary { return summary{Name: name, Delete: true} }
	steps := []struct {
		n         int
		wantLines []summary
		wantJar   []string
	}{
		{10000, []summary{{"s", 12, false}, {"s.1", 4000, false}, {"s.2", 4000, false}, {"s.3", 2000, false}},
			[]string{"s", "s.1", "s.2", "s.3"}},
		{5000, []summary{{"s", 12, false}, {"s.1", 4000, false}, {"s.2", 1000, false}, del("s.3")},
			[]string{"s", "s.1", "s.2"}},
		{340, []summary{{"s", 340, false}, del("s.1"), del("s.2")},
			[]string{"s"}},
		{300, []summary{{"s", 300, false}},
			[]string{"s"}},
		{12001, []summary{{"s", 12, false}, {"s.1", 4000, false}, {"s.2", 4000, false}, {"s.3", 4000, false}, {"s.4", 1, false}},
			[]string{"s", "s.1", "s.2", "s.3", "s.4"}},
		{4000, []summary{{"s", 4000, false}, del("s.1"), del("s.2"), del("s.3"), del("s.4")},
			[]string{"s"}},
	}
	for i, st := range steps {
		v := value(st.n)
		h := http.Header{}
		r := j.request()
		if err := s.Write(h, hdr(r), v, time.Time{}, 0); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		if diff := cmp.Diff(st.wantLines, summarize(t, h["Set-Cookie"])); diff != "" {
			t.Errorf("step %d (%d chars): Set-Cookie mismatch (-want +got):\n%s", i, st.n, diff)
		}
		j.apply(t, h)
		if diff := cmp.Diff(st.wantJar, j.names()); diff != "" {
			t.Errorf("step %d: jar mismatch (-want +got):\n%s", i, diff)
		}
		if got, _, err := s.Read(hdr(j.request())); err != nil || got != v {
			t.Errorf("step %d: Read = %d chars, %v; want the %d written", i, len(got), err, st.n)
		}
	}
}

func TestDeletionLines(t *testing.T) {
	tests := []struct {
		attrs cookie.Attributes
		want  string
	}{
		{cookie.Attributes{}, "s=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; HttpOnly; Secure; SameSite=Lax"},
		{cookie.Attributes{Path: "/app", Domain: "example.com", SameSite: http.SameSiteNoneMode, Partitioned: true},
			"s=; Path=/app; Domain=example.com; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; HttpOnly; Secure; SameSite=None; Partitioned"},
		{cookie.Attributes{InsecureDevelopment: true, JavaScriptReadable: true, SameSite: http.SameSiteStrictMode},
			"s=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; SameSite=Strict"},
		{cookie.Attributes{OmitSameSite: true},
			"s=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; HttpOnly; Secure"},
	}
	for _, tt := range tests {
		s := mustNew(t, "s", tt.attrs)
		h := http.Header{}
		s.Delete(h, hdr(request("s=__chunked__2; s.1=a; s.2=b")))
		want := []string{tt.want}
		for _, n := range []string{"s.1", "s.2"} {
			want = append(want, n+strings.TrimPrefix(tt.want, "s"))
		}
		if diff := cmp.Diff(want, h["Set-Cookie"]); diff != "" {
			t.Errorf("Delete with %+v mismatch (-want +got):\n%s", tt.attrs, diff)
		}
	}
}

func TestDelete(t *testing.T) {
	s := mustNew(t, "s", cookie.Attributes{Budget: cookie.NoBudget})
	del := func(names ...string) []summary {
		var out []summary
		for _, n := range names {
			out = append(out, summary{Name: n, Delete: true})
		}
		return out
	}
	tests := []struct {
		name    string
		request *http.Request
		want    []summary
	}{
		{"nil request", nil, del("s")},
		{"no cookies", request(), del("s")},
		{"plain", request("s=abc; other=1"), del("s")},
		{"chunked", request("s=__chunked__3; s.1=a; s.2=b; s.3=c; other=1"), del("s", "s.1", "s.2", "s.3")},
		{"chunks without main", request("other=1; s.2=b"), del("s", "s.2")},
		{"chunks in any order, split lines", request("s.3=c; s=__chunked__3", "s.1=a", "s.2=b"), del("s", "s.1", "s.2", "s.3")},
		{"beyond MaxChunks, within scan", request("s=x; s.9=a; s.64=b"), del("s", "s.9", "s.64")},
		{"beyond the scan and non-canonical", request("s=x; s.65=a; s.0=b; s.01=c; s.+1=d; s.1x=e; s.=f; sx.1=g; S.1=h"), del("s")},
		{"duplicates", request("s.1=a; s.1=b; s=1; s=2"), del("s", "s.1")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{}
			s.Delete(h, hdr(tt.request))
			if diff := cmp.Diff(tt.want, summarize(t, h["Set-Cookie"])); diff != "" {
				t.Errorf("Delete mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestDeleteClearsJar checks Delete against a browser model: nothing is left.
func TestDeleteClearsJar(t *testing.T) {
	s := mustNew(t, "s", cookie.Attributes{Budget: cookie.NoBudget})
	j := newJar(t)
	h := http.Header{}
	if err := s.Write(h, nil, value(9000), time.Time{}, 3600); err != nil {
		t.Fatal(err)
	}
	j.apply(t, h)
	if diff := cmp.Diff([]string{"s", "s.1", "s.2", "s.3"}, j.names()); diff != "" {
		t.Fatalf("jar after Write (-want +got):\n%s", diff)
	}
	h = http.Header{}
	s.Delete(h, hdr(j.request()))
	j.apply(t, h)
	if names := j.names(); len(names) != 0 {
		t.Errorf("jar after Delete still holds %v", names)
	}
}

func TestReplaceEarlierLines(t *testing.T) {
	s := mustNew(t, "s", cookie.Attributes{Path: "/app", Budget: cookie.NoBudget})
	foreign := []string{
		"other=1; Path=/",
		"s=kept; Path=/",                                     // same name, other Path
		"s=kept; Path=/app; Domain=example.com",              // same name, other Domain
		"s.1=kept; Path=/",                                   // chunk name, other Path
		"s.x=kept; Path=/app",                                // not a chunk name
		"sx=kept; Path=/app",                                 // longer name
		"s=\x00broken; Path=/app",                            // does not parse: left alone
		"s.65=kept; Path=/app",                               // beyond the chunk scan
		"s1=kept; Path=/app; HttpOnly; Secure; SameSite=Lax", // prefix of no use
	}
	t.Run("write after write", func(t *testing.T) {
		h := http.Header{"Set-Cookie": slices.Clone(foreign)}
		if err := s.Write(h, nil, value(9000), time.Time{}, 0); err != nil {
			t.Fatal(err)
		}
		h["Set-Cookie"] = append(h["Set-Cookie"], "late=1; Path=/")
		if err := s.Write(h, nil, value(10), time.Time{}, 60); err != nil {
			t.Fatal(err)
		}
		want := append(slices.Clone(foreign), "late=1; Path=/", "s="+value(10)+"; Path=/app; Max-Age=60; HttpOnly; Secure; SameSite=Lax")
		if diff := cmp.Diff(want, h["Set-Cookie"]); diff != "" {
			t.Errorf("mismatch (-want +got):\n%s", diff)
		}
	})
	t.Run("delete after write", func(t *testing.T) {
		h := http.Header{"Set-Cookie": slices.Clone(foreign)}
		if err := s.Write(h, nil, value(9000), time.Time{}, 0); err != nil {
			t.Fatal(err)
		}
		s.Delete(h, nil)
		want := append(slices.Clone(foreign), "s=; Path=/app; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; HttpOnly; Secure; SameSite=Lax")
		if diff := cmp.Diff(want, h["Set-Cookie"]); diff != "" {
			t.Errorf("mismatch (-want +got):\n%s", diff)
		}
	})
	t.Run("write after delete", func(t *testing.T) {
		h := http.Header{}
		r := request("s=__chunked__2; s.1=a; s.2=b")
		s.Delete(h, hdr(r))
		if err := s.Write(h, hdr(r), "v", time.Time{}, 0); err != nil {
			t.Fatal(err)
		}
		del := func(n string) summary { return summary{Name: n, Delete: true} }
		if diff := cmp.Diff([]summary{{Name: "s", Len: 1}, del("s.1"), del("s.2")}, summarize(t, h["Set-Cookie"])); diff != "" {
			t.Errorf("mismatch (-want +got):\n%s", diff)
		}
	})
	t.Run("domain matched case-insensitively", func(t *testing.T) {
		s := mustNew(t, "s", cookie.Attributes{Domain: "Example.com", Budget: cookie.NoBudget})
		h := http.Header{"Set-Cookie": {"s=old; Path=/; Domain=.example.COM", "s=other; Path=/; Domain=sub.example.com"}}
		if err := s.Write(h, nil, "new", time.Time{}, 0); err != nil {
			t.Fatal(err)
		}
		want := []string{"s=other; Path=/; Domain=sub.example.com", "s=new; Path=/; Domain=Example.com; HttpOnly; Secure; SameSite=Lax"}
		if diff := cmp.Diff(want, h["Set-Cookie"]); diff != "" {
			t.Errorf("mismatch (-want +got):\n%s", diff)
		}
	})
	t.Run("earlier slice not edited in place", func(t *testing.T) {
		lines := []string{"s=old; Path=/app", "other=1"}
		h := http.Header{"Set-Cookie": lines}
		if err := s.Write(h, nil, "new", time.Time{}, 0); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{"s=old; Path=/app", "other=1"}, lines); diff != "" {
			t.Errorf("caller's slice changed (-want +got):\n%s", diff)
		}
	})
}

func TestRead(t *testing.T) {
	c4000, c4001 := value(4000), value(4001)
	c4095, c4096 := value(4096-len("s")), value(4096-len("s")+1) // name + value at, and past, what browsers keep
	c4094, c4095chunk := value(4096-len("s.1")), value(4096-len("s.1")+1)
	big := value(10340)
	chunked3 := []string{"s=__chunked__3; s.1=" + big[:4000] + "; s.2=" + big[4000:8000] + "; s.3=" + big[8000:]}
	tests := []struct {
		name       string
		max        int // MaxChunks
		lines      []string
		want       string
		wantChunks int
		wantErr    error
	}{
		{name: "no header", wantErr: cookie.ErrNoCookie},
		{name: "other cookies", lines: []string{"a=1; b=2; ss=3; s.0=x; s.01=y"}, wantErr: cookie.ErrNoCookie},
		{name: "chunks without the main cookie", lines: []string{"a=1; s.1=x; s.2=y"}, wantErr: cookie.ErrMissingChunks},
		{name: "empty value", lines: []string{"s=; a=1"}, wantErr: cookie.ErrNoCookie},
		{name: "quoted empty", lines: []string{`s=""`}, wantErr: cookie.ErrNoCookie},
		{name: "invalid value skipped", lines: []string{`s=a\b`}, wantErr: cookie.ErrNoCookie},
		{name: "plain", lines: []string{"a=1; s=hello; b=2"}, want: "hello"},
		{name: "quoted", lines: []string{`s="hello"`}, want: "hello"},
		{name: "plain 4000", lines: []string{"s=" + c4000}, want: c4000},
		{name: "plain 4001 (h3 1.x, iron-session write these)", lines: []string{"s=" + c4001}, want: c4001},
		{name: "plain at the browser limit", lines: []string{"s=" + c4095}, want: c4095},
		{name: "plain past the browser limit", lines: []string{"s=" + c4096}, wantErr: cookie.ErrTooLarge},
		{name: "chunked", lines: chunked3, want: big, wantChunks: 3},
		{name: "chunked over lines and out of order", lines: []string{"s.3=" + big[8000:], "x=1; s.1=" + big[:4000], "s=__chunked__3; s.2=" + big[4000:8000]}, want: big, wantChunks: 3},
		{name: "short chunks (other writers)", lines: []string{"s=__chunked__3; s.1=ab; s.2=c; s.3=de"}, want: "abcde", wantChunks: 3},
		{name: "one chunk", lines: []string{"s=__chunked__1; s.1=abc"}, want: "abc", wantChunks: 1},
		{name: "max chunks", lines: []string{"s=__chunked__8; s.1=a; s.2=b; s.3=c; s.4=d; s.5=e; s.6=f; s.7=g; s.8=h"}, want: "abcdefgh", wantChunks: 8},
		{name: "chunk over ChunkSize", lines: []string{"s=__chunked__2; s.1=" + c4001 + "; s.2=x"}, want: c4001 + "x", wantChunks: 2},
		{name: "chunk at the browser limit", lines: []string{"s=__chunked__2; s.1=" + c4094 + "; s.2=x"}, want: c4094 + "x", wantChunks: 2},
		{name: "chunk past the browser limit", lines: []string{"s=__chunked__2; s.1=" + c4095chunk + "; s.2=x"}, wantErr: cookie.ErrTooLarge},
		{name: "missing chunk", lines: []string{"s=__chunked__3; s.1=a; s.3=c"}, wantErr: cookie.ErrChunks},
		{name: "missing all chunks", lines: []string{"s=__chunked__2"}, wantErr: cookie.ErrChunks},
		{name: "count too high", lines: []string{"s=__chunked__4; s.1=a; s.2=b; s.3=c"}, wantErr: cookie.ErrChunks},
		// Chunks past the count are left by overlapping responses: h3 reads 1..N.
		{name: "stale chunk N+1", lines: []string{"s=__chunked__2; s.1=a; s.2=b; s.3=c"}, want: "ab", wantChunks: 2},
		{name: "stale chunks N+1, N+2 (two overlapping writes)", lines: []string{"s=__chunked__2; s.1=a; s.2=b; s.3=c; s.4=d"}, want: "ab", wantChunks: 2},
		{name: "stale chunk N+5, before the others", lines: []string{"s.7=c; s=__chunked__2; s.1=a; s.2=b"}, want: "ab", wantChunks: 2},
		{name: "stale chunk past MaxChunks", lines: []string{"s=__chunked__2; s.1=a; s.2=b; s.64=c"}, want: "ab", wantChunks: 2},
		{name: "stale chunks with a gap within the count", lines: []string{"s=__chunked__3; s.1=a; s.3=c; s.4=d"}, wantErr: cookie.ErrChunks},
		{name: "empty chunk", lines: []string{"s=__chunked__2; s.1=a; s.2="}, wantErr: cookie.ErrChunks},
		{name: "non-canonical chunk names ignored", lines: []string{"s=__chunked__2; s.1=a; s.2=b; s.02=x; s.0=y; s.65=z; s.+3=w"}, want: "ab", wantChunks: 2},
		{name: "__chunked__0", lines: []string{"s=__chunked__0"}, wantErr: cookie.ErrChunks},
		{name: "__chunked__-1", lines: []string{"s=__chunked__-1; s.1=a"}, wantErr: cookie.ErrChunks},
		{name: "__chunked__+2", lines: []string{"s=__chunked__+2; s.1=a; s.2=b"}, wantErr: cookie.ErrChunks},
		{name: "__chunked__02", lines: []string{"s=__chunked__02; s.1=a; s.2=b"}, wantErr: cookie.ErrChunks},
		{name: "__chunked__ 2", lines: []string{"s=__chunked__ 2; s.1=a; s.2=b"}, wantErr: cookie.ErrChunks},
		{name: "quoted __chunked__ 2", lines: []string{`s="__chunked__ 2"; s.1=a; s.2=b`}, wantErr: cookie.ErrChunks},
		{name: "__chunked__2 trailing space", lines: []string{`s="__chunked__2 "; s.1=a; s.2=b`}, wantErr: cookie.ErrChunks},
		{name: "__chunked__2x", lines: []string{"s=__chunked__2x; s.1=a; s.2=b"}, wantErr: cookie.ErrChunks},
		{name: "__chunked__", lines: []string{"s=__chunked__"}, wantErr: cookie.ErrChunks},
		{name: "__chunked__abc", lines: []string{"s=__chunked__abc"}, wantErr: cookie.ErrChunks},
		{name: "__chunked__1e1", lines: []string{"s=__chunked__1e1"}, wantErr: cookie.ErrChunks},
		{name: "__chunked__0x2", lines: []string{"s=__chunked__0x2; s.1=a; s.2=b"}, wantErr: cookie.ErrChunks},
		{name: "__chunked__huge", lines: []string{"s=__chunked__99999999999999999999; s.1=a"}, wantErr: cookie.ErrChunks},
		{name: "__chunked__9 over MaxChunks 8", lines: []string{"s=__chunked__9; s.1=a; s.2=b; s.3=c; s.4=d; s.5=e; s.6=f; s.7=g; s.8=h; s.9=i"}, wantErr: cookie.ErrChunks},
		{name: "__chunked__2 with MaxChunks 1", max: 1, lines: []string{"s=__chunked__2; s.1=a; s.2=b"}, wantErr: cookie.ErrChunks},
		{name: "__chunked__64 allowed by MaxChunks 64", max: 64, lines: []string{chunkLine(64)}, want: strings.Repeat("x", 64), wantChunks: 64},
		{name: "__chunked__65 over MaxChunks 64", max: 64, lines: []string{"s=__chunked__65"}, wantErr: cookie.ErrChunks},
		// Duplicates: the first occurrence of each name wins.
		{name: "duplicate plain", lines: []string{"s=first; s=second"}, want: "first"},
		{name: "duplicate over lines", lines: []string{"s=first", "s=second"}, want: "first"},
		{name: "duplicate, first empty", lines: []string{"s=; s=second"}, wantErr: cookie.ErrNoCookie},
		{name: "duplicate, first chunked", lines: []string{"s=__chunked__2; s=plain; s.1=a; s.2=b"}, want: "ab", wantChunks: 2},
		{name: "duplicate, first plain", lines: []string{"s=plain; s=__chunked__2; s.1=a; s.2=b"}, want: "plain"},
		{name: "duplicate chunk", lines: []string{"s=__chunked__2; s.1=a; s.1=evil; s.2=b"}, want: "ab", wantChunks: 2},
		{name: "duplicate chunk, first empty", lines: []string{"s=__chunked__2; s.1=; s.1=a; s.2=b"}, wantErr: cookie.ErrChunks},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := mustNew(t, "s", cookie.Attributes{MaxChunks: tt.max})
			r := request(tt.lines...)
			before := r.Header.Clone()
			for range 2 { // a second run proves Read does not consume or alter the request
				got, chunks, err := s.Read(hdr(r))
				if !errors.Is(err, tt.wantErr) || (err == nil) != (tt.wantErr == nil) {
					t.Fatalf("Read error = %v, want %v", err, tt.wantErr)
				}
				if err != nil && (got != "" || chunks != 0) {
					t.Errorf("Read = %q, %d with error; want empty", got, chunks)
				}
				if got != tt.want || chunks != tt.wantChunks {
					t.Errorf("Read = %d chars (%.20q…), %d chunks; want %d chars, %d chunks", len(got), got, chunks, len(tt.want), tt.wantChunks)
				}
			}
			if diff := cmp.Diff(before, r.Header); diff != "" {
				t.Errorf("Read changed the request (-want +got):\n%s", diff)
			}
		})
	}
	if v, n, err := mustNew(t, "s", cookie.Attributes{}).Read(nil); !errors.Is(err, cookie.ErrNoCookie) || v != "" || n != 0 {
		t.Errorf("Read(nil) = %q, %d, %v; want ErrNoCookie", v, n, err)
	}
}

// chunkLine is s=__chunked__n with n one-character chunks, in reverse order.
func chunkLine(n int) string {
	parts := []string{fmt.Sprintf("s=__chunked__%d", n)}
	for i := n; i >= 1; i-- {
		parts = append(parts, fmt.Sprintf("s.%d=x", i))
	}
	return strings.Join(parts, "; ")
}

// TestMaxReadLen: the longest value Read returns is what browsers keep, one
// cookie or MaxChunks chunks of them, and Read returns exactly that much.
func TestMaxReadLen(t *testing.T) {
	tests := []struct {
		name      string
		maxChunks int
		want      int
	}{
		{"s", 1, 4096 - len("s")},
		{"iron_app_session", 1, 4096 - len("iron_app_session")},
		{"s", 2, 2 * (4096 - len("s.1"))},
		{"s", 0, 8 * (4096 - len("s.1"))},
		{"s", 10, 9*(4096-len("s.1")) + 4096 - len("s.10")},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s/%d", tt.name, tt.maxChunks), func(t *testing.T) {
			s := mustNew(t, tt.name, cookie.Attributes{MaxChunks: tt.maxChunks})
			if got := s.MaxReadLen(); got != tt.want {
				t.Fatalf("MaxReadLen() = %d, want %d", got, tt.want)
			}
			n := s.Attributes().MaxChunks
			var want strings.Builder
			line := tt.name + "=" + value(4096-len(tt.name))
			if n > 1 {
				parts := []string{fmt.Sprintf("%s=__chunked__%d", tt.name, n)}
				for i := 1; i <= n; i++ {
					c := fmt.Sprintf("%s.%d", tt.name, i)
					v := value(4096 - len(c))
					want.WriteString(v)
					parts = append(parts, c+"="+v)
				}
				line = strings.Join(parts, "; ")
			} else {
				want.WriteString(value(4096 - len(tt.name)))
			}
			got, _, err := s.Read([]string{line})
			if err != nil || got != want.String() || len(got) != tt.want {
				t.Errorf("Read of %d browser-sized cookies = %d characters, %v; want %d", max(n, 1), len(got), err, tt.want)
			}
		})
	}
}

func TestReadErrorsNameNoValue(t *testing.T) {
	s := mustNew(t, "s", cookie.Attributes{Budget: cookie.NoBudget})
	for _, line := range []string{
		"s=__chunked__SECRET",
		"s=__chunked__2; s.1=SECRET",
		"s=__chunked__1; s.1=SECRET" + value(4096),
		"s=SECRET" + value(4096),
	} {
		_, _, err := s.Read(hdr(request(line)))
		if err == nil || strings.Contains(err.Error(), "SECRET") {
			t.Errorf("Read(%.30q…) error %v: want an error that does not echo the value", line, err)
		}
	}
}

func TestConcurrentUse(t *testing.T) {
	s := mustNew(t, "s", cookie.Attributes{Budget: cookie.NoBudget})
	v := value(9000)
	h := http.Header{}
	if err := s.Write(h, nil, v, time.Time{}, 0); err != nil {
		t.Fatal(err)
	}
	j := newJar(t)
	j.apply(t, h)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 50 {
				r := j.request()
				got, _, err := s.Read(hdr(r))
				if err != nil || got != v {
					errs <- fmt.Errorf("Read = %d chars, %v", len(got), err)
					return
				}
				h := http.Header{}
				if err := s.Write(h, hdr(r), got[:100], time.Time{}, 0); err != nil {
					errs <- err
					return
				}
				s.Delete(h, hdr(r))
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestAllocs(t *testing.T) {
	if testing.Short() {
		t.Skip("allocation counts are checked in the full run")
	}
	s := mustNew(t, "__Host-session", cookie.Attributes{Budget: cookie.NoBudget})
	v := value(340)
	r := request("theme=dark; __Host-session=" + v + "; _ga=GA1.2.3456789.1234567890; lang=en")
	if n := testing.AllocsPerRun(100, func() {
		if got, _, err := s.Read(hdr(r)); err != nil || got != v {
			t.Fatal("Read failed")
		}
	}); n > 2 {
		t.Errorf("Read of a 340-character cookie: %v allocs, want ≤ 2", n)
	}
	h := http.Header{}
	if n := testing.AllocsPerRun(100, func() {
		clear(h)
		if err := s.Write(h, hdr(r), v, time.Time{}, 3600); err != nil {
			t.Fatal(err)
		}
	}); n > 2 {
		t.Errorf("Write of a 340-character cookie: %v allocs, want ≤ 2", n)
	}
}

// A name that looks like another cookie's chunk would make two Specs delete
// and misread each other's cookies.
func TestNewRefusesChunkLikeNames(t *testing.T) {
	for _, name := range []string{"sid.1", "sid.64", "a.b.007"} {
		if _, err := cookie.New(name, cookie.Attributes{}); !errors.Is(err, cookie.ErrAttributes) {
			t.Errorf("New(%q): err = %v, want ErrAttributes", name, err)
		}
	}
	for _, name := range []string{"sid", "sid.", "sid.x1", "v1.2a", "a.b"} {
		if _, err := cookie.New(name, cookie.Attributes{}); err != nil {
			t.Errorf("New(%q): %v", name, err)
		}
	}
}
