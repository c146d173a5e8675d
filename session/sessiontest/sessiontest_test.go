package sessiontest_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sealcookie/sealcookie/cookie"
	"github.com/sealcookie/sealcookie/sealed"
	"github.com/sealcookie/sealcookie/session"
	"github.com/sealcookie/sealcookie/session/sessiontest"
)

type Cart struct {
	User  string   `json:"user,omitempty"`
	Items []string `json:"items,omitempty"`
}

// newManager returns a Manager whose OnError fails the test: nothing here
// should be refused.
func newManager(t *testing.T, name string) *session.Manager[Cart] {
	t.Helper()
	m, err := session.New(session.Config[Cart]{
		Name:    name,
		Keys:    []sealed.Key{{ID: 1, Password: "sessiontest test password, 32 bytes or more"}},
		Cookie:  cookie.Attributes{Budget: cookie.NoBudget}, // the chunked case chunks
		OnError: func(_ context.Context, err error) { t.Errorf("OnError: %v", err) },
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// app is the application under test: it adds an item, empties the cart,
// or only shows it.
func app(m *session.Manager[Cart]) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /add", func(w http.ResponseWriter, r *http.Request) {
		err := m.Get(r).Update(func(c *Cart) { c.Items = append(c.Items, r.URL.Query().Get("item")) })
		if err != nil {
			http.Error(w, "too large", http.StatusInternalServerError)
		}
	})
	mux.HandleFunc("POST /empty", func(w http.ResponseWriter, r *http.Request) { m.Get(r).Clear() })
	mux.HandleFunc("GET /show", func(w http.ResponseWriter, r *http.Request) {
		c := m.Get(r).Data()
		fmt.Fprintf(w, "%s: %s", c.User, strings.Join(c.Items, ","))
	})
	return m.Middleware(mux)
}

func serve(m *session.Manager[Cart], r *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	app(m).ServeHTTP(rec, r)
	return rec
}

func TestAddCookieAndRead(t *testing.T) {
	m := newManager(t, "")
	long := strings.Repeat("a long item ", 800) // about 9600 characters: chunked cookies
	for _, tc := range []struct {
		name    string
		data    Cart
		target  string
		want    Cart
		wantErr error
		body    string
	}{
		{"handler reads it", Cart{User: "ada", Items: []string{"tea"}}, "GET /show", Cart{}, sessiontest.ErrNotSet, "ada: tea"},
		{"handler changes it", Cart{User: "ada", Items: []string{"tea"}}, "POST /add?item=milk", Cart{User: "ada", Items: []string{"tea", "milk"}}, nil, ""},
		{"handler clears it", Cart{User: "ada"}, "POST /empty", Cart{}, sessiontest.ErrDeleted, ""},
		{"chunked both ways", Cart{User: "ada", Items: []string{long}}, "POST /add?item=milk", Cart{User: "ada", Items: []string{long, "milk"}}, nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			method, target, _ := strings.Cut(tc.target, " ")
			req := httptest.NewRequest(method, "https://example.com"+target, nil)
			if err := sessiontest.AddCookie(req, m, tc.data); err != nil {
				t.Fatal(err)
			}
			rec := serve(m, req)
			if rec.Code != http.StatusOK || rec.Body.String() != tc.body {
				t.Fatalf("answer %d %q, want 200 %q", rec.Code, rec.Body.String(), tc.body)
			}
			s, err := sessiontest.Read(m, rec.Result().Header)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("Read: %v, want %v", err, tc.wantErr)
			}
			if err != nil {
				return
			}
			if diff := cmp.Diff(tc.want, s.Data()); diff != "" {
				t.Errorf("session the response set (-want +got):\n%s", diff)
			}
			if s.IsNew() || s.ID() == "" {
				t.Errorf("Read gave a fresh session (new %v, id %q)", s.IsNew(), s.ID())
			}
		})
	}
}

// A session the request carried in the session header comes back in it, and
// Read finds it there.
func TestReadSessionHeader(t *testing.T) {
	m := newManager(t, "")
	v, err := m.Encode(session.Envelope[Cart]{Data: Cart{User: "rpc"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		target  string
		wantErr error
	}{{"/add?item=milk", nil}, {"/empty", sessiontest.ErrDeleted}} {
		req := httptest.NewRequest(http.MethodPost, "https://example.com"+tc.target, nil)
		req.Header.Set(m.HeaderName(), v)
		s, err := sessiontest.Read(m, serve(m, req).Result().Header)
		if !errors.Is(err, tc.wantErr) {
			t.Fatalf("%s: Read: %v, want %v", tc.target, err, tc.wantErr)
		}
		if err == nil && (s.Data().User != "rpc" || len(s.Data().Items) != 1) {
			t.Errorf("%s: %+v", tc.target, s.Data())
		}
	}
}

// Read refuses what the Manager under test would not accept, saying why,
// and ignores other cookies.
func TestReadRefuses(t *testing.T) {
	m := newManager(t, "")
	other := newManager(t, "__Host-other")
	req := httptest.NewRequest(http.MethodPost, "https://example.com/add?item=tea", nil)
	rec := serve(other, req)
	if _, err := sessiontest.Read(m, rec.Result().Header); !errors.Is(err, sessiontest.ErrNotSet) {
		t.Errorf("another session's cookie: %v, want ErrNotSet", err)
	}
	// The same cookie renamed to m's name: sealed for another purpose.
	h := http.Header{"Set-Cookie": {strings.Replace(rec.Header().Get("Set-Cookie"), "__Host-other=", "__Host-session=", 1)}}
	if _, err := sessiontest.Read(m, h); !errors.Is(err, sealed.ErrNotAuthentic) {
		t.Errorf("a value sealed under another name: %v, want sealed.ErrNotAuthentic", err)
	}
}
