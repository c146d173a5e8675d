package sealfiber_test

import (
	"bufio"
	"errors"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v3"
	"github.com/gofiber/fiber/v3/middleware/adaptor"
	"github.com/google/go-cmp/cmp"

	sealfiber "github.com/sealcookie/sealcookie/httpx/fiber"
	"github.com/sealcookie/sealcookie/internal/frameworktest"
	"github.com/sealcookie/sealcookie/internal/testkit"
	"github.com/sealcookie/sealcookie/session"
)

type sess = session.Session[frameworktest.Data]

// via lists the ways a Fiber handler sends its answer; GET /count takes
// each in turn.
var via = []string{"SendString", "JSON", "Send", "Write", "SendStatus", "Status only", "SendStreamWriter", "Flush in a stream"}

// routes serves frameworktest's routes the way Fiber users write handlers;
// get is how a handler reaches its session.
func routes(t *testing.T, app *fiber.App, get func(fiber.Ctx) *sess) {
	fail := func(c fiber.Ctx, err error) error {
		t.Errorf("%s: %v", c.Path(), err)
		return c.SendStatus(http.StatusInternalServerError)
	}
	app.Post("/login", func(c fiber.Ctx) error {
		if err := frameworktest.Login(get(c), c.Query("name")); err != nil {
			return fail(c, err)
		}
		return c.SendString("welcome")
	})
	app.Get("/count", func(c fiber.Ctx) error {
		if err := frameworktest.Count(get(c)); err != nil {
			return fail(c, err)
		}
		switch v := c.Query("via"); v {
		case "", "SendString":
			return c.SendString("counted")
		case "JSON":
			return c.JSON(fiber.Map{"counted": true})
		case "Send":
			return c.Send([]byte("counted"))
		case "Write":
			_, err := c.Write([]byte("counted"))
			return err
		case "SendStatus":
			return c.SendStatus(http.StatusOK)
		case "Status only":
			c.Status(http.StatusOK)
			return nil
		case "SendStreamWriter":
			return c.SendStreamWriter(func(w *bufio.Writer) { w.WriteString("counted") })
		case "Flush in a stream":
			return c.SendStreamWriter(func(w *bufio.Writer) {
				w.WriteString("count")
				w.Flush()
				w.WriteString("ed")
			})
		default:
			t.Errorf("unknown via %q", v)
			return nil
		}
	})
	app.Post("/blob", func(c fiber.Ctx) error {
		n, _ := strconv.Atoi(c.Query("n"))
		if err := frameworktest.SetBlob(get(c), n); err != nil {
			return fail(c, err)
		}
		return c.SendStatus(http.StatusOK)
	})
	app.Get("/me", func(c fiber.Ctx) error { return c.SendString(frameworktest.Me(get(c))) })
	app.Post("/logout", func(c fiber.Ctx) error {
		get(c).Clear()
		return c.SendString("bye")
	})
	app.Get("/stream", func(c fiber.Ctx) error {
		if err := frameworktest.Count(get(c)); err != nil {
			return fail(c, err)
		}
		return c.SendStreamWriter(func(w *bufio.Writer) {
			for _, p := range []string{"a", "b", "c"} {
				w.WriteString(p)
				w.Flush()
			}
		})
	})
	app.Get("/late", func(c fiber.Ctx) error {
		// fasthttp starts the stream writer at once, beside the handlers,
		// and reads from it once they have returned and the header is out.
		// Its pipe holds 4 writes: the fifth waits for that reader, so the
		// change after it is certainly too late. The Ctx is gone by then,
		// so the session is taken before.
		s := get(c)
		return c.SendStreamWriter(func(w *bufio.Writer) {
			for _, b := range "early" {
				w.WriteRune(b)
				w.Flush()
			}
			if err := frameworktest.Count(s); err != nil {
				t.Errorf("/late: %v", err)
			}
		})
	})
}

// serve starts app on a loopback port (plain http: Go's cookie jar keeps
// Secure cookies for loopback) and stops it when the test ends.
func serve(t *testing.T, app *fiber.App) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- app.Listener(ln, fiber.ListenConfig{DisableStartupMessage: true}) }()
	t.Cleanup(func() {
		if err := app.ShutdownWithTimeout(5 * time.Second); err != nil {
			t.Errorf("shutdown: %v", err)
		}
		if err := <-done; err != nil && !errors.Is(err, net.ErrClosed) {
			t.Errorf("Listener: %v", err)
		}
	})
	return "http://" + ln.Addr().String()
}

func newTarget(t *testing.T, app *fiber.App, m *session.Manager[frameworktest.Data], log *testkit.ErrLog) frameworktest.Target {
	return frameworktest.Target{URL: serve(t, app), Manager: m, Errors: log, Via: via}
}

// readBuffer is the fasthttp read buffer, which caps a request's header,
// that a session of 8 chunks (32000 characters) needs.
const readBuffer = 40 << 10

// Every scenario passes with the adapter.
func TestMiddleware(t *testing.T) {
	m, log, err := frameworktest.NewManager()
	if err != nil {
		t.Fatal(err)
	}
	app := fiber.New(fiber.Config{ReadBufferSize: readBuffer})
	app.Use(sealfiber.Middleware(m))
	routes(t, app, func(c fiber.Ctx) *sess { return sealfiber.Get(c, m) })
	frameworktest.Run(t, newTarget(t, app, m, log))
}

// Fiber's default read buffer (4096 bytes, fasthttp's) caps the whole
// request header: a session over one chunk gets 431 Request Header Fields
// Too Large, which is why the package documentation says to raise it.
func TestDefaultReadBufferMeasured(t *testing.T) {
	m, log, err := frameworktest.NewManager()
	if err != nil {
		t.Fatal(err)
	}
	app := fiber.New()
	app.Use(sealfiber.Middleware(m))
	routes(t, app, func(c fiber.Ctx) *sess { return sealfiber.Get(c, m) })
	got := frameworktest.Measure(t.Context(), newTarget(t, app, m, log))
	if diff := cmp.Diff([]string{"chunked session"}, frameworktest.Failed(got)); diff != "" {
		t.Errorf("scenarios that fail with Fiber's default ReadBufferSize (-want +got):\n%s\n%s", diff, frameworktest.Table(got))
	}
	for _, o := range got {
		if o.Err != nil && !strings.Contains(o.Err.Error(), "status 431") {
			t.Errorf("%s: %v, want a 431", o.Name, o.Err)
		}
	}
}

// The measurement behind the README's note: the session's net/http
// middleware through Fiber's own adaptor.HTTPMiddleware, with handlers
// reaching the session the only way a net/http API allows, m.Get on the
// request adaptor.ConvertRequest builds. The middleware has committed an
// untouched session before the Fiber handler runs, so nothing is ever
// saved, and nothing is reported either.
func TestPlainMiddlewareMeasured(t *testing.T) {
	m, log, err := frameworktest.NewManager()
	if err != nil {
		t.Fatal(err)
	}
	app := fiber.New(fiber.Config{ReadBufferSize: readBuffer})
	app.Use(adaptor.HTTPMiddleware(m.Middleware))
	routes(t, app, func(c fiber.Ctx) *sess {
		r, err := adaptor.ConvertRequest(c, false)
		if err != nil {
			t.Fatalf("ConvertRequest: %v", err)
		}
		return m.Get(r)
	})
	got := frameworktest.Measure(t.Context(), newTarget(t, app, m, log))
	t.Logf("Fiber %s with the plain middleware through adaptor.HTTPMiddleware:\n%s", fiber.Version, frameworktest.Table(got))
	var all []string
	for _, o := range got {
		all = append(all, o.Name)
	}
	if diff := cmp.Diff(all, frameworktest.Failed(got)); diff != "" {
		t.Errorf("scenarios that fail with the plain middleware, want every one (-want +got):\n%s", diff)
	}
}

// Get panics, saying why, on a route the middleware does not cover; From
// says so with ok.
func TestGetWithoutMiddleware(t *testing.T) {
	m, _, err := frameworktest.NewManager()
	if err != nil {
		t.Fatal(err)
	}
	app := fiber.New()
	var fromOK bool
	var panicked any
	app.Get("/", func(c fiber.Ctx) error {
		_, fromOK = sealfiber.From(c, m)
		defer func() { panicked = recover() }()
		sealfiber.Get(c, m)
		return nil
	})
	req, _ := http.NewRequest(http.MethodGet, "http://example.com/", nil)
	if _, err := app.Test(req); err != nil {
		t.Fatal(err)
	}
	if fromOK {
		t.Error("From without the middleware: ok")
	}
	if want := `sealfiber: no Middleware for session "__Host-session" runs before this handler`; panicked != want {
		t.Errorf("panic %v, want %q", panicked, want)
	}
}
