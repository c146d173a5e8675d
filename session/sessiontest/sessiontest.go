// Package sessiontest helps an application test its own handlers with real
// sessions, without sealing anything by hand: AddCookie puts a session
// holding given data into a request, as a browser holding that session would
// send it, and Read returns the session a response set.
//
//	req := httptest.NewRequest("GET", "/account", nil)
//	if err := sessiontest.AddCookie(req, m, User{Name: "ada"}); err != nil {
//		t.Fatal(err)
//	}
//	rec := httptest.NewRecorder()
//	m.Middleware(mux).ServeHTTP(rec, req)
//	s, err := sessiontest.Read(m, rec.Result().Header)
//	// err is nil, ErrNotSet (the response left the session alone) or
//	// ErrDeleted (it cleared it); s.Data() is what the handler stored.
//
// Both go through the Manager under test, with its name, format, keys and
// lifetimes, so what they produce and accept is exactly what the application
// does. For a client that carries the session in the session header,
// Manager.Encode seals a value to send there; Read reads the response's
// header too.
package sessiontest

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/sealcookie/sealcookie/cookie"
	"github.com/sealcookie/sealcookie/session"
)

var (
	// ErrNotSet is what Read returns when the response neither set nor
	// deleted the session.
	ErrNotSet = errors.New("sessiontest: the response did not set the session")
	// ErrDeleted is what Read returns when the response deleted the
	// session (Session.Clear, a logout).
	ErrDeleted = errors.New("sessiontest: the response deleted the session")
)

// AddCookie starts a new session of m holding data (a fresh id, created
// now), seals it and adds its cookie to r (its chunks too, when it is long),
// as a browser holding that session sends it. r should not carry m's cookie
// already: the first one a request carries is the one read.
func AddCookie[T any](r *http.Request, m *session.Manager[T], data T) error {
	s := m.Load(r.Context(), nil, "")
	if err := s.Update(func(d *T) { *d = data }); err != nil {
		return fmt.Errorf("sessiontest: %w", err)
	}
	h := http.Header{}
	if err := s.Save(h); err != nil {
		return fmt.Errorf("sessiontest: %w", err)
	}
	for _, line := range h["Set-Cookie"] {
		c, err := http.ParseSetCookie(line)
		if err != nil {
			return fmt.Errorf("sessiontest: the Manager wrote an unreadable Set-Cookie: %w", err)
		}
		r.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
	}
	return nil
}

// Read returns the session that a response's header h set for m: from m's
// session header if the response set it (a session that came from the
// request's header is answered there), else from its Set-Cookie lines, with
// chunks put back together. It returns ErrNotSet when the response did
// neither, ErrDeleted when it deleted the session, and the reason when the
// value does not open under m (expired, another key, another name).
func Read[T any](m *session.Manager[T], h http.Header) (*session.Session[T], error) {
	ctx := context.Background()
	if name := m.HeaderName(); name != "" {
		if v, ok := h[name]; ok {
			if len(v) == 0 || v[0] == "" {
				return nil, ErrDeleted
			}
			return open(ctx, m, v[0], nil, v[0])
		}
	}
	var pairs []string
	deleted := false
	for _, line := range h["Set-Cookie"] {
		c, err := http.ParseSetCookie(line)
		if err != nil {
			continue // not one of ours: the Manager writes only valid lines
		}
		if base, _, ok := cookie.ChunkName(c.Name); c.Name != m.Name() && (!ok || base != m.Name()) {
			continue
		}
		if c.MaxAge < 0 {
			deleted = deleted || c.Name == m.Name()
			continue
		}
		pairs = append(pairs, c.Name+"="+c.Value)
	}
	switch {
	case len(pairs) == 0 && deleted:
		return nil, ErrDeleted
	case len(pairs) == 0:
		return nil, ErrNotSet
	}
	spec, err := cookie.New(m.Name(), cookie.Attributes{MaxChunks: cookie.MaxChunksLimit})
	if err != nil {
		return nil, fmt.Errorf("sessiontest: %w", err)
	}
	lines := []string{strings.Join(pairs, "; ")}
	value, _, err := spec.Read(lines)
	if err != nil {
		return nil, fmt.Errorf("sessiontest: the response's session cookies: %w", err)
	}
	return open(ctx, m, value, lines, "")
}

// open checks that value opens under m, for the reason if it does not, then
// loads the session from the same carrier.
func open[T any](ctx context.Context, m *session.Manager[T], value string, cookies []string, header string) (*session.Session[T], error) {
	if _, err := m.Decode(ctx, value); err != nil {
		return nil, fmt.Errorf("sessiontest: the response's session does not open: %w", err)
	}
	return m.Load(ctx, cookies, header), nil
}
