package session_test

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sealcookie/sealcookie/cookie"
	"github.com/sealcookie/sealcookie/session"
)

// wire is the bytes the Set-Cookie lines of h take on the wire.
func wire(h http.Header) int {
	n := 0
	for _, l := range h["Set-Cookie"] {
		n += len("Set-Cookie: ") + len(l) + len("\r\n")
	}
	return n
}

// TestUpdateWithinBudget grows a session one role at a time under each
// budget: every Update that succeeds saves cookies within the budget, and
// the first that would not fit fails with ErrTooLarge naming the size and
// the budget, leaving the data and the response as they were.
func TestUpdateWithinBudget(t *testing.T) {
	for _, budget := range []int{0, cookie.BudgetCurl, cookie.BudgetVercel} {
		t.Run(fmt.Sprint(budget), func(t *testing.T) {
			f := newFixture(t, func(c *session.Config[User]) { c.Cookie.Budget = budget })
			want := budget
			if want == 0 {
				want = cookie.DefaultBudget
			}
			s := f.m.Get(newReq())
			var last User
			for i := 0; ; i++ {
				err := s.Update(func(u *User) { u.Roles = append(u.Roles, fmt.Sprintf("role-%04d", i)) })
				if err != nil {
					if !errors.Is(err, session.ErrTooLarge) {
						t.Fatal(err)
					}
					msg := err.Error()
					if !strings.Contains(msg, fmt.Sprintf("budget of %d bytes", want)) || !strings.Contains(msg, "would take") {
						t.Errorf("error %q does not name the size and the budget", msg)
					}
					if strings.Contains(msg, "role-") {
						t.Errorf("error %q quotes the session", msg)
					}
					if diff := cmp.Diff(last, s.Data()); diff != "" {
						t.Errorf("data not rolled back (-want +got):\n%s", diff)
					}
					break
				}
				last = s.Data()
				if i > 5000 {
					t.Fatal("no budget reached")
				}
			}
			h := http.Header{}
			if err := s.Save(h); err != nil {
				t.Fatal(err)
			}
			if n := wire(h); n > want || n < want-200 {
				t.Errorf("the largest session that fits takes %d bytes of Set-Cookie, budget %d", n, want)
			}
			if budget == 0 && len(h["Set-Cookie"]) != 1 {
				t.Errorf("the default budget wrote %d cookies, want 1", len(h["Set-Cookie"]))
			}
		})
	}
}

// TestMissingChunksReported: a request whose chunks were dropped on the way
// (curl past 8190 bytes, a CDN forwarding cookies by name) gives a fresh
// session, OnError hears cookie.ErrMissingChunks, and the next save deletes
// what is left.
func TestMissingChunksReported(t *testing.T) {
	big := newFixture(t, func(c *session.Config[User]) { c.Cookie.Budget = cookie.NoBudget })
	rec := big.do(t, newReq(), func(s *session.Session[User]) {
		update(t, s, func(u *User) { u.Name = strings.Repeat("n", 4500) })
	})
	all := sessionCookies(rec, "app")
	if len(all) != 3 || all[0].Value != "__chunked__2" {
		t.Fatalf("want app=__chunked__2 and two chunks, got %d cookies", len(all))
	}
	// The reader has the default budget: it still reads every chunk a
	// larger writer wrote, and reports the ones that did not arrive.
	f := newFixture(t, nil)
	f.clk.Set(big.clk.Now())
	if s := f.m.Get(newReq(all...)); s.IsNew() || len(s.Data().Name) != 4500 {
		t.Fatalf("a complete chunked session was not read: new=%v; errors %v", s.IsNew(), f.log.Take())
	}
	for _, tc := range []struct {
		name    string
		cookies []*http.Cookie
	}{
		{"last chunk dropped", all[:2]},
		{"main cookie dropped", all[1:]},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := f.do(t, newReq(tc.cookies...), func(s *session.Session[User]) {
				if !s.IsNew() {
					t.Error("a session with missing chunks was accepted")
				}
			})
			errs := f.log.Take()
			if len(errs) != 1 || !errors.Is(errs[0], cookie.ErrMissingChunks) {
				t.Errorf("OnError heard %v, want ErrMissingChunks", errs)
			}
			if n := len(rec.Header()["Set-Cookie"]); n == 0 {
				t.Error("the remains of the session were not deleted")
			}
		})
	}
}

// TestFirebaseSession is the configuration Firebase Hosting needs: it
// forwards one cookie, named __session, to Cloud Functions and Cloud Run.
func TestFirebaseSession(t *testing.T) {
	f := newFixture(t, func(c *session.Config[User]) {
		c.Name = "__session"
		c.Cookie.MaxChunks = 1
	})
	rec := f.do(t, newReq(), func(s *session.Session[User]) {
		update(t, s, func(u *User) { u.Name = "ada"; u.Roles = []string{strings.Repeat("r", 1500)} })
		if err := s.Update(func(u *User) { u.Name = strings.Repeat("x", 5000) }); !errors.Is(err, session.ErrTooLarge) {
			t.Errorf("a session over one cookie: %v, want ErrTooLarge", err)
		}
	})
	c := onlyCookie(t, rec, "__session")
	if n := wire(rec.Header()); n > cookie.DefaultBudget {
		t.Errorf("__session takes %d bytes, over the default budget", n)
	}
	f.do(t, newReq(c), func(s *session.Session[User]) {
		if s.IsNew() || s.Data().Name != "ada" {
			t.Errorf("__session not read back: %+v", s.Data())
		}
	})
}

// update is Update that must succeed.
func update(t *testing.T, s *session.Session[User], f func(*User)) {
	t.Helper()
	if err := s.Update(f); err != nil {
		t.Fatal(err)
	}
}
