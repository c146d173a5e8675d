package attacktest

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sealcookie/sealcookie/sealed"
	"github.com/sealcookie/sealcookie/sealed/iron"
	"github.com/sealcookie/sealcookie/session"
	"github.com/sealcookie/sealcookie/session/h3"
	"github.com/sealcookie/sealcookie/session/ironsession"
)

const ironPassword = "attacktest iron password, 32+ characters"

// peerRig is an application that shares its session with a JavaScript peer:
// a TLS server running the middleware of a Manager in an iron format (h3's
// or iron-session's), with a login and a /whoami route, attacked as newRig's
// application is.
type peerRig struct {
	*rig
	budget *iron.Budget
	name   string
}

// newPeerRig builds the application on format f, whose cookie is name;
// budget is the format's (nil when it has none to report).
func newPeerRig(t *testing.T, f session.Format, name string, budget *iron.Budget) *peerRig {
	t.Helper()
	rg := &rig{clk: newClock(), errs: &errLog{}, srvLog: &syncBuffer{}, upLog: &syncBuffer{}}
	m, err := session.New(session.Config[Account]{Format: f, Clock: rg.clk.Now, OnError: rg.errs.Hook})
	if err != nil {
		t.Fatal(err)
	}
	rg.m = m
	mux := http.NewServeMux()
	mux.Handle("POST /auth/login", http.NewCrossOriginProtection().Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s := m.Get(r)
		s.Clear()
		user := r.URL.Query().Get("user")
		if err := s.Update(func(a *Account) { *a = Account{User: user, Secret: secretOf(user)} }); err != nil {
			http.Error(w, "session not updated", http.StatusBadRequest)
			return
		}
		w.WriteHeader(http.StatusSeeOther)
	})))
	mux.HandleFunc("GET /whoami", func(w http.ResponseWriter, r *http.Request) {
		s := m.Get(r)
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(view{New: s.IsNew(), ID: s.ID(), Data: s.Data()})
	})
	rg.srv = httptest.NewUnstartedServer(m.Middleware(mux))
	rg.srv.Config.ErrorLog = log.New(rg.srvLog, "", 0)
	rg.srv.StartTLS()
	t.Cleanup(rg.srv.Close)
	tr := rg.srv.Client().Transport.(*http.Transport).Clone()
	rg.client = &http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	t.Cleanup(tr.CloseIdleConnections)
	t.Cleanup(func() { rg.checkClean(t) })
	return &peerRig{rig: rg, budget: budget, name: name}
}

// loginPeer signs user in and returns the session's cookie value.
func (p *peerRig) loginPeer(t *testing.T, user string) string {
	t.Helper()
	res := p.do(t, request{Method: http.MethodPost, Path: "/auth/login?user=" + user})
	v := res.cookie(p.name)
	if v == "" {
		t.Fatalf("login set no %s cookie: %v", p.name, res.setCookies())
	}
	p.errs.Take()
	return v
}

// wantPeerErr checks that OnError heard one error, matching one of want,
// and carrying no value.
func (p *peerRig) wantPeerErr(t *testing.T, want ...error) {
	t.Helper()
	got := p.errs.Take()
	if len(got) != 1 {
		t.Errorf("OnError heard %q, want one error", clipErrs(got))
		return
	}
	ok := false
	for _, w := range want {
		ok = ok || errors.Is(got[0], w)
	}
	if !ok {
		t.Errorf("OnError heard %q, want one matching %v", clip(got[0].Error()), want)
	}
	if strings.Contains(got[0].Error(), "Fe26.2") || strings.Contains(got[0].Error(), "s3cr3t") {
		t.Errorf("OnError heard %q: it carries the value", clip(got[0].Error()))
	}
}

func unlimitedBudget(t *testing.T) *iron.Budget {
	t.Helper()
	b, err := iron.NewBudget(iron.BudgetConfig{CPU: -1, Concurrency: -1})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestIronTamperEveryByte changes every character of an h3 2.x and an
// iron-session cookie, one at a time, to another base64url character and to
// ".", over the wire: each gives a fresh session, OnError hears one of the
// sealed sentinels, nothing leaks, and the cookie is left alone for the
// JavaScript peer (no Set-Cookie).
func TestIronTamperEveryByte(t *testing.T) {
	h3f, err := h3.New(h3.Config{Password: iron.PasswordOption{Plain: ironPassword}, Budget: unlimitedBudget(t)})
	if err != nil {
		t.Fatal(err)
	}
	isf, err := ironsession.New(ironsession.Config{CookieName: "app", Password: iron.PasswordOption{Plain: ironPassword}, Budget: unlimitedBudget(t)})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		format session.Format
		cookie string
	}{{"h3", h3f, "h3"}, {"iron-session", isf, "app"}} {
		t.Run(tc.name, func(t *testing.T) {
			p := newPeerRig(t, tc.format, tc.cookie, nil)
			v := p.loginPeer(t, "alice")
			counts := map[string]int{}
			for i := range len(v) {
				for _, repl := range []byte{alphabet[(strings.IndexByte(alphabet, v[i])+1)%len(alphabet)], '.'} {
					mut := v[:i] + string(repl) + v[i+1:]
					if mut == v || tc.name == "iron-session" && i >= len(v)-2 {
						continue // the "~2" suffix is outside the MAC: TestIronSessionSuffix
					}
					res := p.do(t, request{Path: "/whoami", Cookie: []string{tc.cookie + "=" + mut}})
					if got := res.view(t); !got.New || got.Data != (Account{}) {
						t.Errorf("character %d: session %+v, want a fresh one", i, got)
					}
					if got := res.setCookies(); len(got) != 0 {
						t.Errorf("character %d: Set-Cookie %v: a peer's cookie is left alone", i, got)
					}
					res.noLeak(t, secretOf("alice"))
					got := p.errs.Take()
					if len(got) != 1 {
						t.Fatalf("character %d: OnError heard %q", i, clipErrs(got))
					}
					for _, s := range []error{sealed.ErrMalformed, sealed.ErrNotAuthentic, sealed.ErrExpired, sealed.ErrUnknownKey} {
						if errors.Is(got[0], s) {
							counts[s.Error()]++
						}
					}
					if t.Failed() {
						t.Fatalf("character %d of %d failed; stopping", i, len(v))
					}
				}
			}
			if n := counts[sealed.ErrMalformed.Error()] + counts[sealed.ErrNotAuthentic.Error()] + counts[sealed.ErrExpired.Error()] + counts[sealed.ErrUnknownKey.Error()]; n == 0 {
				t.Fatal("no mutant was refused with a sentinel")
			}
			t.Logf("%d characters changed, refused as %v", len(v), counts)
			// The genuine cookie still opens.
			if got := p.do(t, request{Path: "/whoami", Cookie: []string{tc.cookie + "=" + v}}).view(t); got.Data.User != "alice" {
				t.Errorf("the genuine cookie: %+v", got)
			}
		})
	}
}

// TestForgedH3Flood sends forged h3 2.x cookies (fresh random salts, no
// account needed) between a legitimate client's requests, against a server
// with a one-millisecond budget, and against one with IssuedSaltsOnly: the
// budgeted server derives for the first forgery or few, then treats every
// forgery as absent (OnError: iron.ErrOverBudget) without deriving; the
// strict one refuses every forgery as not authentic without deriving at
// all; the legitimate client keeps its session on both.
func TestForgedH3Flood(t *testing.T) {
	const forgeries = 40
	tight, err := iron.NewBudget(iron.BudgetConfig{CPU: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	strictBudget := unlimitedBudget(t)
	for _, tc := range []struct {
		name        string
		cfg         h3.Config
		budget      *iron.Budget
		want        error
		derivations uint64 // at most, over the whole flood
	}{
		{"budget", h3.Config{Budget: tight}, tight, iron.ErrOverBudget, 5},
		{"issued salts only", h3.Config{Budget: strictBudget, IssuedSaltsOnly: true}, strictBudget, sealed.ErrNotAuthentic, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.cfg.Password = iron.PasswordOption{Plain: ironPassword}
			f, err := h3.New(tc.cfg)
			if err != nil {
				t.Fatal(err)
			}
			p := newPeerRig(t, f, "h3", tc.budget)
			v := p.loginPeer(t, "alice")
			before := tc.budget.Stats()
			start := time.Now()
			for i := range forgeries {
				parts := strings.Split(v, "*")
				salt := make([]byte, 32)
				_, _ = rand.Read(salt)
				parts[6] = hex.EncodeToString(salt)
				res := p.do(t, request{Path: "/whoami", Cookie: []string{"h3=" + strings.Join(parts, "*")}})
				wantFresh(t, res)
				if tc.name == "budget" && i < 5 {
					// The first forgeries run the derivations that spend the
					// millisecond (one on most machines, a few on the
					// fastest), refused by their MAC or, for the legacy
					// retry, by the spent budget.
					p.wantPeerErr(t, iron.ErrOverBudget, sealed.ErrNotAuthentic)
				} else {
					p.wantPeerErr(t, tc.want)
				}
				if got := p.do(t, request{Path: "/whoami", Cookie: []string{"h3=" + v}}).view(t); got.Data.User != "alice" {
					t.Fatalf("after forgery %d the legitimate client lost its session: %+v", i+1, got)
				}
			}
			after := tc.budget.Stats()
			if tc.name == "budget" && after.Refused-before.Refused < forgeries-5 {
				t.Errorf("the budget refused %d of %d forgeries, want all but the first few", after.Refused-before.Refused, forgeries)
			}
			if d := after.Derivations - before.Derivations; d > tc.derivations {
				t.Errorf("%d forgeries ran %d derivations, want at most %d", forgeries, d, tc.derivations)
			}
			t.Logf("%d forgeries and %d legitimate requests in %v; derivations %d, refused by the budget %d",
				forgeries, forgeries, time.Since(start).Round(time.Millisecond), after.Derivations-before.Derivations, after.Refused-before.Refused)
		})
	}
}

// TestIronSessionSuffix strips and changes the "~2" suffix of a signed-in
// iron-session cookie: the suffix is outside the MAC (as in iron-session
// 8.0.4), and all it can do is read the value as an older version's, whose
// session is the data's "persistent" member: here, none, so a signed-out
// session, never another user's and never an error page.
func TestIronSessionSuffix(t *testing.T) {
	f, err := ironsession.New(ironsession.Config{CookieName: "app", Password: iron.PasswordOption{Plain: ironPassword}, Budget: unlimitedBudget(t)})
	if err != nil {
		t.Fatal(err)
	}
	p := newPeerRig(t, f, "app", nil)
	v := p.loginPeer(t, "alice")
	seal := strings.TrimSuffix(v, "~2")
	for _, mut := range []string{seal, seal + "~1", seal + "~3", seal + "~22", seal + "~x", seal + "~"} {
		res := p.do(t, request{Path: "/whoami", Cookie: []string{"app=" + mut}})
		got := res.view(t)
		if diff := cmp.Diff(view{}, got); diff != "" {
			t.Errorf("%q: session (-want +got):\n%s", mut[len(seal):], diff)
		}
		if len(res.setCookies()) != 0 {
			t.Errorf("%q: Set-Cookie %v", mut[len(seal):], res.setCookies())
		}
		if errs := p.errs.Take(); len(errs) != 0 {
			t.Errorf("%q: OnError heard %q; an older version's seal is read, not refused", mut[len(seal):], clipErrs(errs))
		}
	}
}
