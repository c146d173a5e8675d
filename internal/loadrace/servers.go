package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"

	"github.com/gorilla/securecookie"
	"github.com/gorilla/sessions"

	"github.com/sealcookie/sealcookie/internal/testpayload"
	"github.com/sealcookie/sealcookie/sealed"
	"github.com/sealcookie/sealcookie/session"
)

// The passwords and keys the Go servers use; the Node servers have their own
// (internal/node/loadserver.mjs). They protect nothing but benchmark sessions.
const password = "the load race's password, 32 bytes or more"

var (
	hashKey  = []byte("the load race's HMAC key, 32 bytes or more...")
	blockKey = []byte("0123456789abcdef0123456789abcdef") // AES-256
)

// handlers are the Go servers of the race: the same route, GET /, reads the
// session, counts the visit and writes the session back; GET /seed starts a
// session holding the small reference payload.
var handlers = map[string]func(seed testpayload.Data) (http.Handler, error){
	"go-none":              noSession,
	"sealcookie":           sealcookieServer,
	"securecookie-json":    securecookieServer,
	"gorilla-sessions-gob": gorillaServer,
}

func noSession(testpayload.Data) (http.Handler, error) {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "ok")
	}), nil
}

func sealcookieServer(seed testpayload.Data) (http.Handler, error) {
	m, err := session.New(session.Config[testpayload.Data]{
		Name: "sid",
		Keys: []sealed.Key{{ID: 1, Password: password}},
		// The race talks plain http on loopback.
		Cookie: cookieAttrs(),
	})
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /seed", func(w http.ResponseWriter, r *http.Request) {
		m.Get(r).Update(func(d *testpayload.Data) { *d = seed })
		io.WriteString(w, "ok")
	})
	mux.HandleFunc("GET /", func(w http.ResponseWriter, r *http.Request) {
		if err := m.Get(r).Update(func(d *testpayload.Data) { d.Views++ }); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		io.WriteString(w, "ok")
	})
	return m.Middleware(mux), nil
}

// securecookieServer is what a careful hand-written handler does with
// gorilla/securecookie and JSON: decode the cookie into the struct, change
// it, encode it back.
func securecookieServer(seed testpayload.Data) (http.Handler, error) {
	sc := securecookie.New(hashKey, blockKey).SetSerializer(securecookie.JSONEncoder{})
	write := func(w http.ResponseWriter, d *testpayload.Data) error {
		v, err := sc.Encode("sid", d)
		if err != nil {
			return err
		}
		http.SetCookie(w, &http.Cookie{Name: "sid", Value: v, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode, MaxAge: 86400})
		return nil
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /seed", func(w http.ResponseWriter, r *http.Request) {
		if err := write(w, &seed); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		io.WriteString(w, "ok")
	})
	mux.HandleFunc("GET /", func(w http.ResponseWriter, r *http.Request) {
		var d testpayload.Data
		if c, err := r.Cookie("sid"); err == nil {
			if err := sc.Decode("sid", c.Value, &d); err != nil {
				d = testpayload.Data{}
			}
		}
		d.Views++
		if err := write(w, &d); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		io.WriteString(w, "ok")
	})
	return mux, nil
}

// gorillaServer is gorilla/sessions' CookieStore with its defaults (gob).
func gorillaServer(seed testpayload.Data) (http.Handler, error) {
	store := sessions.NewCookieStore(hashKey, blockKey)
	store.Options.Secure = false
	mux := http.NewServeMux()
	mux.HandleFunc("GET /seed", func(w http.ResponseWriter, r *http.Request) {
		s, _ := store.Get(r, "sid")
		b, _ := json.Marshal(seed)
		s.Values["data"] = string(b)
		s.Values["views"] = seed.Views
		if err := s.Save(r, w); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		io.WriteString(w, "ok")
	})
	mux.HandleFunc("GET /", func(w http.ResponseWriter, r *http.Request) {
		s, _ := store.Get(r, "sid")
		n, _ := s.Values["views"].(int)
		s.Values["views"] = n + 1
		if err := s.Save(r, w); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		io.WriteString(w, "ok")
	})
	return mux, nil
}

// serve runs the named Go server on addr until the process is killed,
// printing "listening <addr>" once it accepts connections.
func serve(scheme, addr string) error {
	mk, ok := handlers[scheme]
	if !ok {
		return fmt.Errorf("unknown Go server %q", scheme)
	}
	seed, err := seedData()
	if err != nil {
		return err
	}
	h, err := mk(seed)
	if err != nil {
		return err
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	fmt.Fprintln(os.Stdout, "listening", l.Addr())
	return http.Serve(l, h)
}

func seedData() (testpayload.Data, error) {
	raw, err := testpayload.Read(testpayload.Small)
	if err != nil {
		return testpayload.Data{}, err
	}
	var e testpayload.Envelope
	if err := json.Unmarshal(raw, &e); err != nil {
		return testpayload.Data{}, err
	}
	return e.Data, nil
}
