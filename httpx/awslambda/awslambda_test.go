package awslambda_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdaurl"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"

	"github.com/sealcookie/sealcookie/cookie"
	"github.com/sealcookie/sealcookie/httpx/awslambda"
	"github.com/sealcookie/sealcookie/sealed"
	"github.com/sealcookie/sealcookie/session"
)

const password = "awslambda test password, 32 bytes or more"

type User struct {
	Name  string `json:"name,omitempty"`
	Notes string `json:"notes,omitempty"`
}

// newManager is the function's Manager: API Gateway HTTP API's budget, so a
// large note is chunked into two cookies.
func newManager(t testing.TB) *session.Manager[User] {
	t.Helper()
	m, err := session.New(session.Config[User]{
		Keys:   []sealed.Key{{ID: 1, Password: password}},
		Cookie: cookie.Attributes{Budget: cookie.BudgetAPIGatewayHTTP},
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// route is the application, on a session: login, a large note, whoami,
// logout. It returns the body and any cookie of its own to set.
func route(s *session.Session[User], path string, q url.Values) (status int, body string, own []string) {
	switch path {
	case "/login":
		s.Regenerate()
		if err := s.Update(func(u *User) { u.Name = q.Get("name") }); err != nil {
			return 413, err.Error(), nil
		}
		return 200, "welcome", []string{(&http.Cookie{Name: "theme", Value: "dark", Path: "/"}).String()}
	case "/note":
		n, _ := strconv.Atoi(q.Get("n"))
		if err := s.Update(func(u *User) { u.Notes = strings.Repeat("n", n) }); err != nil {
			return 413, err.Error(), nil
		}
		return 200, "noted", nil
	case "/logout":
		s.Clear()
		return 200, "bye", nil
	}
	u := s.Data()
	return 200, fmt.Sprintf("%s %d", u.Name, len(u.Notes)), nil
}

// mux is the application on net/http, behind the Manager's Middleware.
func mux(m *session.Manager[User]) http.Handler {
	return m.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		status, body, own := route(m.Get(r), r.URL.Path, r.URL.Query())
		for _, c := range own {
			w.Header().Add("Set-Cookie", c)
		}
		w.WriteHeader(status)
		io.WriteString(w, body)
	}))
}

// exchange is one request of the client, and answer what came back.
type exchange struct {
	path    string // with the query
	cookies []string
	header  string // the session header's value, "" for none
}

type answer struct {
	status     int
	body       string
	setCookies []string
	header     string // the session header in the response
}

// platform runs one exchange through one kind of Lambda event.
type platform struct {
	name string
	do   func(t *testing.T, m *session.Manager[User], x exchange) answer
}

// invoke runs payload through aws-lambda-go's handler machinery (JSON in,
// JSON out), as the Lambda runtime does, and decodes the response into out.
func invoke(t *testing.T, handler any, payload any, out any) {
	t.Helper()
	in, err := json.Marshal(payload)
	if err != nil {
		t.Fatal(err)
	}
	b, err := lambda.NewHandler(handler).Invoke(context.Background(), in)
	if err != nil {
		t.Fatalf("Invoke: %v", err)
	}
	if err := json.Unmarshal(b, out); err != nil {
		t.Fatalf("response %s: %v", b, err)
	}
}

func split(path string) (string, string, url.Values) {
	p, rawQuery, _ := strings.Cut(path, "?")
	q, _ := url.ParseQuery(rawQuery)
	return p, rawQuery, q
}

// v2Event is a payload 2.0 event (HTTP API and function URLs share it),
// with header names in lower case, as API Gateway sends them.
func v2Event(m *session.Manager[User], x exchange) map[string]any {
	p, rawQuery, _ := split(x.path)
	headers := map[string]string{"host": "fn.example", "accept": "text/plain"}
	if x.header != "" {
		headers[strings.ToLower(m.HeaderName())] = x.header
	}
	e := map[string]any{
		"version": "2.0", "routeKey": "$default", "rawPath": p, "rawQueryString": rawQuery,
		"headers": headers,
		"requestContext": map[string]any{
			"domainName": "fn.example", "requestId": "r1",
			"http": map[string]any{"method": "GET", "path": p, "protocol": "HTTP/1.1", "sourceIp": "192.0.2.1"},
		},
		"isBase64Encoded": false,
	}
	if len(x.cookies) > 0 {
		e["cookies"] = x.cookies
	}
	return e
}

// v1Event is a REST API (payload 1.0) or ALB event with multi-value
// headers (multi), or single-value ones.
func v1Event(m *session.Manager[User], x exchange, multi, alb bool) map[string]any {
	p, _, q := split(x.path)
	headers := map[string]string{"Host": "fn.example"}
	mv := map[string][]string{"Host": {"fn.example"}}
	if len(x.cookies) > 0 {
		headers["Cookie"] = strings.Join(x.cookies, "; ")
		mv["Cookie"] = []string{strings.Join(x.cookies, "; ")}
	}
	if x.header != "" {
		headers[m.HeaderName()] = x.header
		mv[m.HeaderName()] = []string{x.header}
	}
	single := map[string]string{}
	mq := map[string][]string{}
	for k, v := range q {
		single[k], mq[k] = v[0], v
	}
	e := map[string]any{"httpMethod": "GET", "path": p, "body": "", "isBase64Encoded": false}
	if alb {
		e["requestContext"] = map[string]any{"elb": map[string]any{"targetGroupArn": "arn:aws:elasticloadbalancing:region:1:targetgroup/t/1"}}
	} else {
		e["resource"] = "/{proxy+}"
		e["requestContext"] = map[string]any{"httpMethod": "GET", "path": p, "stage": "prod", "requestId": "r1"}
	}
	if multi {
		e["multiValueHeaders"], e["multiValueQueryStringParameters"] = mv, mq
	} else {
		e["headers"], e["queryStringParameters"] = headers, single
	}
	return e
}

// multiValue returns the values of name in a multi-value header map, in
// any letter case.
func multiValue(h map[string][]string, name string) []string {
	var out []string
	for k, v := range h {
		if strings.EqualFold(k, name) {
			out = append(out, v...)
		}
	}
	return out
}

func singleValue(h map[string]string, name string) string {
	for k, v := range h {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return ""
}

var platforms = []platform{
	{"HTTP API (2.0) through httpadapter.NewV2", func(t *testing.T, m *session.Manager[User], x exchange) answer {
		var r events.APIGatewayV2HTTPResponse
		invoke(t, httpadapter.NewV2(mux(m)).ProxyWithContext, v2Event(m, x), &r)
		return answer{r.StatusCode, r.Body, r.Cookies, singleValue(r.Headers, m.HeaderName()) + strings.Join(multiValue(r.MultiValueHeaders, m.HeaderName()), "")}
	}},
	{"HTTP API (2.0), LoadHTTPAPI and SaveHTTPAPI", func(t *testing.T, m *session.Manager[User], x exchange) answer {
		h := func(ctx context.Context, e events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
			s := awslambda.LoadHTTPAPI(ctx, m, &e)
			q, _ := url.ParseQuery(e.RawQueryString)
			status, body, own := route(s, e.RawPath, q)
			r := events.APIGatewayV2HTTPResponse{StatusCode: status, Body: body, Cookies: own}
			return r, awslambda.SaveHTTPAPI(s, &r)
		}
		var r events.APIGatewayV2HTTPResponse
		invoke(t, h, v2Event(m, x), &r)
		return answer{r.StatusCode, r.Body, r.Cookies, singleValue(r.Headers, m.HeaderName())}
	}},
	{"REST API (1.0) through httpadapter.New", func(t *testing.T, m *session.Manager[User], x exchange) answer {
		var r events.APIGatewayProxyResponse
		invoke(t, httpadapter.New(mux(m)).ProxyWithContext, v1Event(m, x, true, false), &r)
		return answer{r.StatusCode, r.Body, multiValue(r.MultiValueHeaders, "Set-Cookie"), strings.Join(multiValue(r.MultiValueHeaders, m.HeaderName()), "")}
	}},
	{"REST API (1.0), LoadREST and SaveREST", func(t *testing.T, m *session.Manager[User], x exchange) answer {
		h := func(ctx context.Context, e events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
			s := awslambda.LoadREST(ctx, m, &e)
			status, body, own := route(s, e.Path, url.Values(e.MultiValueQueryStringParameters))
			r := events.APIGatewayProxyResponse{StatusCode: status, Body: body, MultiValueHeaders: map[string][]string{"Set-Cookie": own}}
			return r, awslambda.SaveREST(s, &r)
		}
		var r events.APIGatewayProxyResponse
		invoke(t, h, v1Event(m, x, true, false), &r)
		return answer{r.StatusCode, r.Body, multiValue(r.MultiValueHeaders, "Set-Cookie"), strings.Join(multiValue(r.MultiValueHeaders, m.HeaderName()), "")}
	}},
	{"ALB (multi-value headers) through httpadapter.NewALB", func(t *testing.T, m *session.Manager[User], x exchange) answer {
		var r events.ALBTargetGroupResponse
		invoke(t, httpadapter.NewALB(mux(m)).ProxyWithContext, v1Event(m, x, true, true), &r)
		return answer{r.StatusCode, r.Body, multiValue(r.MultiValueHeaders, "Set-Cookie"), strings.Join(multiValue(r.MultiValueHeaders, m.HeaderName()), "")}
	}},
	{"ALB (multi-value headers), LoadALB and SaveALB", func(t *testing.T, m *session.Manager[User], x exchange) answer {
		h := func(ctx context.Context, e events.ALBTargetGroupRequest) (events.ALBTargetGroupResponse, error) {
			s := awslambda.LoadALB(ctx, m, &e)
			status, body, own := route(s, e.Path, url.Values(e.MultiValueQueryStringParameters))
			r := events.ALBTargetGroupResponse{StatusCode: status, Body: body, MultiValueHeaders: map[string][]string{"Set-Cookie": own}}
			return r, awslambda.SaveALB(s, &e, &r)
		}
		var r events.ALBTargetGroupResponse
		invoke(t, h, v1Event(m, x, true, true), &r)
		return answer{r.StatusCode, r.Body, multiValue(r.MultiValueHeaders, "Set-Cookie"), strings.Join(multiValue(r.MultiValueHeaders, m.HeaderName()), "")}
	}},
	{"function URL through httpadapter.NewV2 (BUFFERED)", func(t *testing.T, m *session.Manager[User], x exchange) answer {
		var r events.LambdaFunctionURLResponse
		invoke(t, httpadapter.NewV2(mux(m)).ProxyWithContext, v2Event(m, x), &r)
		return answer{r.StatusCode, r.Body, r.Cookies, singleValue(r.Headers, m.HeaderName())}
	}},
	{"function URL, LoadURL and SaveURL", func(t *testing.T, m *session.Manager[User], x exchange) answer {
		h := func(ctx context.Context, e events.LambdaFunctionURLRequest) (events.LambdaFunctionURLResponse, error) {
			s := awslambda.LoadURL(ctx, m, &e)
			q, _ := url.ParseQuery(e.RawQueryString)
			status, body, own := route(s, e.RawPath, q)
			r := events.LambdaFunctionURLResponse{StatusCode: status, Body: body, Cookies: own}
			return r, awslambda.SaveURL(s, &r)
		}
		var r events.LambdaFunctionURLResponse
		invoke(t, h, v2Event(m, x), &r)
		return answer{r.StatusCode, r.Body, r.Cookies, singleValue(r.Headers, m.HeaderName())}
	}},
	{"function URL through lambdaurl.Wrap and URLCookies (RESPONSE_STREAM)", func(t *testing.T, m *session.Manager[User], x exchange) answer {
		return viaLambdaURL(t, m, awslambda.URLCookies(mux(m)), x)
	}},
}

// viaLambdaURL runs an exchange through lambdaurl.Wrap, the event decoded
// by encoding/json as the runtime does.
func viaLambdaURL(t *testing.T, m *session.Manager[User], h http.Handler, x exchange) answer {
	t.Helper()
	b, _ := json.Marshal(v2Event(m, x))
	var e events.LambdaFunctionURLRequest
	if err := json.Unmarshal(b, &e); err != nil {
		t.Fatal(err)
	}
	r, err := lambdaurl.Wrap(h)(context.Background(), &e)
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		t.Fatal(err)
	}
	return answer{r.StatusCode, string(body), r.Cookies, singleValue(r.Headers, m.HeaderName())}
}

// jar keeps cookies as a browser would, from Set-Cookie lines.
type jar map[string]string

func (j jar) store(t *testing.T, lines []string) {
	t.Helper()
	for _, l := range lines {
		c, err := http.ParseSetCookie(l)
		if err != nil {
			t.Fatalf("Set-Cookie %q: %v", l, err)
		}
		if c.MaxAge < 0 {
			delete(j, c.Name)
			continue
		}
		j[c.Name] = c.Value
	}
}

func (j jar) cookies() []string {
	var out []string
	for k, v := range j {
		out = append(out, k+"="+v)
	}
	slices.Sort(out)
	return out
}

func (j jar) names() []string {
	var out []string
	for k := range j {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// TestPlatforms walks a session through each platform: several Set-Cookie
// lines in one response, a chunked session, the session header, clear.
func TestPlatforms(t *testing.T) {
	for _, p := range platforms {
		t.Run(p.name, func(t *testing.T) {
			m := newManager(t)
			name := m.Name()
			j := jar{}
			step := func(path string, want string) answer {
				t.Helper()
				a := p.do(t, m, exchange{path: path, cookies: j.cookies()})
				if a.status != 200 || a.body != want {
					t.Fatalf("%s: %d %q, want 200 %q", path, a.status, a.body, want)
				}
				j.store(t, a.setCookies)
				return a
			}
			a := step("/login?name=ada", "welcome")
			if len(a.setCookies) < 2 {
				t.Errorf("login: %d Set-Cookie lines, want the session's and theme", len(a.setCookies))
			}
			step("/whoami", "ada 0")
			step("/note?n=5000", "noted")
			if diff := slices.Compare([]string{name, name + ".1", name + ".2", "theme"}, j.names()); diff != 0 {
				t.Errorf("jar after a large note: %v, want the session in two chunks and theme", j.names())
			}
			step("/whoami", "ada 5000")
			step("/note?n=10", "noted")
			if diff := slices.Compare([]string{name, "theme"}, j.names()); diff != 0 {
				t.Errorf("jar after shrinking: %v, want the chunks deleted", j.names())
			}

			// The session header wins over the cookie, and the re-sealed value
			// comes back in it.
			hv, err := m.Encode(session.Envelope[User]{Data: User{Name: "bob"}})
			if err != nil {
				t.Fatal(err)
			}
			h := p.do(t, m, exchange{path: "/note?n=3", cookies: j.cookies(), header: hv})
			if h.status != 200 || h.header == "" || h.header == hv {
				t.Fatalf("session header: %d, response header %q", h.status, h.header)
			}
			if who := p.do(t, m, exchange{path: "/whoami", header: h.header}); who.body != "bob 3" {
				t.Errorf("the returned session header holds %q, want bob 3", who.body)
			}

			step("/whoami", "ada 10")
			step("/note?n=5000", "noted")
			step("/logout", "bye")
			if diff := slices.Compare([]string{"theme"}, j.names()); diff != 0 {
				t.Errorf("jar after logout: %v, want the session and its chunks deleted", j.names())
			}
			step("/whoami", " 0")
		})
	}
}

// TestLambdaURLWrapDropsCookies shows the bug that URLCookies works around:
// lambdaurl.Wrap (aws-lambda-go v1.55.1) builds the request from the
// event's headers only, so the session the browser sends in the cookies
// array never arrives and the user is logged out on every request. If this
// test fails, lambdaurl reads the cookies now: update the package doc.
func TestLambdaURLWrapDropsCookies(t *testing.T) {
	m := newManager(t)
	j := jar{}
	a := viaLambdaURL(t, m, mux(m), exchange{path: "/login?name=ada"})
	j.store(t, a.setCookies)
	if _, ok := j[m.Name()]; !ok {
		t.Fatal("login set no session")
	}
	if got := viaLambdaURL(t, m, mux(m), exchange{path: "/whoami", cookies: j.cookies()}); got.body != " 0" {
		t.Errorf("lambdaurl.Wrap alone kept the session (%q): the bug is fixed", got.body)
	}
	if got := viaLambdaURL(t, m, awslambda.URLCookies(mux(m)), exchange{path: "/whoami", cookies: j.cookies()}); got.body != "ada 0" {
		t.Errorf("with URLCookies: %q, want ada 0", got.body)
	}
}

// TestALBWithoutMultiValueHeaders: an ALB target group without multi-value
// headers carries one Set-Cookie: a one-cookie session works, a chunked one
// is refused rather than half written.
func TestALBWithoutMultiValueHeaders(t *testing.T) {
	m := newManager(t)
	run := func(path string, cookies []string) (events.ALBTargetGroupResponse, error) {
		b, _ := json.Marshal(v1Event(m, exchange{path: path, cookies: cookies}, false, true))
		var e events.ALBTargetGroupRequest
		if err := json.Unmarshal(b, &e); err != nil {
			t.Fatal(err)
		}
		s := awslambda.LoadALB(context.Background(), m, &e)
		status, body, _ := route(s, e.Path, url.Values{"name": {e.QueryStringParameters["name"]}, "n": {e.QueryStringParameters["n"]}})
		r := events.ALBTargetGroupResponse{StatusCode: status, Body: body}
		return r, awslambda.SaveALB(s, &e, &r)
	}
	r, err := run("/login?name=ada", nil)
	if err != nil || r.Headers["Set-Cookie"] == "" {
		t.Fatalf("one cookie: %v %v", err, r.Headers)
	}
	c, _ := http.ParseSetCookie(r.Headers["Set-Cookie"])
	if who, _ := run("/whoami", []string{c.Name + "=" + c.Value}); who.Body != "ada 0" {
		t.Errorf("read back: %q", who.Body)
	}
	if _, err := run("/note?n=5000", []string{c.Name + "=" + c.Value}); !errors.Is(err, awslambda.ErrOneHeaderValue) {
		t.Errorf("a chunked session without multi-value headers: %v, want ErrOneHeaderValue", err)
	}
}

// BenchmarkColdStart is what a cold Lambda pays for the session before its
// first answer: session.New (key derivation, cookie spec) and the first
// request through httpadapter.NewV2, reading a session and re-sealing it.
func BenchmarkColdStart(b *testing.B) {
	m := newManager(b)
	s := m.Load(context.Background(), nil, "")
	if err := s.Update(func(u *User) { u.Name = "ada" }); err != nil {
		b.Fatal(err)
	}
	h := http.Header{}
	if err := s.Save(h); err != nil {
		b.Fatal(err)
	}
	c, _ := http.ParseSetCookie(h.Get("Set-Cookie"))
	event := events.APIGatewayV2HTTPRequest{
		Version: "2.0", RawPath: "/note", RawQueryString: "n=3", Cookies: []string{c.Name + "=" + c.Value},
		Headers:        map[string]string{"host": "fn.example"},
		RequestContext: events.APIGatewayV2HTTPRequestContext{DomainName: "fn.example", HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: "GET", Path: "/note"}},
	}
	b.ReportAllocs()
	var r events.APIGatewayV2HTTPResponse
	var err error
	for b.Loop() {
		m, nerr := session.New(session.Config[User]{
			Keys:   []sealed.Key{{ID: 1, Password: password}},
			Cookie: cookie.Attributes{Budget: cookie.BudgetAPIGatewayHTTP},
		})
		if nerr != nil {
			b.Fatal(nerr)
		}
		r, err = httpadapter.NewV2(mux(m)).ProxyWithContext(context.Background(), event)
	}
	if err != nil || r.StatusCode != 200 || len(r.Cookies) != 1 {
		b.Fatalf("first request: %v, %d, %d cookies", err, r.StatusCode, len(r.Cookies))
	}
}
