package ironsession_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/sealcookie/sealcookie/cookie"
	"github.com/sealcookie/sealcookie/sealed"
	"github.com/sealcookie/sealcookie/sealed/iron"
	"github.com/sealcookie/sealcookie/session"
	"github.com/sealcookie/sealcookie/session/ironsession"
)

func mustKeyring(t *testing.T, ttl time.Duration) *iron.Keyring {
	t.Helper()
	cfg, err := iron.IronSessionConfig(plainPw(ironPw1), ttl)
	if err != nil {
		t.Fatal(err)
	}
	k, err := iron.NewKeyring(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// TestVersions: iron-session 8 and 9 read a value by its suffix differently;
// "~2" values, all that either writes, read the same in both.
func TestVersions(t *testing.T) {
	k := mustKeyring(t, time.Hour)
	seal := func(pt string) string {
		v, err := k.Seal([]byte(pt), t0)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	current := seal(`{"name":"current"}`)
	old := seal(`{"persistent":{"name":"old"},"name":"top"}`)
	tests := []struct {
		name     string
		value    string
		v8, v9   string // the Name read; "!" for rejected
		v8Reason error
	}{
		{"~2", current + "~2", "current", "current", nil},
		{"no suffix, pre-v8 shape", old, "old", "top", nil},
		{"no suffix, v8 shape", current, "", "current", nil},
		{"~3", current + "~3", "", "current", nil},
		// iron-session 8.0.4 splits on "~" and parseInt's the second part:
		// "x" is not 2 (an older version's seal), "2~2" is 2.
		{"~ then garbage", current + "~x", "", "current", nil},
		{"two suffixes", current + "~2~2", "current", "current", nil},
		{"~2 over a tampered seal", current[:len(current)-2] + "AA~2", "!", "!", sealed.ErrNotAuthentic},
	}
	for _, tc := range tests {
		for _, v := range []int{8, 9} {
			t.Run(fmt.Sprintf("%s/v%d", tc.name, v), func(t *testing.T) {
				f := newFixture(t, newFormat(t, ironsession.Config{TTL: time.Hour, Version: v}), nil)
				want := tc.v8
				if v == 9 {
					want = tc.v9
				}
				e, err := f.m.Decode(context.Background(), tc.value)
				switch {
				case want == "!" && err == nil:
					t.Errorf("read %+v, want a rejection", e.Data)
				case want == "!" && v == 8 && !errors.Is(err, tc.v8Reason):
					t.Errorf("error %v, want %v", err, tc.v8Reason)
				case want != "!" && err != nil:
					t.Errorf("error %v, want name %q", err, want)
				case want != "!" && e.Data.Name != want:
					t.Errorf("read name %q, want %q", e.Data.Name, want)
				}
			})
		}
	}
}

// TestEmptyDataSealsAsObject: iron-session seals an empty session as {};
// a nil map, which encodes as null, is sealed the same way.
func TestEmptyDataSealsAsObject(t *testing.T) {
	m, err := session.New(session.Config[map[string]any]{Format: newFormat(t, ironsession.Config{}), Clock: func() time.Time { return t0 }})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		edit func(*session.Session[map[string]any])
		want string
	}{
		{"Touch", func(s *session.Session[map[string]any]) { s.Touch() }, `{}`},
		{"Update to nil", func(s *session.Session[map[string]any]) { s.Update(func(d *map[string]any) { *d = nil }) }, `{}`},
		{"nulls inside stay", func(s *session.Session[map[string]any]) {
			s.Update(func(d *map[string]any) { *d = map[string]any{"cart": nil} })
		}, `{"cart":null}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := m.Get(newReq())
			tc.edit(s)
			h := http.Header{}
			if err := s.Save(h); err != nil {
				t.Fatal(err)
			}
			c, err := http.ParseSetCookie(h.Get("Set-Cookie"))
			if err != nil {
				t.Fatal(err)
			}
			seal, _, _ := iron.SplitIronSessionValue(c.Value)
			pt, _, err := mustKeyring(t, 0).Unseal(seal, t0)
			if err != nil || string(pt) != tc.want {
				t.Errorf("plaintext %s, %v; want %s", pt, err, tc.want)
			}
		})
	}
}

// TestNoExpirationSeal: iron accepts a seal without an expiration field
// forever. With a ttl configured, we refuse one; with ttl: 0 (TTL negative)
// we read it, as iron-session does.
func TestNoExpirationSeal(t *testing.T) {
	forever, err := mustKeyring(t, 0).Seal([]byte(`{"name":"forever"}`), t0)
	if err != nil {
		t.Fatal(err)
	}
	if p, _ := iron.Parse(forever); !p.Expiration.IsZero() {
		t.Fatal("the test seal has an expiration")
	}
	for _, v := range []int{8, 9} {
		withTTL := newFixture(t, newFormat(t, ironsession.Config{TTL: time.Hour, Version: v}), nil)
		if e, err := withTTL.m.Decode(context.Background(), forever+"~2"); !errors.Is(err, sealed.ErrExpired) {
			t.Errorf("v%d with a ttl read a seal without expiration: %+v, %v", v, e, err)
		}
		noTTL := newFixture(t, newFormat(t, ironsession.Config{TTL: -1, Version: v}), nil)
		noTTL.clk.Advance(10 * 365 * 24 * time.Hour)
		if e, err := noTTL.m.Decode(context.Background(), forever+"~2"); err != nil || e.Data.Name != "forever" {
			t.Errorf("v%d with ttl 0: %+v, %v", v, e, err)
		}
	}
}

// TestReadsWhatBrowsersKeep: iron-session writes one cookie up to 4096 bytes
// of Set-Cookie line (about 4,020 characters of value); we read any value
// that a browser keeps, though we write at most 4000 characters.
func TestReadsWhatBrowsersKeep(t *testing.T) {
	k := mustKeyring(t, time.Hour)
	f := newFixture(t, newFormat(t, ironsession.Config{TTL: time.Hour}), nil)
	var fits, over string
	for n := 2700; over == ""; n++ {
		v, err := k.Seal([]byte(`{"name":"`+strings.Repeat("n", n)+`"}`), t0)
		if err != nil {
			t.Fatal(err)
		}
		if v += "~2"; len("app")+len(v) <= cookie.BrowserLimit {
			fits = v
		} else {
			over = v
		}
	}
	if len(fits) <= cookie.ChunkSize {
		t.Fatalf("the longest value that fits is %d characters: the test needs one over 4000", len(fits))
	}
	f.do(t, newReq(&http.Cookie{Name: "app", Value: fits}), func(s *session.Session[User]) {
		if s.IsNew() {
			t.Errorf("a %d-character iron-session cookie was not read: %v", len(fits), f.log.Take())
		}
	})
	f.do(t, newReq(&http.Cookie{Name: "app", Value: over}), func(s *session.Session[User]) {
		if !s.IsNew() {
			t.Errorf("a %d-character cookie, past what browsers keep, was read", len(over))
		}
	})
	if errs := f.log.Take(); len(errs) != 1 || !errors.Is(errs[0], cookie.ErrTooLarge) {
		t.Errorf("OnError heard %v, want cookie.ErrTooLarge", errs)
	}
}
