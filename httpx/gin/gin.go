// Package sealgin connects sealcookie sessions to gin
// (github.com/gin-gonic/gin): middleware that commits the session before
// gin writes the response's header, whichever write path the handler takes,
// and typed access to the session from a *gin.Context.
//
//	m, _ := session.New(session.Config[User]{Keys: keys})
//	r := gin.New()
//	r.Use(sealgin.Middleware(m))
//	r.GET("/", func(c *gin.Context) {
//		s := sealgin.Get(c, m)
//		s.Update(func(u *User) { u.Visits++ })
//		c.String(http.StatusOK, "visits: %d", s.Data().Visits)
//	})
//
// # Why an adapter
//
// The session's net/http middleware ([session.Manager.Middleware]) commits
// before the first byte by wrapping http.ResponseWriter, but gin handlers
// write through gin.ResponseWriter, whose WriteString, WriteHeaderNow and
// Flush reach gin's own writer without passing through a wrapped
// http.ResponseWriter. Wrapped the usual way (a func(http.Handler)
// http.Handler adapter), the middleware sees c.String and c.JSON, which call
// Write, but misses c.Writer.WriteString, c.Writer.WriteHeaderNow (what
// c.AbortWithStatus and c.Status-only handlers end in) and gin's Flush (what
// c.Stream and c.SSEvent call): the cookie is silently lost. Middleware here
// runs the session's own middleware and gives gin a writer that sends each of
// those paths through it.
//
// The session is the Manager's own, so m.Get(c.Request),
// m.From(c.Request.Context()) and package httpx's handlers wrapped with
// gin.WrapH see the same session as Get.
//
// # Committing
//
// gin's WriteHeader (c.Status) only records the status; the header goes out
// at the first WriteHeaderNow, Write, WriteString, Flush or Hijack, or after
// the last handler when none wrote. The session is committed just before
// that, so a handler may still change it after c.Status. A change made after
// the header went out is reported to the Manager's Config.OnError, wrapping
// session.ErrLateChange. Hijack commits into the response header first; what
// the handler writes on the hijacked connection is its own.
package sealgin

import (
	"bufio"
	"fmt"
	"net"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/sealcookie/sealcookie/session"
)

// Middleware returns gin middleware that gives each request a lazily loaded
// session of m, committed before the response's header is written (see the
// package documentation). Use it with Engine.Use or on a route group.
func Middleware[T any](m *session.Manager[T]) gin.HandlerFunc {
	return func(c *gin.Context) {
		m.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			orig := c.Writer
			c.Writer = &writer{ResponseWriter: orig, session: w}
			c.Request = r
			defer func() { c.Writer = orig }()
			c.Next()
		})).ServeHTTP(c.Writer, c.Request)
	}
}

// Get returns the request's session, loading it on first use (the session
// header over the cookie; a bad value gives a fresh session). It panics if
// Middleware(m) does not run before the handler: without it, changes would
// never be saved.
func Get[T any](c *gin.Context, m *session.Manager[T]) *session.Session[T] {
	s, ok := From(c, m)
	if !ok {
		panic(fmt.Sprintf("sealgin: no Middleware for session %q runs before this handler", m.Name()))
	}
	return s
}

// From returns the request's session, loading it on first use; ok is false
// when Middleware(m) does not run before the handler.
func From[T any](c *gin.Context, m *session.Manager[T]) (s *session.Session[T], ok bool) {
	if c.Request == nil {
		return nil, false
	}
	return m.From(c.Request.Context())
}

// writer is gin's writer with every write path sent through the session
// middleware's writer first, which commits the session once.
type writer struct {
	gin.ResponseWriter                     // gin's writer: Status, Size, Written, Pusher, CloseNotify
	session            http.ResponseWriter // the session middleware's writer, wrapping gin's
}

// commit commits the session unless the header has gone out already, in
// which case there is nothing left to commit into. WriteHeader on the
// middleware's writer commits, then records the same status in gin's
// writer, which sends nothing yet.
func (w *writer) commit() {
	if !w.ResponseWriter.Written() {
		w.session.WriteHeader(w.ResponseWriter.Status())
	}
}

// WriteHeader records the status, as gin does; the session is committed when
// the header goes out.
func (w *writer) WriteHeader(code int) { w.ResponseWriter.WriteHeader(code) }

// WriteHeaderNow commits the session, then sends the header.
func (w *writer) WriteHeaderNow() {
	w.commit()
	w.ResponseWriter.WriteHeaderNow()
}

// Write commits the session, then writes.
func (w *writer) Write(p []byte) (int, error) {
	w.commit()
	return w.ResponseWriter.Write(p)
}

// WriteString commits the session, then writes.
func (w *writer) WriteString(s string) (int, error) {
	w.commit()
	return w.ResponseWriter.WriteString(s)
}

// Flush commits the session, then flushes.
func (w *writer) Flush() {
	w.commit()
	w.ResponseWriter.Flush()
}

// Hijack commits the session into the response header, then hands over the
// connection.
func (w *writer) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	w.commit()
	return w.ResponseWriter.Hijack()
}

// Unwrap returns gin's writer, for http.ResponseController.
func (w *writer) Unwrap() http.ResponseWriter { return w.ResponseWriter }
