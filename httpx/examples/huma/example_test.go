package huma_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"

	"github.com/sealcookie/sealcookie/sealed"
	"github.com/sealcookie/sealcookie/session"
)

type User struct {
	Name   string `json:"name,omitempty"`
	Visits int    `json:"visits"`
}

type VisitOutput struct {
	Body struct {
		Visits int `json:"visits"`
	}
}

func Example() {
	m, err := session.New(session.Config[User]{
		Keys: []sealed.Key{{ID: 1, Password: "an example password of 32 bytes or more"}},
	})
	if err != nil {
		panic(err)
	}
	mux := http.NewServeMux()
	api := humago.New(mux, huma.DefaultConfig("Visits", "1.0.0"))
	huma.Register(api, huma.Operation{OperationID: "visit", Method: http.MethodPost, Path: "/visits"},
		func(ctx context.Context, _ *struct{}) (*VisitOutput, error) {
			s, ok := m.From(ctx) // the request's context: the middleware's session
			if !ok {
				return nil, huma.Error500InternalServerError("no session middleware")
			}
			if err := s.Update(func(u *User) { u.Visits++ }); err != nil {
				return nil, huma.Error500InternalServerError("session too large")
			}
			out := &VisitOutput{}
			out.Body.Visits = s.Data().Visits
			return out, nil
		})
	handler := m.Middleware(mux) // around the router, so every operation has it

	var cookies []*http.Cookie
	for range 2 {
		req := httptest.NewRequest(http.MethodPost, "https://example.com/visits", nil)
		for _, c := range cookies {
			req.AddCookie(c)
		}
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, req)
		cookies = rec.Result().Cookies()
		fmt.Print(rec.Code, " ", rec.Body.String())
	}
	// Output:
	// 200 {"$schema":"https://example.com/schemas/VisitOutputBody.json","visits":1}
	// 200 {"$schema":"https://example.com/schemas/VisitOutputBody.json","visits":2}
}
