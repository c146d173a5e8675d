package sealecho5_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/labstack/echo/v5"

	sealecho5 "github.com/sealcookie/sealcookie/httpx/echo5"
	"github.com/sealcookie/sealcookie/internal/frameworktest"
	"github.com/sealcookie/sealcookie/internal/testkit"
	"github.com/sealcookie/sealcookie/session"
)

type sess = session.Session[frameworktest.Data]

// via lists the ways an Echo handler sends its answer; GET /count takes
// each in turn.
var via = []string{"String", "JSON", "Blob", "Stream", "Response.Write", "Response.WriteHeader", "ResponseController.Flush", "nothing", "error"}

// routes serves frameworktest's routes the way Echo users write handlers;
// get is how a handler reaches its session.
func routes(t *testing.T, e *echo.Echo, get func(*echo.Context) *sess) {
	e.POST("/login", func(c *echo.Context) error {
		if err := frameworktest.Login(get(c), c.QueryParam("name")); err != nil {
			return err
		}
		return c.String(http.StatusOK, "welcome")
	})
	e.GET("/count", func(c *echo.Context) error {
		if err := frameworktest.Count(get(c)); err != nil {
			return err
		}
		switch v := c.QueryParam("via"); v {
		case "", "String":
			return c.String(http.StatusOK, "counted")
		case "JSON":
			return c.JSON(http.StatusOK, map[string]bool{"counted": true})
		case "Blob":
			return c.Blob(http.StatusOK, "text/plain", []byte("counted"))
		case "Stream":
			return c.Stream(http.StatusOK, "text/plain", struct{ io.Reader }{stringsReader("counted")})
		case "Response.Write":
			_, err := c.Response().Write([]byte("counted"))
			return err
		case "Response.WriteHeader":
			c.Response().WriteHeader(http.StatusOK)
		case "ResponseController.Flush":
			http.NewResponseController(c.Response()).Flush()
		case "nothing":
		case "error":
			// Written by the HTTPErrorHandler after the middleware returned.
			return echo.NewHTTPError(http.StatusOK, "counted")
		default:
			t.Errorf("unknown via %q", v)
		}
		return nil
	})
	e.POST("/blob", func(c *echo.Context) error {
		n, _ := strconv.Atoi(c.QueryParam("n"))
		if err := frameworktest.SetBlob(get(c), n); err != nil {
			return err
		}
		return c.NoContent(http.StatusOK)
	})
	e.GET("/me", func(c *echo.Context) error { return c.String(http.StatusOK, frameworktest.Me(get(c))) })
	e.POST("/logout", func(c *echo.Context) error {
		get(c).Clear()
		return c.String(http.StatusOK, "bye")
	})
	e.GET("/stream", func(c *echo.Context) error {
		if err := frameworktest.Count(get(c)); err != nil {
			return err
		}
		for _, p := range []string{"a", "b", "c"} {
			if _, err := c.Response().Write([]byte(p)); err != nil {
				return err
			}
			http.NewResponseController(c.Response()).Flush()
		}
		return nil
	})
	e.GET("/late", func(c *echo.Context) error {
		if err := c.String(http.StatusOK, "early"); err != nil {
			return err
		}
		http.NewResponseController(c.Response()).Flush()
		return frameworktest.Count(get(c))
	})
}

type stringsReader string

func (s stringsReader) Read(p []byte) (int, error) { return copy(p, s), io.EOF }

// newEcho returns an Echo whose error handler fails the test on anything but
// the 200 that GET /count?via=error returns on purpose.
func newEcho(t *testing.T) *echo.Echo {
	e := echo.New()
	def := echo.DefaultHTTPErrorHandler(false)
	e.HTTPErrorHandler = func(c *echo.Context, err error) {
		if he, ok := err.(*echo.HTTPError); !ok || he.Code != http.StatusOK {
			t.Errorf("%s: %v", c.Path(), err)
		}
		def(c, err)
	}
	return e
}

func newTarget(t *testing.T, e *echo.Echo, m *session.Manager[frameworktest.Data], log *testkit.ErrLog) frameworktest.Target {
	srv := httptest.NewTLSServer(e)
	t.Cleanup(srv.Close)
	return frameworktest.Target{URL: srv.URL, Client: srv.Client(), Manager: m, Errors: log, Via: via}
}

// Every scenario passes with the middleware, through every Echo write path.
func TestMiddleware(t *testing.T) {
	m, log, err := frameworktest.NewManager()
	if err != nil {
		t.Fatal(err)
	}
	e := newEcho(t)
	e.Use(sealecho5.Middleware(m))
	routes(t, e, func(c *echo.Context) *sess { return sealecho5.Get(c, m) })
	frameworktest.Run(t, newTarget(t, e, m, log))
}

// The measurement behind the README's note: echo.WrapMiddleware with the
// session's own middleware and m.Get(c.Request()) in handlers, what a user
// writes without this package. Nothing fails: Echo needs no adapter.
func TestPlainMiddlewareMeasured(t *testing.T) {
	m, log, err := frameworktest.NewManager()
	if err != nil {
		t.Fatal(err)
	}
	e := newEcho(t)
	e.Use(echo.WrapMiddleware(m.Middleware))
	routes(t, e, func(c *echo.Context) *sess { return m.Get(c.Request()) })
	got := frameworktest.Measure(t.Context(), newTarget(t, e, m, log))
	t.Logf("Echo %s with the plain middleware through echo.WrapMiddleware:\n%s", echo.Version, frameworktest.Table(got))
	if diff := cmp.Diff([]string(nil), frameworktest.Failed(got)); diff != "" {
		t.Errorf("scenarios that fail with the plain middleware (-want +got):\n%s", diff)
	}
}

// Get panics, saying why, on a route the middleware does not cover; From
// says so with ok.
func TestGetWithoutMiddleware(t *testing.T) {
	m, _, err := frameworktest.NewManager()
	if err != nil {
		t.Fatal(err)
	}
	c := echo.New().NewContext(httptest.NewRequest(http.MethodGet, "/", nil), httptest.NewRecorder())
	if s, ok := sealecho5.From(c, m); ok || s != nil {
		t.Errorf("From without the middleware: %v, %v", s, ok)
	}
	defer func() {
		if want := `sealecho5: no Middleware for session "__Host-session" runs before this handler`; recover() != want {
			t.Errorf("Get without the middleware did not panic with %q", want)
		}
	}()
	sealecho5.Get(c, m)
}
