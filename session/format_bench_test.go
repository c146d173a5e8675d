package session_test

// The iron formats through a Manager, beside the native one:
//
//	go test -run='^$' -bench=Format -benchmem ./session
//
// FormatDecode: a request carrying the session cookie → the typed data. In
// the h3 format the seal's keys come from the codec's cache after the first
// sight (the target: ≤ 10 µs, against about 6.4 ms per unseal in h3 itself).
// FormatEncode: a changed session → its Set-Cookie header.

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/sealcookie/sealcookie/internal/testpayload"
	"github.com/sealcookie/sealcookie/sealed"
	"github.com/sealcookie/sealcookie/sealed/iron"
	"github.com/sealcookie/sealcookie/session"
)

var benchFormats = []struct {
	name   string
	format session.Format
}{
	{"native", session.FormatNative},
	{"h3", session.FormatH3},
	{"h3v1", session.FormatH3V1},
	{"iron-session", session.FormatIronSession},
}

func benchFormatManager(b *testing.B, format session.Format) *session.Manager[testpayload.Data] {
	clk := newClock()
	c := session.Config[testpayload.Data]{Name: "h3", Clock: clk.Now, MaxAge: 24 * time.Hour, IdleTimeout: -1, Format: format}
	if format == session.FormatNative {
		c.Keys = []sealed.Key{key1}
	} else {
		c.IronPassword = iron.PasswordOption{Plain: ironPw1}
	}
	m, err := session.New(c)
	if err != nil {
		b.Fatal(err)
	}
	return m
}

func BenchmarkFormatDecode(b *testing.B) {
	for _, name := range []string{testpayload.Small, testpayload.Large} {
		env := benchPayload(b, name)
		for _, f := range benchFormats {
			if name == testpayload.Large && (f.format == session.FormatH3V1 || f.format == session.FormatIronSession) {
				continue // over one cookie: those libraries do not chunk
			}
			b.Run(name+"/"+f.name, func(b *testing.B) {
				m := benchFormatManager(b, f.format)
				v, err := m.Encode(session.Envelope[testpayload.Data]{ID: env.ID, CreatedAt: t0.UnixMilli(), Data: env.Data})
				if err != nil {
					b.Fatal(err)
				}
				w := httptest.NewRecorder()
				if err := m.Cookie().Write(w.Header(), nil, v, time.Time{}, 0); err != nil {
					b.Fatal(err)
				}
				var pairs []string
				for _, c := range w.Result().Cookies() {
					pairs = append(pairs, c.Name+"="+c.Value)
				}
				r := httptest.NewRequest("GET", "https://example.com/", nil)
				r.Header.Set("Cookie", "theme=dark; "+strings.Join(pairs, "; ")+"; _ga=GA1.2.3")
				m.Get(r) // first sight: derives the keys in the iron formats
				b.ReportAllocs()
				var s *session.Session[testpayload.Data]
				for b.Loop() {
					s = m.Get(r)
				}
				if s.IsNew() || s.Data().UserID != env.Data.UserID {
					b.Fatal("decode failed")
				}
				b.ReportMetric(float64(len(v)), "chars")
			})
		}
	}
}

func BenchmarkFormatEncode(b *testing.B) {
	for _, name := range []string{testpayload.Small, testpayload.Large} {
		env := benchPayload(b, name)
		for _, f := range benchFormats {
			if name == testpayload.Large && (f.format == session.FormatH3V1 || f.format == session.FormatIronSession) {
				continue
			}
			b.Run(name+"/"+f.name, func(b *testing.B) {
				m := benchFormatManager(b, f.format)
				r := httptest.NewRequest("GET", "https://example.com/", nil)
				w := &discardWriter{h: http.Header{}}
				b.ReportAllocs()
				for b.Loop() {
					clear(w.h)
					s := m.Get(r)
					s.Update(func(d *testpayload.Data) { *d = env.Data })
					if err := s.Save(w); err != nil {
						b.Fatal(err)
					}
				}
				if len(w.h["Set-Cookie"]) == 0 {
					b.Fatal("no Set-Cookie")
				}
			})
		}
	}
}
