// Package sealecho connects sealcookie sessions to Echo v4
// (github.com/labstack/echo/v4): the session middleware as an
// echo.MiddlewareFunc, and typed access from an echo.Context. For Echo v5,
// see package sealecho5.
//
//	m, _ := session.New(session.Config[User]{Keys: keys})
//	e := echo.New()
//	e.Use(sealecho.Middleware(m))
//	e.GET("/", func(c echo.Context) error {
//		s := sealecho.Get(c, m)
//		if err := s.Update(func(u *User) { u.Visits++ }); err != nil {
//			return err
//		}
//		return c.String(http.StatusOK, fmt.Sprintf("visits: %d", s.Data().Visits))
//	})
//
// Echo writes every response through the http.ResponseWriter its Response
// wraps, so the session's net/http middleware ([session.Manager.Middleware])
// works in Echo as it is: Middleware is echo.WrapMiddleware(m.Middleware),
// and commits the session before the first byte of the response, at
// c.Response().Flush too. What this package adds is Get, which panics when
// the middleware is missing instead of handing out a session nothing saves.
// m.Get(c.Request()) and m.From(c.Request().Context()) reach the same
// session.
//
// A handler that returns an error has its response written by Echo's
// HTTPErrorHandler after the middleware has returned; the middleware has
// committed the session by then (into the header map, which the error
// response sends), so the cookie is not lost, but a change made by the
// error handler itself is.
package sealecho

import (
	"fmt"

	"github.com/labstack/echo/v4"

	"github.com/sealcookie/sealcookie/session"
)

// Middleware returns Echo middleware that gives each request a lazily loaded
// session of m and commits it before the first byte of the response (see
// session.Manager.Middleware). Use it with Echo.Use or on a group.
func Middleware[T any](m *session.Manager[T]) echo.MiddlewareFunc {
	return echo.WrapMiddleware(m.Middleware)
}

// Get returns the request's session, loading it on first use (the session
// header over the cookie; a bad value gives a fresh session). It panics if
// Middleware(m) does not run before the handler: without it, changes would
// never be saved.
func Get[T any](c echo.Context, m *session.Manager[T]) *session.Session[T] {
	s, ok := From(c, m)
	if !ok {
		panic(fmt.Sprintf("sealecho: no Middleware for session %q runs before this handler", m.Name()))
	}
	return s
}

// From returns the request's session, loading it on first use; ok is false
// when Middleware(m) does not run before the handler.
func From[T any](c echo.Context, m *session.Manager[T]) (s *session.Session[T], ok bool) {
	if c.Request() == nil {
		return nil, false
	}
	return m.From(c.Request().Context())
}
