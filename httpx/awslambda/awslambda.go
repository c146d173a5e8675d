// Package awslambda carries sealcookie sessions through AWS Lambda's HTTP
// events: API Gateway HTTP API (payload 2.0), REST API (payload 1.0), an
// Application Load Balancer and function URLs. It is a module of its own, so
// that the library's go.mod does not grow aws-lambda-go.
//
// # Two ways in
//
// A function written on net/http (a mux behind session.Manager.Middleware)
// runs behind an adapter that turns events into requests:
// awslabs/aws-lambda-go-api-proxy's httpadapter (New for REST, NewV2 for the
// HTTP API and function URLs, NewALB), or aws-lambda-go's lambdaurl for
// function URLs in RESPONSE_STREAM mode, wrapped in [URLCookies]. A function
// written on the events themselves uses the Load and Save pairs here, which
// put Manager.Load and Session.Save on each event type.
//
// # Where each event keeps cookies
//
//	HTTP API (2.0), function URLs   request: cookies array; response: cookies array
//	REST API (1.0)                   request and response: multiValueHeaders
//	ALB                              multiValueHeaders when the target group enables them, else headers
//
// A session over several cookies needs every Set-Cookie line: the 2.0
// payloads and multi-value headers carry them all; an ALB without
// multi-value headers carries one header value per name, and [SaveALB]
// refuses to drop the others ([ErrOneHeaderValue]).
//
// # lambdaurl drops request cookies
//
// aws-lambda-go's lambdaurl.Wrap (v1.55.1) builds the http.Request from the
// event's headers only, and a function URL event carries cookies in its
// cookies array, not in a Cookie header (aws-lambda-go issue 597): every
// request arrives without its session, which starts anew each time. Wrap
// the handler in [URLCookies], which puts them back, or serve the function
// URL (BUFFERED mode) through httpadapter.NewV2, which reads the array.
//
// # Size
//
// API Gateway's HTTP API caps the request line and headers at 10240 bytes
// (not raisable): the default cookie budget passes it, and
// cookie.BudgetAPIGatewayHTTP is the most to allow there.
package awslambda

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambdaurl"

	"github.com/sealcookie/sealcookie/session"
)

// ErrOneHeaderValue is what SaveALB returns when the session needs several
// Set-Cookie lines (a chunked session, or a save that also deletes chunks)
// and the target group does not enable multi-value headers: the load
// balancer would pass one of them. Enable multi-value headers, or keep the
// session in one cookie (cookie.Attributes.MaxChunks 1).
var ErrOneHeaderValue = errors.New("awslambda: several Set-Cookie lines, but the ALB target group has no multi-value headers")

// header returns the value of a header in a single-value map, whatever the
// letter case (API Gateway's HTTP API lowercases names; REST keeps them).
func header(h map[string]string, name string) string {
	if name == "" {
		return ""
	}
	if v, ok := h[name]; ok {
		return v
	}
	for k, v := range h {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return ""
}

// multiHeader returns the values of a header in a multi-value map, whatever
// the letter case.
func multiHeader(h map[string][]string, name string) []string {
	var out []string
	for k, v := range h {
		if strings.EqualFold(k, name) {
			out = append(out, v...)
		}
	}
	return out
}

// joined is the 2.0 payload's cookies array as one Cookie header line.
func joined(cookies []string) []string {
	if len(cookies) == 0 {
		return nil
	}
	return []string{strings.Join(cookies, "; ")}
}

// saved runs Save into a fresh header map.
func saved[T any](s *session.Session[T]) (http.Header, error) {
	h := http.Header{}
	if err := s.Save(h); err != nil {
		return nil, err
	}
	return h, nil
}

// LoadHTTPAPI reads the session of an API Gateway HTTP API (payload 2.0)
// request: its cookies array and the session header.
func LoadHTTPAPI[T any](ctx context.Context, m *session.Manager[T], e *events.APIGatewayV2HTTPRequest) *session.Session[T] {
	return m.Load(ctx, joined(e.Cookies), header(e.Headers, m.HeaderName()))
}

// SaveHTTPAPI saves s into an HTTP API response: its Set-Cookie lines join
// the cookies array, and the session header, when the session came from
// it, goes into the headers.
func SaveHTTPAPI[T any](s *session.Session[T], r *events.APIGatewayV2HTTPResponse) error {
	h, err := saved(s)
	if err != nil {
		return err
	}
	r.Cookies = append(r.Cookies, h["Set-Cookie"]...)
	delete(h, "Set-Cookie")
	r.Headers = addSingle(r.Headers, h)
	return nil
}

// LoadURL reads the session of a function URL request (payload 2.0, like
// the HTTP API's).
func LoadURL[T any](ctx context.Context, m *session.Manager[T], e *events.LambdaFunctionURLRequest) *session.Session[T] {
	return m.Load(ctx, joined(e.Cookies), header(e.Headers, m.HeaderName()))
}

// SaveURL saves s into a function URL response, as SaveHTTPAPI does.
func SaveURL[T any](s *session.Session[T], r *events.LambdaFunctionURLResponse) error {
	h, err := saved(s)
	if err != nil {
		return err
	}
	r.Cookies = append(r.Cookies, h["Set-Cookie"]...)
	delete(h, "Set-Cookie")
	r.Headers = addSingle(r.Headers, h)
	return nil
}

// LoadREST reads the session of an API Gateway REST API (payload 1.0)
// request from its multi-value headers (the single-value ones keep only the
// last Cookie header).
func LoadREST[T any](ctx context.Context, m *session.Manager[T], e *events.APIGatewayProxyRequest) *session.Session[T] {
	return m.Load(ctx, requestCookies(e.MultiValueHeaders, e.Headers), requestHeader(e.MultiValueHeaders, e.Headers, m.HeaderName()))
}

// SaveREST saves s into a REST API response's multi-value headers.
func SaveREST[T any](s *session.Session[T], r *events.APIGatewayProxyResponse) error {
	h, err := saved(s)
	if err != nil {
		return err
	}
	r.MultiValueHeaders = addMulti(r.MultiValueHeaders, h)
	return nil
}

// LoadALB reads the session of an ALB request: from the multi-value
// headers when the target group enables them, else from the headers.
func LoadALB[T any](ctx context.Context, m *session.Manager[T], e *events.ALBTargetGroupRequest) *session.Session[T] {
	return m.Load(ctx, requestCookies(e.MultiValueHeaders, e.Headers), requestHeader(e.MultiValueHeaders, e.Headers, m.HeaderName()))
}

// SaveALB saves s into an ALB response: into the multi-value headers when
// the request had them (the target group enables them), else into the
// headers, which hold one value per name: then a save that needs several
// Set-Cookie lines returns ErrOneHeaderValue and changes nothing.
func SaveALB[T any](s *session.Session[T], req *events.ALBTargetGroupRequest, r *events.ALBTargetGroupResponse) error {
	h, err := saved(s)
	if err != nil {
		return err
	}
	if req.MultiValueHeaders != nil {
		r.MultiValueHeaders = addMulti(r.MultiValueHeaders, h)
		return nil
	}
	if n := len(h["Set-Cookie"]) + len(multiHeader(toMulti(r.Headers), "Set-Cookie")); n > 1 {
		return fmt.Errorf("%w (%d lines)", ErrOneHeaderValue, n)
	}
	r.Headers = addSingle(r.Headers, h)
	return nil
}

func toMulti(h map[string]string) map[string][]string {
	m := make(map[string][]string, len(h))
	for k, v := range h {
		m[k] = []string{v}
	}
	return m
}

// requestCookies returns a 1.0 or ALB request's Cookie header lines.
func requestCookies(multi map[string][]string, single map[string]string) []string {
	if multi != nil {
		return multiHeader(multi, "Cookie")
	}
	if v := header(single, "Cookie"); v != "" {
		return []string{v}
	}
	return nil
}

// requestHeader returns the session header of a 1.0 or ALB request.
func requestHeader(multi map[string][]string, single map[string]string, name string) string {
	if name == "" {
		return ""
	}
	if multi != nil {
		if v := multiHeader(multi, name); len(v) > 0 {
			return v[0]
		}
		return ""
	}
	return header(single, name)
}

func addMulti(dst map[string][]string, h http.Header) map[string][]string {
	if len(h) == 0 {
		return dst
	}
	if dst == nil {
		dst = map[string][]string{}
	}
	for k, v := range h {
		dst[k] = append(dst[k], v...)
	}
	return dst
}

func addSingle(dst map[string]string, h http.Header) map[string]string {
	if len(h) == 0 {
		return dst
	}
	if dst == nil {
		dst = map[string]string{}
	}
	for k, v := range h {
		dst[k] = strings.Join(v, ", ")
	}
	return dst
}

// URLCookies puts a function URL event's cookies back into the request
// that lambdaurl.Wrap (or lambdaurl.Start) gives next: Wrap copies the
// event's headers only, and the event carries cookies in its cookies array
// (aws-lambda-go issue 597), so without this every request arrives
// without its session. Use it as lambdaurl.Start(awslambda.URLCookies(h)).
// Outside lambdaurl it passes requests through unchanged.
func URLCookies(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if e, ok := lambdaurl.RequestFromContext(r.Context()); ok && len(e.Cookies) > 0 && len(r.Header["Cookie"]) == 0 {
			r = r.Clone(r.Context())
			r.Header["Cookie"] = joined(e.Cookies)
		}
		next.ServeHTTP(w, r)
	})
}
