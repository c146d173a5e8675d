package session_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/sealcookie/sealcookie/cookie"
	"github.com/sealcookie/sealcookie/sealed"
	"github.com/sealcookie/sealcookie/session"
)

// FuzzGet sends arbitrary Cookie and session headers to Manager.Get. It must
// never panic, and a session it accepts must be one of the genuine sessions
// sealed for the corpus: nothing else can be forged.
func FuzzGet(f *testing.F) {
	clk := newClock()
	m, err := session.New(session.Config[User]{Name: "app", Keys: []sealed.Key{key1}, Clock: clk.Now, Cookie: cookie.Attributes{Budget: cookie.NoBudget}})
	if err != nil {
		f.Fatal(err)
	}
	genuine := map[string]bool{} // names of the sessions we sealed
	seal := func(name string, roles int) string {
		w := httptest.NewRecorder()
		s := m.Get(httptest.NewRequest("GET", "https://example.com/", nil))
		if err := s.Update(func(u *User) { u.Name = name; u.Roles = []string{strings.Repeat("r", roles)} }); err != nil {
			f.Fatal(err)
		}
		if err := s.Save(w.Header()); err != nil {
			f.Fatal(err)
		}
		genuine[name] = true
		var pairs []string
		for _, c := range w.Result().Cookies() {
			pairs = append(pairs, c.Name+"="+c.Value)
		}
		return strings.Join(pairs, "; ")
	}
	small := seal("ada", 1)
	chunked := seal("bob", 6000) // three chunks
	value := strings.TrimPrefix(small, "app=")

	f.Add(small, "")
	f.Add(chunked, "")
	f.Add("", value)
	f.Add(small, "garbage")
	f.Add("app=__chunked__2; app.1="+value[:100]+"; app.2="+value[100:], "")
	f.Add("app=__chunked__-1", "")
	f.Add("app=__chunked__99999999999999999999; app.1=x", "")
	f.Add("app="+value+"; app="+value[1:], "")
	f.Add(strings.Repeat("app.1=x; ", 200), "")
	f.Add("app=Fe26.2**a*b*c**d*e", "")

	f.Fuzz(func(t *testing.T, cookieHeader, sessionHeader string) {
		r := httptest.NewRequest("GET", "https://example.com/", nil)
		r.Header["Cookie"] = []string{cookieHeader}
		if sessionHeader != "" {
			r.Header["X-App-Session"] = []string{sessionHeader}
		}
		s := m.Get(r)
		if !s.IsNew() && !genuine[s.Data().Name] {
			t.Fatalf("accepted a session nobody sealed: %+v", s.Data())
		}
		// Saving whatever came in never fails for an unchanged session.
		if err := s.Save(http.Header{}); err != nil {
			t.Fatalf("Save: %v", err)
		}
	})
}
