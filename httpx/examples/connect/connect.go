// Package connect shows sealcookie sessions in a connect-go
// (connectrpc.com/connect) service, whose handlers are http.Handlers: the
// session's middleware goes around the mux, and handlers reach the session
// with m.From(ctx).
//
// RPC clients have no cookie jar, so they carry the session in the session
// header (X-Session-Session by default): the login RPC answers with a
// sealed value (Manager.Encode) in that header, and every later call sends
// it and gets the renewed value back in the same response header, never a
// Set-Cookie (see session.Session.Save). A browser client (connect-web)
// sends no such header and keeps using the cookie. The service here is
// built from protobuf's well-known types, so it needs no generated code; a
// generated service works the same way.
package connect

import (
	"context"
	"errors"
	"net/http"

	"connectrpc.com/connect"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/sealcookie/sealcookie/session"
)

// Procedures of the example service.
const (
	LoginProcedure = "/visits.v1.VisitService/Login" // name in, the session header out
	VisitProcedure = "/visits.v1.VisitService/Visit" // one more visit, the count out
	WatchProcedure = "/visits.v1.VisitService/Watch" // one more visit, then n messages streamed
)

// User is the session data.
type User struct {
	Name   string `json:"name,omitempty"`
	Visits int64  `json:"visits"`
}

// NewHandler returns the service's handler, with the session middleware of
// m around it.
func NewHandler(m *session.Manager[User]) http.Handler {
	mux := http.NewServeMux()
	mux.Handle(LoginProcedure, connect.NewUnaryHandler(LoginProcedure,
		func(ctx context.Context, req *connect.Request[wrapperspb.StringValue]) (*connect.Response[wrapperspb.StringValue], error) {
			v, err := m.Encode(session.Envelope[User]{Data: User{Name: req.Msg.GetValue()}})
			if err != nil {
				return nil, connect.NewError(connect.CodeInternal, errors.New("session"))
			}
			res := connect.NewResponse(wrapperspb.String("welcome " + req.Msg.GetValue()))
			res.Header().Set(m.HeaderName(), v)
			return res, nil
		}))
	mux.Handle(VisitProcedure, connect.NewUnaryHandler(VisitProcedure,
		func(ctx context.Context, _ *connect.Request[wrapperspb.StringValue]) (*connect.Response[wrapperspb.Int64Value], error) {
			s, err := visit(ctx, m)
			if err != nil {
				return nil, err
			}
			return connect.NewResponse(wrapperspb.Int64(s.Data().Visits)), nil
		}))
	mux.Handle(WatchProcedure, connect.NewServerStreamHandler(WatchProcedure,
		func(ctx context.Context, req *connect.Request[wrapperspb.Int64Value], stream *connect.ServerStream[wrapperspb.Int64Value]) error {
			s, err := visit(ctx, m) // before the first Send, which sends the header
			if err != nil {
				return err
			}
			for i := range req.Msg.GetValue() {
				if err := stream.Send(wrapperspb.Int64(s.Data().Visits*100 + i)); err != nil {
					return err
				}
			}
			return nil
		}))
	return m.Middleware(mux)
}

// visit counts one more visit in the call's session.
func visit(ctx context.Context, m *session.Manager[User]) (*session.Session[User], error) {
	s, ok := m.From(ctx)
	if !ok {
		return nil, connect.NewError(connect.CodeInternal, errors.New("no session middleware"))
	}
	if s.Data().Name == "" {
		return nil, connect.NewError(connect.CodeUnauthenticated, errors.New("log in first"))
	}
	if err := s.Update(func(u *User) { u.Visits++ }); err != nil {
		return nil, connect.NewError(connect.CodeResourceExhausted, errors.New("session too large"))
	}
	return s, nil
}
