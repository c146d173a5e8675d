package connect_test

import (
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"testing"

	"connectrpc.com/connect"
	"google.golang.org/protobuf/types/known/wrapperspb"

	example "github.com/sealcookie/sealcookie/httpx/examples/connect"
	"github.com/sealcookie/sealcookie/internal/testkit"
	"github.com/sealcookie/sealcookie/sealed"
	"github.com/sealcookie/sealcookie/session"
)

func newServer(t *testing.T) (*session.Manager[example.User], *testkit.ErrLog, *httptest.Server) {
	log := &testkit.ErrLog{}
	m, err := session.New(session.Config[example.User]{
		Keys:    []sealed.Key{{ID: 1, Password: "connect example test password, 32 bytes"}},
		OnError: log.Hook,
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(example.NewHandler(m))
	srv.EnableHTTP2 = true // gRPC needs it
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return m, log, srv
}

// Over each of connect's protocols, an RPC client's session travels in the
// session header only: unary calls and a server stream renew it there, no
// answer carries a Set-Cookie, and nothing is reported.
func TestHeaderSessionOverEveryProtocol(t *testing.T) {
	for name, opts := range map[string][]connect.ClientOption{
		"connect":  nil,
		"grpc":     {connect.WithGRPC()},
		"grpc-web": {connect.WithGRPCWeb()},
	} {
		t.Run(name, func(t *testing.T) {
			m, log, srv := newServer(t)
			ctx := t.Context()
			hdr := m.HeaderName()
			login := connect.NewClient[wrapperspb.StringValue, wrapperspb.StringValue](srv.Client(), srv.URL+example.LoginProcedure, opts...)
			visit := connect.NewClient[wrapperspb.StringValue, wrapperspb.Int64Value](srv.Client(), srv.URL+example.VisitProcedure, opts...)
			watch := connect.NewClient[wrapperspb.Int64Value, wrapperspb.Int64Value](srv.Client(), srv.URL+example.WatchProcedure, opts...)

			res, err := login.CallUnary(ctx, connect.NewRequest(wrapperspb.String("ada")))
			if err != nil {
				t.Fatal(err)
			}
			token := res.Header().Get(hdr)
			if token == "" {
				t.Fatalf("login answered no %s header", hdr)
			}
			for want := int64(1); want <= 2; want++ {
				req := connect.NewRequest(wrapperspb.String(""))
				req.Header().Set(hdr, token)
				res, err := visit.CallUnary(ctx, req)
				if err != nil {
					t.Fatalf("visit %d: %v", want, err)
				}
				next := res.Header().Get(hdr)
				if res.Msg.GetValue() != want || next == "" || next == token {
					t.Fatalf("visit %d: count %d, renewed header %v", want, res.Msg.GetValue(), next != "" && next != token)
				}
				if sc := res.Header().Values("Set-Cookie"); len(sc) != 0 {
					t.Errorf("visit %d: Set-Cookie %q for a session from the header", want, sc)
				}
				token = next
			}

			req := connect.NewRequest(wrapperspb.Int64(3))
			req.Header().Set(hdr, token)
			stream, err := watch.CallServerStream(ctx, req)
			if err != nil {
				t.Fatal(err)
			}
			var got []int64
			for stream.Receive() {
				got = append(got, stream.Msg().GetValue())
			}
			if err := stream.Err(); err != nil {
				t.Fatal(err)
			}
			stream.Close()
			if len(got) != 3 || got[0] != 300 || got[2] != 302 {
				t.Errorf("stream sent %v, want [300 301 302]", got)
			}
			next := stream.ResponseHeader().Get(hdr)
			if next == "" || next == token || len(stream.ResponseHeader().Values("Set-Cookie")) != 0 {
				t.Errorf("stream header: renewed %v, Set-Cookie %q", next != "" && next != token, stream.ResponseHeader().Values("Set-Cookie"))
			}
			if e, err := m.Decode(ctx, next); err != nil || e.Data.Visits != 3 || e.Data.Name != "ada" {
				t.Errorf("the stream's session header holds %+v, %v", e, err)
			}
			if errs := log.Take(); len(errs) != 0 {
				t.Errorf("OnError heard %v", errs)
			}
		})
	}
}

// A browser client (connect-web) sends no session header: it keeps the
// cookie, as with any other handler.
func TestCookieClient(t *testing.T) {
	m, log, srv := newServer(t)
	jar, _ := cookiejar.New(nil)
	hc := *srv.Client()
	hc.Jar = jar
	visit := connect.NewClient[wrapperspb.StringValue, wrapperspb.Int64Value](&hc, srv.URL+example.VisitProcedure)

	// Without a session, the service refuses; with one in the jar, it counts.
	_, err := visit.CallUnary(t.Context(), connect.NewRequest(wrapperspb.String("")))
	if connect.CodeOf(err) != connect.CodeUnauthenticated {
		t.Fatalf("without a session: %v, want unauthenticated", err)
	}
	v, err := m.Encode(session.Envelope[example.User]{Data: example.User{Name: "ada"}})
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodGet, srv.URL, nil)
	jar.SetCookies(req.URL, []*http.Cookie{{Name: m.Name(), Value: v, Path: "/", Secure: true}})
	for want := int64(1); want <= 2; want++ {
		res, err := visit.CallUnary(t.Context(), connect.NewRequest(wrapperspb.String("")))
		if err != nil {
			t.Fatal(err)
		}
		if res.Msg.GetValue() != want || len(res.Header().Values("Set-Cookie")) != 1 || res.Header().Get(m.HeaderName()) != "" {
			t.Errorf("visit %d: count %d, Set-Cookie %d, header %q", want, res.Msg.GetValue(), len(res.Header().Values("Set-Cookie")), res.Header().Get(m.HeaderName()))
		}
	}
	if errs := log.Take(); len(errs) != 0 {
		t.Errorf("OnError heard %v", errs)
	}
}
