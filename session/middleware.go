package session

import (
	"context"
	"errors"
	"io"
	"net/http"

	"github.com/sealcookie/sealcookie/internal/token"
)

// ErrLateChange is what Config.OnError hears, through [Manager.Middleware],
// when a handler changed its session after the response had
// started: the change could no longer be sent and is lost. Commit earlier,
// for instance by updating the session before writing anything.
var ErrLateChange = errors.New("session: changed after the response started; the change was not sent")

// Middleware is net/http middleware that gives each request a lazily loaded
// session and commits it automatically before the first byte of the
// response (next-session's autoCommit): http.ListenAndServe(addr,
// m.Middleware(mux)), or router.Use(m.Middleware) with routers that take
// func(http.Handler) http.Handler.
//
// Handlers reach the session with m.Get(r) or m.From(r.Context()); a route
// that never asks pays for no decoding and writes nothing. When the session
// was asked for, the middleware saves it (see [Session.Save]) and adds
// "Vary: Cookie" (and the session header's name, when the Manager reads one)
// at the first of the events below; a response on which the session was
// written, here or by an earlier Session.Save, is made private for caches
// (Cache-Control, see Config.KeepCacheControl):
//
//   - a WriteHeader with a final status (200 and above, or 101);
//     informational 1xx responses such as 103 Early Hints pass through
//     untouched;
//   - a Write, a ReadFrom (io.Copy) or a Flush;
//   - the end of the handler, if it wrote nothing.
//
// So a handler that sets an error status after updating the session (a 500,
// say) still sends the cookie it set. The response body is never buffered.
// The wrapped http.ResponseWriter has an Unwrap method, so
// http.ResponseController keeps working through it (Flush, Hijack, read and
// write deadlines, EnableFullDuplex); use a ResponseController rather than
// asserting http.Hijacker on the writer. A hijacked connection is the
// handler's own: nothing is committed on it.
//
// A handler can still commit explicitly with Session.Save(w.Header()), to handle the
// error itself; the middleware then has nothing left to write unless the
// session changes again. A failure to commit (a session that no longer fits,
// say) is reported through the Manager's Config.OnError and the response goes
// on without the cookie: nothing is ever written into a response that has
// started. A change made after the response started is reported the same way,
// wrapping [ErrLateChange].
//
// A handler that panics is left to net/http, which aborts the response (the
// client sees a broken connection or stream): nothing is committed.
//
// Several Middleware, for Managers with different names, can be stacked.
func (m *Manager[T]) Middleware(next http.Handler) http.Handler {
	vary := "Cookie"
	if m.header != "" {
		vary += ", " + m.header
	}
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if _, ok := r.Context().Value(m.key).(*reqState[T]); ok {
			next.ServeHTTP(rw, r) // already attached by an outer Middleware of m
			return
		}
		w := &writer[T]{rw: rw, vary: vary}
		w.st = reqState[T]{Context: r.Context(), m: m, r: &w.req}
		setContext(&w.req, r, &w.st)
		next.ServeHTTP(w, &w.req)
		w.finish()
	})
}

// setContext sets *dst to r with ctx as its context. Outside the generic
// function, the compiler sees that WithContext's copy does not escape and
// keeps it off the heap: an untouched route costs the writer alone.
func setContext(dst, r *http.Request, ctx context.Context) { *dst = *r.WithContext(ctx) }

// writer commits the session before the first byte of the response. It holds
// the per-request cache and the attached request too, so that a request
// costs one allocation here.
type writer[T any] struct {
	rw        http.ResponseWriter
	vary      string // "Cookie" and the session header's name, as one Vary value
	committed bool
	st        reqState[T]
	req       http.Request // the request with st as its context
}

// commit saves the session once, if the handler asked for it.
func (w *writer[T]) commit() {
	if w.committed {
		return
	}
	w.committed = true
	s, ok := w.st.loaded()
	if !ok {
		return
	}
	h := w.rw.Header()
	if len(h["Vary"]) == 0 {
		h["Vary"] = []string{w.vary}
	} else {
		token.AddVary(h, "Cookie")
		if hdr := w.st.m.header; hdr != "" {
			token.AddVary(h, hdr)
		}
	}
	// Save reports its own failures through Config.OnError; the response
	// goes on without the cookie.
	_ = s.Save(h)
	// A handler that saved earlier may have set Cache-Control: public
	// since: the response still carries its session.
	if s.savedAny() && !w.st.m.keepCacheControl {
		token.MakePrivate(h)
	}
}

// finish runs after the handler returned normally: it commits a response
// that wrote nothing, and reports a change made too late to be sent.
func (w *writer[T]) finish() {
	if !w.committed {
		w.commit()
		return
	}
	if s, ok := w.st.loaded(); ok {
		_ = s.Done() // reports a change made too late through OnError
	}
}

// Header returns the underlying writer's header map.
func (w *writer[T]) Header() http.Header { return w.rw.Header() }

// WriteHeader commits the session before a final status; 1xx informational
// responses other than 101 pass through without it.
func (w *writer[T]) WriteHeader(code int) {
	if code >= 200 || code == http.StatusSwitchingProtocols {
		w.commit()
	}
	w.rw.WriteHeader(code)
}

// Write commits the session, then writes.
func (w *writer[T]) Write(p []byte) (int, error) {
	w.commit()
	return w.rw.Write(p)
}

// ReadFrom commits the session, then copies src with the underlying writer's
// ReadFrom when it has one (sendfile for an *os.File on a plain connection).
func (w *writer[T]) ReadFrom(src io.Reader) (int64, error) {
	w.commit()
	if rf, ok := w.rw.(io.ReaderFrom); ok {
		return rf.ReadFrom(src)
	}
	return io.Copy(writerOnly{w.rw}, src)
}

// Flush commits the session, then flushes. It is what a type assertion to
// http.Flusher finds; http.ResponseController uses FlushError.
func (w *writer[T]) Flush() { _ = w.FlushError() }

// FlushError commits the session, then flushes through
// http.ResponseController, returning its error (http.ErrNotSupported when the
// underlying writer cannot flush).
func (w *writer[T]) FlushError() error {
	w.commit()
	return http.NewResponseController(w.rw).Flush()
}

// Unwrap returns the underlying writer, for http.ResponseController.
func (w *writer[T]) Unwrap() http.ResponseWriter { return w.rw }

// writerOnly hides every method but Write, so io.Copy does not loop back
// into ReadFrom.
type writerOnly struct{ io.Writer }
