package cookie_test

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/sealcookie/sealcookie/cookie"
)

// wireBytes is what h's Set-Cookie lines take on the wire.
func wireBytes(h http.Header) int {
	n := 0
	for _, l := range h["Set-Cookie"] {
		n += len("Set-Cookie: ") + len(l) + len("\r\n")
	}
	return n
}

// TestBudgetExact writes values around the budget with every kind of
// lifetime: one that fits is written, and its lines take no more than the
// budget; one over it is refused with ErrTooLarge, naming both numbers,
// and h is left as it was.
func TestBudgetExact(t *testing.T) {
	lifetimes := []struct {
		exp    time.Time
		maxAge int
	}{
		{time.Time{}, 0},
		{time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC), 7200},
		{time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), 34560000},
	}
	for _, budget := range []int{cookie.DefaultBudget, cookie.BudgetCurl, cookie.BudgetAPIGatewayHTTP, 5000} {
		for _, lt := range lifetimes {
			s := mustNew(t, "__Host-session", cookie.Attributes{Budget: budget})
			// Grow the value until Write refuses it: the last accepted one
			// fits, the first refused one does not.
			last := 0
			for n := s.MaxLen(); n <= s.MaxLen()+300; n++ {
				h := http.Header{"Set-Cookie": {"other=1"}}
				err := s.Write(h, nil, strings.Repeat("v", n), lt.exp, lt.maxAge)
				if err != nil {
					if !errors.Is(err, cookie.ErrTooLarge) {
						t.Fatalf("budget %d, %d chars: %v", budget, n, err)
					}
					if msg := err.Error(); !strings.Contains(msg, fmt.Sprint(budget)) || strings.Contains(msg, "vvvv") {
						t.Errorf("error %q should name the budget and never the value", msg)
					}
					if diff := cmp.Diff([]string{"other=1"}, h["Set-Cookie"]); diff != "" {
						t.Errorf("a refused Write touched h (-want +got):\n%s", diff)
					}
					break
				}
				if got := wireBytes(h) - len("Set-Cookie: other=1\r\n"); got > budget {
					t.Fatalf("budget %d: %d characters written in %d bytes", budget, n, got)
				}
				last = n
			}
			if last < s.MaxLen() || last >= s.MaxLen()+300 {
				t.Errorf("budget %d, lifetime %v: the longest value written is %d, MaxLen %d", budget, lt, last, s.MaxLen())
			}
		}
	}
}

// TestSizeIsWhatWriteWrites holds Size to the bytes Write produces with the
// longest attributes (an Expires and a ten-digit Max-Age), chunked or not.
func TestSizeIsWhatWriteWrites(t *testing.T) {
	s := mustNew(t, "s", cookie.Attributes{Budget: cookie.NoBudget, Domain: "example.com"})
	exp := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	for _, n := range []int{1, 100, cookie.ChunkSize, cookie.ChunkSize + 1, 3*cookie.ChunkSize - 1, 7 * cookie.ChunkSize, s.MaxLen()} {
		h := http.Header{}
		if err := s.Write(h, nil, strings.Repeat("v", n), exp, 1234567890); err != nil {
			t.Fatal(err)
		}
		if got, want := wireBytes(h), s.Size(n); got != want {
			t.Errorf("%d characters: Write wrote %d bytes, Size says %d", n, got, want)
		}
	}
}

// TestBudgetPresets: each preset's longest value, for the default cookie
// name; the default keeps a session in one cookie.
func TestBudgetPresets(t *testing.T) {
	want := map[int]int{ // budget: MaxLen for __Host-session, as computed
		cookie.DefaultBudget:        2944,
		cookie.BudgetCurl:           6768,
		cookie.BudgetAPIGatewayHTTP: 7792,
		cookie.BudgetVercel:         13676,
		cookie.BudgetFastly:         27622,
		cookie.NoBudget:             32000,
	}
	got := map[int]int{}
	for b := range want {
		got[b] = mustNew(t, "__Host-session", cookie.Attributes{Budget: b}).MaxLen()
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("MaxLen per budget (-want +got):\n%s", diff)
	}
	if n := mustNew(t, "__Host-session", cookie.Attributes{}).MaxLen(); n > cookie.ChunkSize {
		t.Errorf("the default budget allows %d characters: more than one cookie", n)
	}
	if cookie.BudgetNginx != cookie.DefaultBudget {
		t.Error("BudgetNginx is the default")
	}
}

func TestBudgetRefusedAtNew(t *testing.T) {
	for _, b := range []int{-2, 10, 100} {
		if _, err := cookie.New("s", cookie.Attributes{Budget: b}); !errors.Is(err, cookie.ErrAttributes) {
			t.Errorf("Budget %d: New = %v, want ErrAttributes", b, err)
		}
	}
}

// TestReadIgnoresBudget: a session chunked by a writer with a larger
// budget (a JavaScript peer, or this server before the budget was lowered)
// is still read.
func TestReadIgnoresBudget(t *testing.T) {
	big := mustNew(t, "s", cookie.Attributes{Budget: cookie.NoBudget})
	h := http.Header{}
	v := strings.Repeat("v", 9000)
	if err := big.Write(h, nil, v, time.Time{}, 0); err != nil {
		t.Fatal(err)
	}
	var pairs []string
	for _, l := range h["Set-Cookie"] {
		c, _ := http.ParseSetCookie(l)
		pairs = append(pairs, c.Name+"="+c.Value)
	}
	got, chunks, err := mustNew(t, "s", cookie.Attributes{}).Read([]string{strings.Join(pairs, "; ")})
	if err != nil || got != v || chunks != 3 {
		t.Errorf("Read = %d characters, %d chunks, %v", len(got), chunks, err)
	}
}

// TestMissingChunks: chunks that infrastructure dropped are reported as
// ErrMissingChunks (an ErrChunks), distinct from a malformed chunk count.
func TestMissingChunks(t *testing.T) {
	s := mustNew(t, "s", cookie.Attributes{})
	tests := []struct {
		line    string
		missing bool
	}{
		{"s=__chunked__3; s.1=a; s.2=b", true}, // the last one dropped (curl past 8190 bytes)
		{"s=__chunked__2; s.2=b", true},        // the first one dropped
		{"s.1=a; s.2=b; other=1", true},        // the main cookie dropped
		{"s=__chunked__x; s.1=a", false},       // malformed, not missing
	}
	for _, tt := range tests {
		_, _, err := s.Read([]string{tt.line})
		if !errors.Is(err, cookie.ErrChunks) {
			t.Errorf("%q: %v, want ErrChunks", tt.line, err)
		}
		if got := errors.Is(err, cookie.ErrMissingChunks); got != tt.missing {
			t.Errorf("%q: %v; ErrMissingChunks %v, want %v", tt.line, err, got, tt.missing)
		}
	}
	// An extra chunk is stale (an overlapping response wrote more), not
	// missing: read past, as h3 does.
	if v, n, err := s.Read([]string{"s=__chunked__2; s.1=a; s.2=b; s.3=c"}); err != nil || v != "ab" || n != 2 {
		t.Errorf("a stale extra chunk: %q, %d, %v; want \"ab\", 2 chunks", v, n, err)
	}
}
