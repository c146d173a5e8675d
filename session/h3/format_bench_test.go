package h3_test

// The JavaScript peers' formats (h3 2.x and 1.x, iron-session) through a
// Manager, beside the native one:
//
//	go test -run='^$' -bench=Format -benchmem ./session/h3
//
// FormatDecode: a request carrying the session cookie → the typed data. In
// the h3 format the seal's keys come from the codec's cache after the first
// sight (the target: ≤ 10 µs, against about 6.4 ms per unseal in h3 itself).
// FormatEncode: a changed session → its Set-Cookie header.

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/sealcookie/sealcookie/cookie"
	"github.com/sealcookie/sealcookie/internal/testpayload"
	"github.com/sealcookie/sealcookie/sealed"
	"github.com/sealcookie/sealcookie/sealed/iron"
	"github.com/sealcookie/sealcookie/session"
	"github.com/sealcookie/sealcookie/session/h3"
	"github.com/sealcookie/sealcookie/session/ironsession"
)

// benchFormats are the formats compared, each with a 24-hour lifetime and no
// idle timeout. single marks the formats whose peers read one cookie.
var benchFormats = []struct {
	name   string
	single bool
	format func(b *testing.B) session.Format // nil: native
}{
	{"native", false, nil},
	{"h3", false, func(b *testing.B) session.Format {
		return newFormat(b, h3.Config{MaxAge: 24 * time.Hour, IdleTimeout: -1})
	}},
	{"h3v1", true, func(b *testing.B) session.Format {
		return newFormat(b, h3.Config{Version: 1, MaxAge: 24 * time.Hour})
	}},
	{"iron-session", true, func(b *testing.B) session.Format {
		f, err := ironsession.New(ironsession.Config{CookieName: "h3", Password: iron.PasswordOption{Plain: ironPw1}, TTL: 24 * time.Hour})
		if err != nil {
			b.Fatal(err)
		}
		return f
	}},
}

func benchPayload(b *testing.B, name string) testpayload.Envelope {
	raw, err := testpayload.Read(name)
	if err != nil {
		b.Fatal(err)
	}
	var e testpayload.Envelope
	if err := json.Unmarshal(raw, &e); err != nil {
		b.Fatal(err)
	}
	return e
}

func benchFormatManager(b *testing.B, format func(*testing.B) session.Format) *session.Manager[testpayload.Data] {
	clk := newClock()
	c := session.Config[testpayload.Data]{Name: "h3", Clock: clk.Now, Cookie: cookie.Attributes{Budget: cookie.NoBudget}}
	if format == nil {
		c.Keys = []sealed.Key{nativeKey}
		c.MaxAge, c.IdleTimeout = 24*time.Hour, -1
	} else {
		c.Format = format(b)
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
			if name == testpayload.Large && f.single {
				continue // over one cookie: those libraries do not chunk
			}
			b.Run(name+"/"+f.name, func(b *testing.B) {
				m := benchFormatManager(b, f.format)
				v, err := m.Encode(session.Envelope[testpayload.Data]{ID: env.ID, CreatedAt: t0.UnixMilli(), Data: env.Data})
				if err != nil {
					b.Fatal(err)
				}
				spec, err := cookie.New(m.Name(), cookie.Attributes{Budget: cookie.NoBudget})
				if err != nil {
					b.Fatal(err)
				}
				w := httptest.NewRecorder()
				if err := spec.Write(w.Header(), nil, v, time.Time{}, 0); err != nil {
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
			if name == testpayload.Large && f.single {
				continue
			}
			b.Run(name+"/"+f.name, func(b *testing.B) {
				m := benchFormatManager(b, f.format)
				r := httptest.NewRequest("GET", "https://example.com/", nil)
				h := http.Header{}
				b.ReportAllocs()
				for b.Loop() {
					clear(h)
					s := m.Get(r)
					if err := s.Update(func(d *testpayload.Data) { *d = env.Data }); err != nil {
						b.Fatal(err)
					}
					if err := s.Save(h); err != nil {
						b.Fatal(err)
					}
				}
				if len(h["Set-Cookie"]) == 0 {
					b.Fatal("no Set-Cookie")
				}
			})
		}
	}
}
