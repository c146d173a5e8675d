package sealgin_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gin-gonic/gin"

	sealgin "github.com/sealcookie/sealcookie/httpx/gin"
	"github.com/sealcookie/sealcookie/internal/frameworktest"
)

// BenchmarkRequest measures one request through gin: without any session
// middleware (the baseline), through the adapter on a route that never
// asks for the session (what the adapter costs by itself), and through the
// adapter reading the request's cookie and writing a new one.
func BenchmarkRequest(b *testing.B) {
	m, _, err := frameworktest.NewManager()
	if err != nil {
		b.Fatal(err)
	}
	// A request that carries a session, as a returning browser's does.
	setup := httptest.NewRecorder()
	r := newEngine()
	r.Use(sealgin.Middleware(m))
	r.POST("/login", func(c *gin.Context) { frameworktest.Login(sealgin.Get(c, m), "ada") })
	r.ServeHTTP(setup, httptest.NewRequest(http.MethodPost, "/login", nil))
	cookies := setup.Result().Cookies()

	for _, bc := range []struct {
		name    string
		adapter bool
		handler gin.HandlerFunc
	}{
		{"no session middleware", false, func(c *gin.Context) { c.String(http.StatusOK, "ok") }},
		{"adapter, session untouched", true, func(c *gin.Context) { c.String(http.StatusOK, "ok") }},
		{"adapter, session updated", true, func(c *gin.Context) {
			if err := frameworktest.Count(sealgin.Get(c, m)); err != nil {
				b.Error(err)
			}
			c.Writer.WriteString("ok")
		}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			r := newEngine()
			if bc.adapter {
				r.Use(sealgin.Middleware(m))
			}
			r.GET("/", bc.handler)
			req := httptest.NewRequest(http.MethodGet, "/", nil)
			for _, c := range cookies {
				req.AddCookie(c)
			}
			b.ReportAllocs()
			var rec *httptest.ResponseRecorder
			for b.Loop() {
				rec = httptest.NewRecorder()
				r.ServeHTTP(rec, req)
			}
			if rec.Code != http.StatusOK || rec.Body.String() != "ok" {
				b.Fatalf("answer %d %q", rec.Code, rec.Body.String())
			}
		})
	}
}
