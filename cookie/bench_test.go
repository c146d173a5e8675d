package cookie_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/sealcookie/sealcookie/cookie"
)

var benchSizes = []struct {
	name string
	n    int
}{
	{"340B", 340},
	{"3chunks", 10340},
}

// benchRequest carries the session cookie among a few typical others.
func benchRequest(b *testing.B, s *cookie.Spec, v string) *http.Request {
	b.Helper()
	h := http.Header{}
	if err := s.Write(h, nil, v, time.Time{}, 0); err != nil {
		b.Fatal(err)
	}
	r := request()
	r.AddCookie(&http.Cookie{Name: "theme", Value: "dark"})
	r.AddCookie(&http.Cookie{Name: "_ga", Value: "GA1.2.3456789.1234567890"})
	for _, l := range h["Set-Cookie"] {
		c, err := http.ParseSetCookie(l)
		if err != nil {
			b.Fatal(err)
		}
		r.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
	}
	r.AddCookie(&http.Cookie{Name: "lang", Value: "en"})
	return r
}

func BenchmarkRead(b *testing.B) {
	s := mustNew(b, "__Host-session", cookie.Attributes{Budget: cookie.NoBudget})
	for _, size := range benchSizes {
		b.Run(size.name, func(b *testing.B) {
			v := value(size.n)
			r := benchRequest(b, s, v)
			b.SetBytes(int64(size.n))
			b.ReportAllocs()
			var got string
			var err error
			for b.Loop() {
				got, _, err = s.Read(hdr(r))
			}
			if err != nil || got != v {
				b.Fatalf("Read = %d chars, %v", len(got), err)
			}
		})
	}
}

func BenchmarkWrite(b *testing.B) {
	s := mustNew(b, "__Host-session", cookie.Attributes{Budget: cookie.NoBudget})
	for _, size := range benchSizes {
		b.Run(size.name, func(b *testing.B) {
			v := value(size.n)
			r := benchRequest(b, s, v) // the request already carries the cookie
			exp := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
			h := http.Header{}
			b.SetBytes(int64(size.n))
			b.ReportAllocs()
			var err error
			for b.Loop() {
				clear(h)
				err = s.Write(h, hdr(r), v, exp, 3600)
			}
			if want := 1 + (size.n+cookie.ChunkSize-1)/cookie.ChunkSize; err != nil || size.n > cookie.ChunkSize && len(h["Set-Cookie"]) != want {
				b.Fatalf("Write = %v, %d lines", err, len(h["Set-Cookie"]))
			}
		})
	}
}

func BenchmarkDelete(b *testing.B) {
	s := mustNew(b, "__Host-session", cookie.Attributes{Budget: cookie.NoBudget})
	r := benchRequest(b, s, value(10340))
	h := http.Header{}
	b.ReportAllocs()
	for b.Loop() {
		clear(h)
		s.Delete(h, hdr(r))
	}
	if len(h["Set-Cookie"]) != 4 {
		b.Fatalf("Delete wrote %d lines, want 4", len(h["Set-Cookie"]))
	}
}
