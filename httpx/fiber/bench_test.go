package sealfiber_test

import (
	"net/http"
	"testing"

	"github.com/gofiber/fiber/v3"
	"github.com/valyala/fasthttp"

	sealfiber "github.com/sealcookie/sealcookie/httpx/fiber"
	"github.com/sealcookie/sealcookie/internal/frameworktest"
)

// BenchmarkRequest measures one request through Fiber's handler, without
// a network: without any session middleware (the baseline), through the
// adapter on a route that never asks for the session, and through the
// adapter reading the request's cookie and writing a new one.
func BenchmarkRequest(b *testing.B) {
	m, _, err := frameworktest.NewManager()
	if err != nil {
		b.Fatal(err)
	}
	// A cookie, as a returning browser sends it.
	login := fiber.New()
	login.Use(sealfiber.Middleware(m))
	login.Post("/login", func(c fiber.Ctx) error { return frameworktest.Login(sealfiber.Get(c, m), "ada") })
	req, _ := http.NewRequest(http.MethodPost, "http://example.com/login", nil)
	resp, err := login.Test(req)
	if err != nil || len(resp.Cookies()) != 1 {
		b.Fatalf("login: %v, %d cookies", err, len(resp.Cookies()))
	}
	cookie := resp.Cookies()[0]

	for _, bc := range []struct {
		name    string
		adapter bool
		handler fiber.Handler
	}{
		{"no session middleware", false, func(c fiber.Ctx) error { return c.SendString("ok") }},
		{"adapter, session untouched", true, func(c fiber.Ctx) error { return c.SendString("ok") }},
		{"adapter, session updated", true, func(c fiber.Ctx) error {
			if err := frameworktest.Count(sealfiber.Get(c, m)); err != nil {
				return err
			}
			return c.SendString("ok")
		}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			app := fiber.New()
			if bc.adapter {
				app.Use(sealfiber.Middleware(m))
			}
			app.Get("/", bc.handler)
			h := app.Handler()
			var ctx fasthttp.RequestCtx
			b.ReportAllocs()
			for b.Loop() {
				ctx.Request.Reset()
				ctx.Response.Reset()
				ctx.Request.Header.SetMethod(http.MethodGet)
				ctx.Request.SetRequestURI("/")
				ctx.Request.Header.SetCookie(cookie.Name, cookie.Value)
				h(&ctx)
			}
			if ctx.Response.StatusCode() != http.StatusOK || string(ctx.Response.Body()) != "ok" {
				b.Fatalf("answer %d %q", ctx.Response.StatusCode(), ctx.Response.Body())
			}
		})
	}
}
