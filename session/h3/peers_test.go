package h3_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sealcookie/sealcookie/cookie"
	"github.com/sealcookie/sealcookie/sealed/iron"
	"github.com/sealcookie/sealcookie/session"
	"github.com/sealcookie/sealcookie/session/h3"
)

// TestEmptyDataSealsAsObject: h3's session.update() merges into the data
// with Object.assign, which throws on null, so a Go session whose data
// encodes as null (a nil map or pointer) is sealed as h3 seals an empty
// session: "data":{}. Data that is not null is sealed exactly as encoded,
// nil maps and slices inside it included (h3 keeps those nulls as they are).
func TestEmptyDataSealsAsObject(t *testing.T) {
	type prefs struct {
		Tags  []string          `json:"tags"`
		Flags map[string]bool   `json:"flags"`
		Next  *map[string]int64 `json:"next"`
	}
	for _, version := range []int{1, 2} {
		opts := func(t *testing.T) iron.Config {
			cfg, err := iron.H3V1Config(plainPw(ironPw1), 0)
			if version == 2 {
				cfg, err = iron.H3Config(plainPw(ironPw1), 0)
			}
			if err != nil {
				t.Fatal(err)
			}
			return cfg
		}
		f := newFormat(t, h3.Config{Version: version, MaxAge: -1, IdleTimeout: -1})
		t.Run(fmt.Sprintf("map/v%d", version), func(t *testing.T) {
			m := newManager[map[string]any](t, f)
			tests := []struct {
				name string
				edit func(*session.Session[map[string]any])
				want string
			}{
				{"Touch of a new session", func(s *session.Session[map[string]any]) { s.Touch() }, `{"id":"id-1","createdAt":1767225600000,"data":{}}`},
				{"Regenerate of a new session", func(s *session.Session[map[string]any]) { s.Regenerate() }, `{"id":"id-1","createdAt":1767225600000,"data":{}}`},
				{"Update to nil", func(s *session.Session[map[string]any]) {
					s.Update(func(d *map[string]any) { *d = nil })
				}, `{"id":"id-1","createdAt":1767225600000,"data":{}}`},
				{"Update to an empty map", func(s *session.Session[map[string]any]) {
					s.Update(func(d *map[string]any) { *d = map[string]any{} })
				}, `{"id":"id-1","createdAt":1767225600000,"data":{}}`},
				{"nulls inside the data stay", func(s *session.Session[map[string]any]) {
					s.Update(func(d *map[string]any) { *d = map[string]any{"data": nil, "cart": []any(nil)} })
				}, `{"id":"id-1","createdAt":1767225600000,"data":{"cart":null,"data":null}}`},
			}
			for _, tc := range tests {
				t.Run(tc.name, func(t *testing.T) {
					v := saveNew(t, m, tc.edit)
					pt, _, err := mustKeyring(t, opts(t)).Unseal(v, t0)
					if err != nil {
						t.Fatal(err)
					}
					if diff := cmp.Diff(tc.want, string(pt)); diff != "" {
						t.Errorf("plaintext (-want +got):\n%s", diff)
					}
				})
			}
		})
		t.Run(fmt.Sprintf("pointer/v%d", version), func(t *testing.T) {
			m := newManager[*prefs](t, f)
			v := saveNew(t, m, func(s *session.Session[*prefs]) { s.Touch() })
			pt, _, err := mustKeyring(t, opts(t)).Unseal(v, t0)
			if err != nil {
				t.Fatal(err)
			}
			if want := `{"id":"id-1","createdAt":1767225600000,"data":{}}`; string(pt) != want {
				t.Errorf("plaintext %s, want %s", pt, want)
			}
			v = saveNew(t, m, func(s *session.Session[*prefs]) { s.Update(func(p **prefs) { *p = &prefs{} }) })
			pt, _, _ = mustKeyring(t, opts(t)).Unseal(v, t0)
			if want := `{"id":"id-1","createdAt":1767225600000,"data":{"tags":null,"flags":null,"next":null}}`; string(pt) != want {
				t.Errorf("plaintext %s, want %s", pt, want)
			}
			// h3's {} reads back as a non-nil empty value.
			e, err := m.Decode(context.Background(), v)
			if err != nil || e.Data == nil {
				t.Errorf("Decode = %+v, %v", e, err)
			}
		})
	}
}

func newManager[T any](t *testing.T, f session.Format) *session.Manager[T] {
	t.Helper()
	m, err := session.New(session.Config[T]{Format: f, Clock: func() time.Time { return t0 }, GenerateID: func() string { return "id-1" }})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// saveNew saves a new session changed by edit and returns its cookie value.
func saveNew[T any](t *testing.T, m *session.Manager[T], edit func(*session.Session[T])) string {
	t.Helper()
	s := m.Get(newReq())
	edit(s)
	h := http.Header{}
	if err := s.Save(h); err != nil {
		t.Fatal(err)
	}
	c, err := http.ParseSetCookie(h.Get("Set-Cookie"))
	if err != nil {
		t.Fatal(err)
	}
	return c.Value
}

func mustKeyring(t *testing.T, c iron.Config) *iron.Keyring {
	t.Helper()
	if c.Budget == nil {
		c.Budget = testBudget
	}
	k, err := iron.NewKeyring(c)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// TestReadsWhatBrowsersKeep: h3 1.x writes one cookie of any length, and
// browsers keep it while name and value fit in 4096 bytes. We read such a
// value although we write at most 4000 characters per cookie ourselves.
func TestReadsWhatBrowsersKeep(t *testing.T) {
	cfg, err := iron.H3V1Config(plainPw(ironPw1), 0)
	if err != nil {
		t.Fatal(err)
	}
	k := mustKeyring(t, cfg)
	f := newFixture(t, newFormat(t, h3.Config{Version: 1, MaxAge: -1}), nil)
	// The longest seal that fits beside the name "h3", and one character more.
	var fits, over string
	for n := 2700; over == ""; n++ {
		v, err := k.Seal([]byte(`{"id":"x","createdAt":1767225600000,"data":{"pad":"`+strings.Repeat("p", n)+`"}}`), t0)
		if err != nil {
			t.Fatal(err)
		}
		if len("h3")+len(v) <= 4096 {
			fits = v
		} else {
			over = v
		}
	}
	if len(fits) <= 4000 {
		t.Fatalf("the longest seal that fits is %d characters: the test needs one over 4000", len(fits))
	}
	f.do(t, newReq(&http.Cookie{Name: "h3", Value: fits}), func(s *session.Session[User]) {
		if s.IsNew() || s.ID() != "x" {
			t.Errorf("a %d-character h3 1.x cookie was not read: %v", len(fits), f.log.Take())
		}
	})
	f.do(t, newReq(&http.Cookie{Name: "h3", Value: over}), func(s *session.Session[User]) {
		if !s.IsNew() {
			t.Errorf("a %d-character cookie, past what browsers keep, was read", len(over))
		}
	})
	if errs := f.log.Take(); len(errs) != 1 || !errors.Is(errs[0], cookie.ErrTooLarge) {
		t.Errorf("OnError heard %v, want cookie.ErrTooLarge", errs)
	}
	// Through the session header the same value is read too.
	r := newReq()
	r.Header.Set("X-H3-Session", fits)
	if s := f.m.Get(r); s.IsNew() {
		t.Errorf("a %d-character value in the session header was not read: %v", len(fits), f.log.Take())
	}
}

// BenchmarkSealEmptyData measures what writing h3's empty shape costs a seal:
// an envelope without a "data" member holding null is only searched (nulls
// elsewhere included); one with "data":null is also walked and rewritten.
func BenchmarkSealEmptyData(b *testing.B) {
	f := newFormat(b, h3.Config{Version: 1, MaxAge: -1})
	for _, tc := range []struct{ name, pt string }{
		{"no-null", `{"id":"5141e7c0-ef55-4cd9-956c-ed71d9761896","createdAt":1768471200000,"data":{"user":{"id":42,"name":"Ada Lovelace"},"theme":"dark"}}`},
		{"data-null", `{"id":"5141e7c0-ef55-4cd9-956c-ed71d9761896","createdAt":1768471200000,"data":null}`},
		{"null-inside", `{"id":"5141e7c0-ef55-4cd9-956c-ed71d9761896","createdAt":1768471200000,"data":{"user":{"id":42,"name":"Ada Lovelace"},"cart":null}}`},
		{"nested-data-null", `{"id":"5141e7c0-ef55-4cd9-956c-ed71d9761896","createdAt":1768471200000,"data":{"user":{"id":42},"data":null}}`},
	} {
		b.Run(tc.name, func(b *testing.B) {
			pt := []byte(tc.pt)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := f.Seal(pt, "h3", time.Time{}, t0); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestEmptyDataShapes: only a top-level "data": null becomes {}, however the
// encoder spaced it; a nested one, and envelopes that do not parse, stay.
func TestEmptyDataShapes(t *testing.T) {
	k := mustKeyring(t, func() iron.Config {
		c, err := iron.H3V1Config(plainPw(ironPw1), 0)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}())
	f := newFormat(t, h3.Config{Version: 1, MaxAge: -1})
	for _, tc := range []struct{ in, want string }{
		{`{"id":"x","createdAt":1,"data":null}`, `{"id":"x","createdAt":1,"data":{}}`},
		{`{"id":"x", "data" : null, "createdAt":1}`, `{"id":"x", "data" : {}, "createdAt":1}`},
		{"{\n \"data\":\tnull\n}", "{\n \"data\":\t{}\n}"},
		{`{"id":"x","createdAt":1,"data":{"data":null}}`, `{"id":"x","createdAt":1,"data":{"data":null}}`},
		{`{"id":"x","createdAt":1,"data":{"k":"\"data\":null"}}`, `{"id":"x","createdAt":1,"data":{"k":"\"data\":null"}}`},
		{`{"id":"x","createdAt":1,"data":{"a":[null]},"other":{"data":null}}`, `{"id":"x","createdAt":1,"data":{"a":[null]},"other":{"data":null}}`},
		{`{"id":"x","data":nul`, `{"id":"x","data":nul`},
		{`["data",null]`, `["data",null]`},
		{`null`, `null`},
	} {
		v, err := f.Seal([]byte(tc.in), "h3", time.Time{}, t0)
		if err != nil {
			t.Fatal(err)
		}
		pt, _, err := k.Unseal(v, t0)
		if err != nil || string(pt) != tc.want {
			t.Errorf("Seal(%q) sealed %q, %v; want %q", tc.in, pt, err, tc.want)
		}
	}
}
