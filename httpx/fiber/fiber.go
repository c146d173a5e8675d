// Package sealfiber connects sealcookie sessions to Fiber v3
// (github.com/gofiber/fiber/v3), which runs on fasthttp rather than
// net/http: middleware on the session's carrier-neutral API (the request's
// Cookie and session headers in, Set-Cookie lines out), with the session in
// the request's Locals and typed access from a fiber.Ctx.
//
//	m, _ := session.New(session.Config[User]{Keys: keys})
//	app := fiber.New()
//	app.Use(sealfiber.Middleware(m))
//	app.Get("/", func(c fiber.Ctx) error {
//		s := sealfiber.Get(c, m)
//		if err := s.Update(func(u *User) { u.Visits++ }); err != nil {
//			return err
//		}
//		return c.SendString(fmt.Sprintf("visits: %d", s.Data().Visits))
//	})
//
// # Why an adapter
//
// Fiber handlers have no *http.Request, so Manager.Get cannot reach them,
// and net/http middleware wrapped with Fiber's adaptor.HTTPMiddleware runs to
// its end before the Fiber handler does: it commits an untouched session,
// and every change the handler makes is lost without a word.
//
// # Committing
//
// Fiber builds the response while the handlers run and sends it after the
// last one returns, so Middleware commits when the handlers after it return
// (whether or not they returned an error, so an error page still carries
// the cookie): it saves the session if a handler asked for it, adds its
// Set-Cookie lines and session header to the response, and adds "Vary:
// Cookie" and the session header's name. A streamed body is sent after
// that: change the session before c.SendStreamWriter, whose function
// fasthttp starts at once, beside the handlers still running, so a change
// made in it reaches the client only if it happens to land before the
// commit. One that does not is reported to the Manager's Config.OnError,
// wrapping session.ErrLateChange, once the response is out; none is lost
// silently.
//
// # Header size
//
// fasthttp reads a request's header into a buffer of fiber.Config's
// ReadBufferSize, 4096 bytes by default, and answers a longer header with
// 431 Request Header Fields Too Large. A session cookie is up to 4000
// characters before it is split into chunks (session.Config.Cookie's
// MaxChunks, 8 by default), so raise it to what your sessions need, say
//
//	fiber.New(fiber.Config{ReadBufferSize: 40 << 10}) // 8 chunks and the rest of the header
//
// or keep sessions well under 4000 characters.
package sealfiber

import (
	"context"
	"fmt"
	"net/http"
	"sync"

	"github.com/gofiber/fiber/v3"

	"github.com/sealcookie/sealcookie/session"
)

// key is the Locals key of a Manager's per-request state.
type key[T any] struct{ m *session.Manager[T] }

// state is one request's session for one Manager, loaded on first use.
type state[T any] struct {
	m         *session.Manager[T]
	ctx       context.Context
	cookies   []string // the request's Cookie header, copied out of fasthttp's buffers
	header    string   // the request's session header, copied likewise
	mu        sync.Mutex
	s         *session.Session[T]
	committed bool
}

// Middleware returns Fiber middleware that gives each request a lazily
// loaded session of m and commits it into the response when the handlers
// after it return (see the package documentation). Use it with App.Use or
// on a group.
func Middleware[T any](m *session.Manager[T]) fiber.Handler {
	k := key[T]{m}
	vary := []string{"Cookie"}
	if h := m.HeaderName(); h != "" {
		vary = append(vary, h)
	}
	return func(c fiber.Ctx) error {
		if _, ok := c.Locals(k).(*state[T]); ok {
			return c.Next() // already attached by an outer Middleware of m
		}
		st := &state[T]{m: m, ctx: c.Context()}
		if v := c.Request().Header.Peek(fiber.HeaderCookie); len(v) != 0 {
			st.cookies = []string{string(v)}
		}
		if h := m.HeaderName(); h != "" {
			st.header = string(c.Request().Header.Peek(h))
		}
		c.Locals(k, st)
		err := c.Next()
		if s := st.commit(); s != nil {
			h := http.Header{}
			_ = s.Save(h) // Save reports its own failures through Config.OnError
			c.Vary(vary...)
			rh := &c.Response().Header
			for name, values := range h {
				for _, v := range values {
					rh.Add(name, v)
				}
			}
		}
		return err
	}
}

// Get returns the request's session, loading it on first use (the session
// header over the cookie; a bad value gives a fresh session). It panics if
// Middleware(m) does not run before the handler: without it, changes would
// never be saved.
func Get[T any](c fiber.Ctx, m *session.Manager[T]) *session.Session[T] {
	s, ok := From(c, m)
	if !ok {
		panic(fmt.Sprintf("sealfiber: no Middleware for session %q runs before this handler", m.Name()))
	}
	return s
}

// From returns the request's session, loading it on first use; ok is false
// when Middleware(m) does not run before the handler.
func From[T any](c fiber.Ctx, m *session.Manager[T]) (s *session.Session[T], ok bool) {
	st, ok := c.Locals(key[T]{m}).(*state[T])
	if !ok {
		return nil, false
	}
	return st.get(), true
}

func (st *state[T]) get() *session.Session[T] {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.s == nil {
		st.s = st.m.Load(st.ctx, st.cookies, st.header)
	}
	return st.s
}

// commit marks the state committed and returns the session if a handler
// asked for it.
func (st *state[T]) commit() *session.Session[T] {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.committed = true
	return st.s
}

// Close runs once the response has been written, streamed body included:
// Fiber closes the io.Closer values in Locals when it resets the request.
// A change made after the commit is reported as late.
func (st *state[T]) Close() error {
	st.mu.Lock()
	s, committed := st.s, st.committed
	st.mu.Unlock()
	if s != nil && committed {
		_ = s.Done() // reports through Config.OnError
	}
	return nil
}
