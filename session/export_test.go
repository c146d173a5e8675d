package session

import (
	"context"
	"net/http"
)

// Test hooks into the Middleware's plumbing, which is not exported.

// Attach returns r with m's per-request cache in its context, as the
// Middleware installs it; r itself when it has one already.
func Attach[T any](m *Manager[T], r *http.Request) *http.Request {
	if _, ok := r.Context().Value(m.key).(*reqState[T]); ok {
		return r
	}
	st := &reqState[T]{Context: r.Context(), m: m}
	r2 := r.WithContext(st)
	st.r = r2
	return r2
}

// Loaded returns the session of an attached request if something already
// asked for it.
func Loaded[T any](m *Manager[T], ctx context.Context) (*Session[T], bool) {
	st, ok := ctx.Value(m.key).(*reqState[T])
	if !ok {
		return nil, false
	}
	return st.loaded()
}

// Pending reports whether Save would write anything.
func Pending[T any](s *Session[T]) bool { return s.pending() }
