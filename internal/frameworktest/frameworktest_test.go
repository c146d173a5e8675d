package frameworktest_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sealcookie/sealcookie/internal/frameworktest"
	"github.com/sealcookie/sealcookie/session"
)

// routes serves the scenario routes on plain net/http, the reference every
// framework is measured against.
func routes(t *testing.T, m *session.Manager[frameworktest.Data]) http.Handler {
	mux := http.NewServeMux()
	check := func(w http.ResponseWriter, err error) bool {
		if err != nil {
			t.Errorf("handler: %v", err)
			http.Error(w, "session", http.StatusInternalServerError)
		}
		return err == nil
	}
	mux.HandleFunc("POST /login", func(w http.ResponseWriter, r *http.Request) {
		check(w, frameworktest.Login(m.Get(r), r.URL.Query().Get("name")))
	})
	mux.HandleFunc("GET /count", func(w http.ResponseWriter, r *http.Request) {
		if !check(w, frameworktest.Count(m.Get(r))) {
			return
		}
		switch via := r.URL.Query().Get("via"); via {
		case "", "Write":
			io.WriteString(w, "counted")
		case "WriteHeader":
			w.WriteHeader(http.StatusOK)
		case "Flush":
			http.NewResponseController(w).Flush()
		case "nothing":
		default:
			t.Errorf("unknown via %q", via)
		}
	})
	mux.HandleFunc("POST /blob", func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(r.URL.Query().Get("n"))
		check(w, frameworktest.SetBlob(m.Get(r), n))
	})
	mux.HandleFunc("GET /me", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, frameworktest.Me(m.Get(r)))
	})
	mux.HandleFunc("POST /logout", func(w http.ResponseWriter, r *http.Request) { m.Get(r).Clear() })
	mux.HandleFunc("GET /stream", func(w http.ResponseWriter, r *http.Request) {
		if !check(w, frameworktest.Count(m.Get(r))) {
			return
		}
		rc := http.NewResponseController(w)
		io.WriteString(w, "a")
		rc.Flush()
		io.WriteString(w, "b")
		rc.Flush()
		io.WriteString(w, "c")
	})
	mux.HandleFunc("GET /late", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "early")
		http.NewResponseController(w).Flush()
		check(w, frameworktest.Count(m.Get(r)))
	})
	return mux
}

// The scenarios pass on net/http with the middleware, over TLS and plain
// http on loopback (where Go's cookie jar keeps Secure cookies).
func TestNetHTTP(t *testing.T) {
	m, log, err := frameworktest.NewManager()
	if err != nil {
		t.Fatal(err)
	}
	for _, tls := range []bool{true, false} {
		t.Run("tls="+strconv.FormatBool(tls), func(t *testing.T) {
			srv := httptest.NewUnstartedServer(m.Middleware(routes(t, m)))
			if tls {
				srv.StartTLS()
			} else {
				srv.Start()
			}
			defer srv.Close()
			frameworktest.Run(t, frameworktest.Target{
				URL: srv.URL, Client: srv.Client(), Manager: m, Errors: log,
				Via: []string{"Write", "WriteHeader", "Flush", "nothing"},
			})
		})
	}
}

// Measure finds what a broken server breaks: without the middleware no
// session is ever committed, and the measurement says which scenarios notice.
func TestMeasureBrokenServer(t *testing.T) {
	m, log, err := frameworktest.NewManager()
	if err != nil {
		t.Fatal(err)
	}
	// The routes without the middleware: m.Get(r) loads, nothing saves.
	srv := httptest.NewTLSServer(routes(t, m))
	defer srv.Close()
	got := frameworktest.Measure(t.Context(), frameworktest.Target{URL: srv.URL, Client: srv.Client(), Manager: m, Errors: log})
	want := []string{"login gives a new id", "counter across requests", "chunked session", "clear", "tampered cookie", "streamed response", "late change reported", "session header, no cookie"}
	if diff := cmp.Diff(want, frameworktest.Failed(got)); diff != "" {
		t.Errorf("failed scenarios (-want +got):\n%s\n%s", diff, frameworktest.Table(got))
	}
}
