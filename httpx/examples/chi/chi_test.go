package chi_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"github.com/sealcookie/sealcookie/internal/frameworktest"
)

// chi needs no adapter: the scenario set passes with m.Middleware as it is,
// behind chi's own middleware that wraps the response writer
// (middleware.Logger's WrapResponseWriter, Compress).
func TestScenarios(t *testing.T) {
	m, log, err := frameworktest.NewManager()
	if err != nil {
		t.Fatal(err)
	}
	r := chi.NewRouter()
	r.Use(middleware.RequestLogger(&middleware.DefaultLogFormatter{Logger: discard{}, NoColor: true}))
	r.Use(middleware.Compress(5, "text/plain"))
	r.Use(m.Middleware)
	fail := func(w http.ResponseWriter, err error) bool {
		if err != nil {
			t.Errorf("handler: %v", err)
			http.Error(w, "session", http.StatusInternalServerError)
		}
		return err != nil
	}
	r.Post("/login", func(w http.ResponseWriter, r *http.Request) {
		fail(w, frameworktest.Login(m.Get(r), r.URL.Query().Get("name")))
	})
	r.Get("/count", func(w http.ResponseWriter, r *http.Request) {
		if fail(w, frameworktest.Count(m.Get(r))) {
			return
		}
		switch v := r.URL.Query().Get("via"); v {
		case "", "Write":
			io.WriteString(w, "counted")
		case "WriteHeader":
			w.WriteHeader(http.StatusOK)
		case "Flush":
			http.NewResponseController(w).Flush()
		case "nothing":
		default:
			t.Errorf("unknown via %q", v)
		}
	})
	r.Post("/blob", func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(r.URL.Query().Get("n"))
		fail(w, frameworktest.SetBlob(m.Get(r), n))
	})
	r.Get("/me", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, frameworktest.Me(m.Get(r))) })
	r.Post("/logout", func(w http.ResponseWriter, r *http.Request) { m.Get(r).Clear() })
	r.Get("/stream", func(w http.ResponseWriter, r *http.Request) {
		if fail(w, frameworktest.Count(m.Get(r))) {
			return
		}
		rc := http.NewResponseController(w)
		for _, p := range []string{"a", "b", "c"} {
			io.WriteString(w, p)
			rc.Flush()
		}
	})
	r.Get("/late", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "early")
		http.NewResponseController(w).Flush()
		fail(w, frameworktest.Count(m.Get(r)))
	})
	srv := httptest.NewTLSServer(r)
	defer srv.Close()
	frameworktest.Run(t, frameworktest.Target{
		URL: srv.URL, Client: srv.Client(), Manager: m, Errors: log,
		Via: []string{"Write", "WriteHeader", "Flush", "nothing"},
	})
}

type discard struct{}

func (discard) Print(...any) {}
