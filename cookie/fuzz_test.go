package cookie_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/sealcookie/sealcookie/cookie"
)

// writable is an independent statement of what Write must accept.
func writable(v string, maxLen int) bool {
	if v == "" || len(v) > maxLen || strings.HasPrefix(v, "__chunked__") {
		return false
	}
	for i := 0; i < len(v); i++ {
		if b := v[i]; b <= ' ' || b >= 0x7f || strings.IndexByte(`",;\`, b) >= 0 {
			return false
		}
	}
	return true
}

// FuzzChunks checks that Write then Read is the identity, that every chunk
// fits in ChunkSize and the count in MaxChunks, and that Write refuses
// exactly the values it must (with a sentinel and without touching h).
func FuzzChunks(f *testing.F) {
	f.Add("abc", uint16(1), uint8(0))
	f.Add("Fe26.2**0123456789abcdef*", uint16(3999), uint8(0))
	f.Add("x", uint16(4000), uint8(1))
	f.Add("x", uint16(4001), uint8(1))
	f.Add("ab", uint16(8000), uint8(2))
	f.Add("abc", uint16(8001), uint8(2))
	f.Add("-_", uint16(32000), uint8(0))
	f.Add("-_", uint16(32001), uint8(8))
	f.Add("a b", uint16(10), uint8(0))
	f.Add("__chunked__", uint16(20), uint8(0))
	f.Add("é", uint16(9000), uint8(64))
	f.Add("q", uint16(65535), uint8(17))
	f.Fuzz(func(t *testing.T, seed string, n uint16, maxChunks uint8) {
		s, err := cookie.New("s", cookie.Attributes{MaxChunks: int(maxChunks), Budget: cookie.NoBudget})
		if err != nil {
			if !errors.Is(err, cookie.ErrAttributes) || int(maxChunks) <= cookie.MaxChunksLimit {
				t.Fatalf("New(MaxChunks %d) = %v", maxChunks, err)
			}
			return
		}
		v := ""
		if seed != "" {
			v = strings.Repeat(seed, int(n)/len(seed)+1)[:n]
		}
		h := http.Header{}
		err = s.Write(h, nil, v, time.Time{}, 0)
		if want := writable(v, s.MaxLen()); (err == nil) != want {
			t.Fatalf("Write(%d chars, MaxChunks %d) = %v; writable: %v", len(v), s.Attributes().MaxChunks, err, want)
		}
		if err != nil {
			if !errors.Is(err, cookie.ErrInvalid) && !errors.Is(err, cookie.ErrTooLarge) {
				t.Fatalf("Write error %v matches no sentinel", err)
			}
			if len(h) != 0 {
				t.Fatalf("failed Write wrote %v", h)
			}
			return
		}
		lines := h["Set-Cookie"]
		chunks := len(lines) - 1
		if chunks == 1 || chunks > s.Attributes().MaxChunks {
			t.Fatalf("%d characters written as %d chunks (MaxChunks %d)", len(v), chunks, s.Attributes().MaxChunks)
		}
		r, _ := http.NewRequest(http.MethodGet, "https://example.com/", nil)
		for _, l := range lines {
			c, err := http.ParseSetCookie(l)
			if err != nil {
				t.Fatalf("ParseSetCookie(%.40q): %v", l, err)
			}
			if len(c.Value) > cookie.ChunkSize || c.Quoted {
				t.Fatalf("cookie %s value is %d characters (quoted %v)", c.Name, len(c.Value), c.Quoted)
			}
			r.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
		}
		got, gotChunks, err := s.Read(hdr(r))
		if err != nil || got != v || gotChunks != chunks {
			t.Fatalf("Read = %d chars, %d chunks, %v; want %d chars, %d chunks", len(got), gotChunks, err, len(v), chunks)
		}
	})
}

// FuzzRead checks that arbitrary Cookie header lines never panic Read, Write
// or Delete, that a returned value is within MaxLen, and that every error
// matches a sentinel.
func FuzzRead(f *testing.F) {
	for _, seed := range []string{
		"",
		"s=hello",
		"s=; s=x",
		`s="quoted"`,
		"a=1; s=__chunked__2; s.1=ab; s.2=cd",
		"s=__chunked__2\ns.1=ab; s.2=cd",
		"s=__chunked__3; s.1=a; s.3=c",
		"s=__chunked__2; s.1=a; s.2=b; s.3=c",
		"s=__chunked__2; s.1=; s.2=b",
		"s=__chunked__-1",
		"s=__chunked__0",
		"s=__chunked__+2; s.1=a; s.2=b",
		"s=__chunked__02; s.1=a; s.2=b",
		"s=__chunked__ 2; s.1=a; s.2=b",
		"s=__chunked__99999999999999999999",
		"s=__chunked__abc",
		"s=__chunked__64; s.64=x",
		"s.1=a; s.64=b; s.65=c; s.0=d",
		"s=" + strings.Repeat("x", cookie.ChunkSize+1),
		"s=__chunked__1; s.1=" + strings.Repeat("x", cookie.ChunkSize+1),
		"s=" + strings.Repeat("x", cookie.BrowserLimit),
		"s=__chunked__1; s.1=" + strings.Repeat("x", cookie.BrowserLimit-2),
		"s=a;;; ;s=b;=;s;s==",
		"s=\x00; s.1=\xff",
	} {
		f.Add(seed, uint8(0))
	}
	f.Add("s=__chunked__2; s.1=a; s.2=b", uint8(1))
	f.Add("s=__chunked__9; s.1=a", uint8(64))
	f.Fuzz(func(t *testing.T, header string, maxChunks uint8) {
		s, err := cookie.New("s", cookie.Attributes{MaxChunks: int(maxChunks % (cookie.MaxChunksLimit + 1)), Budget: cookie.NoBudget})
		if err != nil {
			t.Fatal(err)
		}
		r, _ := http.NewRequest(http.MethodGet, "https://example.com/", nil)
		r.Header["Cookie"] = strings.Split(header, "\n")

		v, chunks, err := s.Read(hdr(r))
		switch {
		case err == nil:
			if v == "" || len(v) > s.MaxReadLen() || chunks < 0 || chunks == 0 && len("s")+len(v) > cookie.BrowserLimit || chunks > s.Attributes().MaxChunks {
				t.Fatalf("Read = %d chars, %d chunks: outside the limits", len(v), chunks)
			}
		case errors.Is(err, cookie.ErrNoCookie), errors.Is(err, cookie.ErrChunks), errors.Is(err, cookie.ErrTooLarge):
			if v != "" || chunks != 0 {
				t.Fatalf("Read returned %d chars, %d chunks with error %v", len(v), chunks, err)
			}
		default:
			t.Fatalf("Read error %v matches no sentinel", err)
		}

		h := http.Header{}
		if err := s.Write(h, hdr(r), "v", time.Time{}, 0); err != nil {
			t.Fatal(err)
		}
		s.Delete(h, hdr(r))
		for i, l := range h["Set-Cookie"] {
			c, err := http.ParseSetCookie(l)
			if err != nil {
				t.Fatal(err)
			}
			if (c.Name != "s" && !strings.HasPrefix(c.Name, "s.")) || c.MaxAge >= 0 || (i == 0) != (c.Name == "s") {
				t.Fatalf("Delete wrote unexpected line %q", l)
			}
		}
	})
}
