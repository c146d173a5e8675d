package huma_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"

	"github.com/sealcookie/sealcookie/internal/frameworktest"
	"github.com/sealcookie/sealcookie/session"
)

type text struct {
	ContentType string `header:"Content-Type"`
	Body        []byte
}

func plain(s string) *text { return &text{ContentType: "text/plain", Body: []byte(s)} }

// huma needs no adapter: the scenario set passes with m.Middleware around
// the router and m.From(ctx) in operations.
func TestScenarios(t *testing.T) {
	m, log, err := frameworktest.NewManager()
	if err != nil {
		t.Fatal(err)
	}
	get := func(ctx context.Context) *session.Session[frameworktest.Data] {
		s, ok := m.From(ctx)
		if !ok {
			t.Fatal("an operation's context carries no session")
		}
		return s
	}
	check := func(err error) error {
		if err != nil {
			t.Errorf("operation: %v", err)
			return huma.Error500InternalServerError("session")
		}
		return nil
	}
	mux := http.NewServeMux()
	api := humago.New(mux, huma.DefaultConfig("Scenarios", "1.0.0"))
	huma.Register(api, huma.Operation{OperationID: "login", Method: http.MethodPost, Path: "/login"},
		func(ctx context.Context, in *struct {
			Name string `query:"name"`
		}) (*text, error) {
			return plain("welcome"), check(frameworktest.Login(get(ctx), in.Name))
		})
	huma.Register(api, huma.Operation{OperationID: "count", Method: http.MethodGet, Path: "/count"},
		func(ctx context.Context, in *struct {
			Via string `query:"via"`
		}) (*huma.StreamResponse, error) {
			if err := check(frameworktest.Count(get(ctx))); err != nil {
				return nil, err
			}
			return &huma.StreamResponse{Body: func(hc huma.Context) {
				switch in.Via {
				case "", "BodyWriter":
					hc.BodyWriter().Write([]byte("counted"))
				case "SetStatus":
					hc.SetStatus(http.StatusOK)
				default:
					t.Errorf("unknown via %q", in.Via)
				}
			}}, nil
		})
	huma.Register(api, huma.Operation{OperationID: "blob", Method: http.MethodPost, Path: "/blob"},
		func(ctx context.Context, in *struct {
			N int `query:"n"`
		}) (*text, error) {
			return plain("stored"), check(frameworktest.SetBlob(get(ctx), in.N))
		})
	huma.Register(api, huma.Operation{OperationID: "me", Method: http.MethodGet, Path: "/me"},
		func(ctx context.Context, _ *struct{}) (*text, error) { return plain(frameworktest.Me(get(ctx))), nil })
	huma.Register(api, huma.Operation{OperationID: "logout", Method: http.MethodPost, Path: "/logout"},
		func(ctx context.Context, _ *struct{}) (*text, error) {
			get(ctx).Clear()
			return plain("bye"), nil
		})
	huma.Register(api, huma.Operation{OperationID: "stream", Method: http.MethodGet, Path: "/stream"},
		func(ctx context.Context, _ *struct{}) (*huma.StreamResponse, error) {
			if err := check(frameworktest.Count(get(ctx))); err != nil {
				return nil, err
			}
			return &huma.StreamResponse{Body: func(hc huma.Context) {
				hc.SetHeader("Content-Type", "text/plain")
				for _, p := range []string{"a", "b", "c"} {
					hc.BodyWriter().Write([]byte(p))
					http.NewResponseController(hc.BodyWriter().(http.ResponseWriter)).Flush()
				}
			}}, nil
		})
	huma.Register(api, huma.Operation{OperationID: "late", Method: http.MethodGet, Path: "/late"},
		func(ctx context.Context, _ *struct{}) (*huma.StreamResponse, error) {
			return &huma.StreamResponse{Body: func(hc huma.Context) {
				hc.BodyWriter().Write([]byte("early"))
				check(frameworktest.Count(get(hc.Context())))
			}}, nil
		})
	srv := httptest.NewTLSServer(m.Middleware(mux))
	defer srv.Close()
	frameworktest.Run(t, frameworktest.Target{
		URL: srv.URL, Client: srv.Client(), Manager: m, Errors: log,
		Via: []string{"BodyWriter", "SetStatus"},
	})
}
