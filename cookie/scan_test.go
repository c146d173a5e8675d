package cookie

import (
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

type pair struct{ Name, Value string }

// netHTTP is what net/http's Request.Cookies makes of the lines.
func netHTTP(lines []string) []pair {
	var out []pair
	for _, c := range (&http.Request{Header: http.Header{"Cookie": lines}}).Cookies() {
		out = append(out, pair{c.Name, c.Value})
	}
	return out
}

func scanned(lines []string) []pair {
	var out []pair
	scan(lines, func(string) bool { return true }, func(n, v string) bool {
		out = append(out, pair{n, v})
		return true
	})
	return out
}

var scanSeeds = [][]string{
	nil,
	{""},
	{"a=1"},
	{"a=1; b=2; a=3"},                   // duplicates: all kept, in order
	{" a = 1 ;b=2;; ;c"},                // spaces around names and values, empty parts, no '='
	{`a="quoted"; b=""; c="x; d="`},     // quotes removed once; a lone quote refused
	{`a="x"y"; b=x"; c=a b; d=a,b`},     // inner quotes refused, space and comma allowed
	{"a=\x00; b=\x7f; c=é; d=\\"},       // control bytes, non-ASCII, backslash
	{"a b=1; a\tb=2; (x)=3; ok=4"},      // invalid token names
	{"\t a=1 \r\n", " b=2", "c=3; d=4"}, // several lines, each trimmed
	{"a=1;b=2", ""},
	{"s=__chunked__2; s.1=aaa; s.2=bbb; other=1"},
	{strings.Repeat("x=1;", 2999) + "y=2"},  // 3000 cookies: the cap
	{strings.Repeat("x=1;", 3000) + "y=2"},  // 3001 cookies: none
	{strings.Repeat("x=1;", 1500), "y=2;z"}, // the cap counts across lines
}

// The request-path scanner makes of every header exactly what net/http's
// Request.Cookies makes of it: the same names and values, in the same
// order, and none past net/http's cookie cap.
func TestScanMatchesNetHTTP(t *testing.T) {
	for _, lines := range scanSeeds {
		if diff := cmp.Diff(netHTTP(lines), scanned(lines)); diff != "" {
			t.Errorf("%.80q (-net/http +scan):\n%s", lines, diff)
		}
	}
}

func FuzzScanMatchesNetHTTP(f *testing.F) {
	for _, lines := range scanSeeds {
		if len(lines) <= 3 {
			l := append(append([]string(nil), lines...), "", "", "")
			f.Add(l[0], l[1], l[2], uint8(len(lines)))
		}
	}
	f.Fuzz(func(t *testing.T, a, b, c string, n uint8) {
		lines := []string{a, b, c}[:n%4]
		if diff := cmp.Diff(netHTTP(lines), scanned(lines)); diff != "" {
			t.Errorf("%q (-net/http +scan):\n%s", lines, diff)
		}
		// first finds the first occurrence, as CookiesNamed does.
		if len(lines) > 0 {
			name := "a"
			if got := netHTTP(lines); len(got) > 0 {
				name = got[len(got)-1].Name
			}
			want := (&http.Request{Header: http.Header{"Cookie": lines}}).CookiesNamed(name)
			v, ok := first(lines, name)
			if ok != (len(want) > 0) || ok && v != want[0].Value {
				t.Errorf("first(%q) = %q, %v; net/http: %v", name, v, ok, want)
			}
		}
	})
}

// Reading the session cookie from a typical browser header allocates
// nothing but the chunked value's join.
func TestReadAllocations(t *testing.T) {
	s, err := New("__Host-session", Attributes{})
	if err != nil {
		t.Fatal(err)
	}
	v := strings.Repeat("A", 300)
	plain := []string{"theme=dark; _ga=GA1.2.3456789.1234567890; __Host-session=" + v + "; lang=en"}
	if n := testing.AllocsPerRun(100, func() {
		if got, _, err := s.Read(plain); err != nil || got != v {
			t.Fatalf("Read = %.20q, %v", got, err)
		}
	}); n != 0 {
		t.Errorf("Read of a plain cookie: %v allocations, want 0", n)
	}
	chunked := []string{"theme=dark; __Host-session=__chunked__2; __Host-session.1=" + v + "; __Host-session.2=" + v}
	if n := testing.AllocsPerRun(100, func() {
		if _, _, err := s.Read(chunked); err != nil {
			t.Fatal(err)
		}
	}); n > 1 {
		t.Errorf("Read of a chunked cookie: %v allocations, want at most 1 (the join)", n)
	}
}
