package ironsession_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sealcookie/sealcookie/sealed"
	"github.com/sealcookie/sealcookie/sealed/iron"
	"github.com/sealcookie/sealcookie/session"
	"github.com/sealcookie/sealcookie/session/ironsession"
)

// bag is session data that can hold a "persistent" member, as an
// application's own data might.
type bag map[string]any

// TestVersionSuffixGainsNothingElse takes a genuine iron-session value whose
// data has a "persistent" member and changes its "~2" suffix every way a
// client can. The suffix is outside the MAC, in iron-session as here:
// removing it or changing its digit makes the value read as an older
// version's, whose session is that member, and a suffix read as 2 ("~02")
// gives the session itself (iron-session 8.0.4 does the same; internal/
// interoptest checks it live). Any change to the seal is refused, and no
// change extends the value's life.
func TestVersionSuffixGainsNothingElse(t *testing.T) {
	clk := newClock()
	log := &errLog{}
	m, err := session.New(session.Config[bag]{Format: newFormat(t, ironsession.Config{TTL: time.Hour}), Clock: clk.Now, OnError: log.Hook})
	if err != nil {
		t.Fatal(err)
	}
	s := m.Load(t.Context(), nil, "")
	if err := s.Update(func(b *bag) { *b = bag{"user": "ada", "admin": false, "persistent": bag{"user": "ada", "admin": true}} }); err != nil {
		t.Fatal(err)
	}
	h := http.Header{}
	if err := s.Save(h); err != nil {
		t.Fatal(err)
	}
	c, err := http.ParseSetCookie(h.Get("Set-Cookie"))
	if err != nil {
		t.Fatal(err)
	}
	genuine := c.Value
	seal := strings.TrimSuffix(genuine, "~2")
	older := bag{"user": "ada", "admin": true} // the "persistent" member
	// flip changes character i to another base64url letter.
	flip := func(s string, i int) string {
		b := []byte(s)
		if b[i] == 'A' {
			b[i] = 'B'
		} else {
			b[i] = 'A'
		}
		return string(b)
	}
	ct := strings.Index(seal, strings.Split(seal, "*")[4]) + 2 // inside the ciphertext

	tests := []struct {
		name  string
		value string
		want  bag   // the session read; nil: a fresh one
		err   error // what OnError hears
	}{
		{"genuine", genuine, bag{"user": "ada", "admin": false, "persistent": map[string]any(older)}, nil},
		{"suffix removed: read as an older version", seal, older, nil},
		{"suffix ~3: an older version too", seal + "~3", older, nil},
		{"suffix ~0", seal + "~0", older, nil},
		{"suffix ~22", seal + "~22", older, nil},
		{"suffix ~x", seal + "~x", older, nil},
		{"suffix ~02: read as 2", seal + "~02", bag{"user": "ada", "admin": false, "persistent": map[string]any(older)}, nil},
		{"suffix twice: the first counts", genuine + "~3", bag{"user": "ada", "admin": false, "persistent": map[string]any(older)}, nil},
		{"a lone ~", seal + "~", older, nil},
		{"the seal's first character changed", flip(seal, 0), nil, sealed.ErrMalformed},
		{"the MAC changed", flip(seal, len(seal)-5) + "~2", nil, sealed.ErrNotAuthentic},
		{"suffix removed and the ciphertext changed", flip(seal, ct), nil, sealed.ErrNotAuthentic},
	}
	for _, tt := range tests {
		s := m.Load(t.Context(), []string{"app=" + tt.value}, "")
		errs := log.Take()
		var got bag
		if !s.IsNew() {
			got = s.Data()
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s: session (-want +got):\n%s", tt.name, diff)
		}
		if (tt.err == nil) != (len(errs) == 0) || (tt.err != nil && (len(errs) != 1 || !errors.Is(errs[0], tt.err))) {
			t.Errorf("%s: OnError heard %v, want %v", tt.name, errs, tt.err)
		}
	}

	// Past the seal's expiration, removing the suffix does not revive it.
	clk.Advance(time.Hour + 2*time.Minute) // the TTL and iron's 60-second skew
	for _, v := range []string{genuine, seal, seal + "~3"} {
		if s := m.Load(t.Context(), []string{"app=" + v}, ""); !s.IsNew() {
			t.Errorf("%q…: read after its expiration", v[:12])
		}
		if errs := log.Take(); len(errs) != 1 || !errors.Is(errs[0], sealed.ErrExpired) {
			t.Errorf("expired value: OnError heard %v", errs)
		}
	}
}

// TestBudget checks that the format draws on the Budget it is given: the
// keys of a value it has not seen are derived on that budget, and a value
// seen before costs nothing.
func TestBudget(t *testing.T) {
	b, err := iron.NewBudget(iron.BudgetConfig{})
	if err != nil {
		t.Fatal(err)
	}
	writer := newFixture(t, newFormat(t, ironsession.Config{}), nil)
	c := onlyCookie(t, writer.do(t, newReq(), func(s *session.Session[User]) { update(t, s, func(u *User) { u.Name = "ada" }) }), "app")
	reader := newFixture(t, newFormat(t, ironsession.Config{Budget: b}), nil)
	for i, want := range []uint64{1, 0} {
		before := b.Stats().Derivations
		reader.do(t, newReq(c), func(s *session.Session[User]) {
			if s.Data().Name != "ada" {
				t.Errorf("read %d: %+v", i+1, s.Data())
			}
		})
		if got := b.Stats().Derivations - before; got != want {
			t.Errorf("read %d: %d derivations on the given budget, want %d", i+1, got, want)
		}
	}
}
