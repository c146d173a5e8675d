package h3_test

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sealcookie/sealcookie/internal/vectors"
	"github.com/sealcookie/sealcookie/sealed"
	"github.com/sealcookie/sealcookie/sealed/iron"
	"github.com/sealcookie/sealcookie/session"
	"github.com/sealcookie/sealcookie/session/h3"
)

// forgeSalt replaces the HMAC salt of an h3 cookie value with a fresh random
// one: what an attacker without an account sends to cost a derivation.
func forgeSalt(t *testing.T, v string) string {
	t.Helper()
	p := strings.Split(v, "*")
	if len(p) != 8 {
		t.Fatalf("not a seal: %d fields", len(p))
	}
	var salt [32]byte
	rand.Read(salt[:])
	p[6] = hex.EncodeToString(salt[:])
	return strings.Join(p, "*")
}

// signIn saves a session for name through f and returns its cookie.
func signIn(t *testing.T, f *fixture, name string) *http.Cookie {
	t.Helper()
	return onlyCookie(t, f.do(t, newReq(), func(s *session.Session[User]) { update(t, s, func(u *User) { u.Name = name }) }), "h3")
}

// TestForgedCookiesOverBudget runs forged h3 2.x cookies against a Manager
// with a one-millisecond budget: the first derive until it is spent; the
// next are treated as absent without deriving, and OnError hears
// iron.ErrOverBudget; a client whose cookie the Manager has seen keeps its
// session throughout; a genuine cookie the Manager has not seen is refused
// like a forgery while the budget is spent.
func TestForgedCookiesOverBudget(t *testing.T) {
	b, err := iron.NewBudget(iron.BudgetConfig{CPU: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	f := newFixture(t, newFormat(t, h3.Config{Budget: b}), nil)
	own := signIn(t, f, "ada")
	peer := newFixture(t, newFormat(t, h3.Config{}), nil) // another server of the fleet
	unseen := signIn(t, peer, "bob")

	type outcome struct {
		Fresh       bool
		Name        string
		Errors      string
		SetCookie   int
		Derivations uint64
	}
	send := func(c *http.Cookie) outcome {
		t.Helper()
		before := b.Stats().Derivations
		var o outcome
		rec := f.do(t, newReq(c), func(s *session.Session[User]) { o.Fresh, o.Name = s.IsNew(), s.Data().Name })
		o.SetCookie = len(rec.Header()["Set-Cookie"])
		o.Derivations = b.Stats().Derivations - before
		var kinds []string
		for _, err := range f.log.Take() {
			switch {
			case errors.Is(err, iron.ErrOverBudget):
				kinds = append(kinds, "over budget")
			case errors.Is(err, sealed.ErrNotAuthentic):
				kinds = append(kinds, "not authentic")
			default:
				kinds = append(kinds, err.Error())
			}
			if strings.Contains(err.Error(), "*") {
				t.Errorf("OnError heard %q: it quotes the value", err)
			}
		}
		o.Errors = strings.Join(kinds, ", ")
		return o
	}
	forged := func() *http.Cookie { return &http.Cookie{Name: "h3", Value: forgeSalt(t, own.Value)} }

	// The first forgeries derive (8192 iterations, then the legacy retry at
	// 1) until they have spent the millisecond: one on most machines, a few
	// on the fastest.
	spent := false
	for i := 0; i < 20 && !spent; i++ {
		o := send(forged())
		if !o.Fresh || o.Derivations == 0 || (o.Errors != "not authentic" && o.Errors != "over budget") {
			t.Fatalf("forgery %d before the budget was spent: %+v", i+1, o)
		}
		spent = o.Errors == "over budget"
	}
	if !spent {
		t.Fatal("20 forgeries did not spend a one-millisecond budget")
	}
	refusedBefore := b.Stats().Refused
	steps := []struct {
		name   string
		cookie *http.Cookie
		want   outcome
	}{
		{"the next forgery: refused without deriving", forged(), outcome{Fresh: true, Errors: "over budget"}},
		{"the Manager's own client: unaffected", own, outcome{Name: "ada"}},
		{"a peer's genuine cookie, never seen: refused while the budget is spent", unseen, outcome{Fresh: true, Errors: "over budget"}},
		{"third forgery", forged(), outcome{Fresh: true, Errors: "over budget"}},
		{"the own client again", own, outcome{Name: "ada"}},
	}
	for _, st := range steps {
		if diff := cmp.Diff(st.want, send(st.cookie)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", st.name, diff)
		}
	}
	if s := b.Stats(); s.Refused-refusedBefore != 3 || s.Spent <= time.Millisecond {
		t.Errorf("budget stats %+v: want 3 more refusals and over a millisecond spent", s)
	}
}

// TestIssuedSaltsOnly runs the mode for fleets where only Go seals: another
// Go server's cookie opens; forged salts and the cookies h3 itself sealed
// are refused as not authentic before any derivation.
func TestIssuedSaltsOnly(t *testing.T) {
	b, err := iron.NewBudget(iron.BudgetConfig{CPU: -1, Concurrency: -1})
	if err != nil {
		t.Fatal(err)
	}
	c := vectors.Load(t).MustCase(t, "h3v2-default") // sealed by h3 2.0.8, no expiry
	pw := iron.PasswordOption{Plain: c.Password}
	strict := newFixture(t, newFormat(t, h3.Config{Password: pw, IssuedSaltsOnly: true, Budget: b, MaxAge: -1, IdleTimeout: -1}), nil)
	fleet := newFixture(t, newFormat(t, h3.Config{Password: pw, MaxAge: -1, IdleTimeout: -1}), nil)
	goCookie := signIn(t, fleet, "ada")
	h3Cookie := &http.Cookie{Name: "h3", Value: c.Sealed}

	for _, tc := range []struct {
		name        string
		cookie      *http.Cookie
		wantName    string
		wantErr     error
		derivations uint64
	}{
		// The MAC key draws on the budget; the encryption key, derived only
		// once the MAC has verified, does not.
		{"another Go server's cookie", goCookie, "ada", nil, 1},
		{"again: cached", goCookie, "ada", nil, 0},
		{"a forged salt", &http.Cookie{Name: "h3", Value: forgeSalt(t, goCookie.Value)}, "", sealed.ErrNotAuthentic, 0},
		{"a cookie h3 2.0.8 sealed", h3Cookie, "", sealed.ErrNotAuthentic, 0},
	} {
		before := b.Stats().Derivations
		var fresh bool
		var name string
		strict.do(t, newReq(tc.cookie), func(s *session.Session[User]) { fresh, name = s.IsNew(), s.Data().Name })
		errs := strict.log.Take()
		got := b.Stats().Derivations - before
		errOK := len(errs) == 0
		if tc.wantErr != nil {
			errOK = len(errs) == 1 && errors.Is(errs[0], tc.wantErr)
		}
		if name != tc.wantName || fresh != (tc.wantErr != nil) || got != tc.derivations || !errOK {
			t.Errorf("%s: name %q, fresh %v, %d derivations, OnError %v; want %q, %v, %d, %v",
				tc.name, name, fresh, got, errs, tc.wantName, tc.wantErr != nil, tc.derivations, tc.wantErr)
		}
	}
	// Without the mode, the h3 application's cookie opens.
	lax := newFixture(t, newFormat(t, h3.Config{Password: pw, MaxAge: -1, IdleTimeout: -1}), nil)
	lax.do(t, newReq(h3Cookie), func(s *session.Session[User]) {
		if s.IsNew() {
			t.Errorf("without IssuedSaltsOnly the h3 cookie was refused: %v", lax.log.Take())
		}
	})
}
