package connect_test

import (
	"context"
	"fmt"
	"net/http/httptest"

	"connectrpc.com/connect"
	"google.golang.org/protobuf/types/known/wrapperspb"

	example "github.com/sealcookie/sealcookie/httpx/examples/connect"
	"github.com/sealcookie/sealcookie/sealed"
	"github.com/sealcookie/sealcookie/session"
)

// An RPC client logs in, then carries the session in the session header:
// each answer has the renewed value in that header and no cookie.
func Example() {
	m, err := session.New(session.Config[example.User]{
		Keys: []sealed.Key{{ID: 1, Password: "an example password of 32 bytes or more"}},
	})
	if err != nil {
		panic(err)
	}
	srv := httptest.NewTLSServer(example.NewHandler(m))
	defer srv.Close()
	ctx := context.Background()
	login := connect.NewClient[wrapperspb.StringValue, wrapperspb.StringValue](srv.Client(), srv.URL+example.LoginProcedure)
	visit := connect.NewClient[wrapperspb.StringValue, wrapperspb.Int64Value](srv.Client(), srv.URL+example.VisitProcedure)

	res, err := login.CallUnary(ctx, connect.NewRequest(wrapperspb.String("ada")))
	if err != nil {
		panic(err)
	}
	token := res.Header().Get(m.HeaderName())
	for range 2 {
		req := connect.NewRequest(wrapperspb.String(""))
		req.Header().Set(m.HeaderName(), token)
		res, err := visit.CallUnary(ctx, req)
		if err != nil {
			panic(err)
		}
		next := res.Header().Get(m.HeaderName())
		fmt.Println("visits:", res.Msg.GetValue(), "renewed:", next != "" && next != token, "cookies:", len(res.Header().Values("Set-Cookie")))
		token = next
	}
	// Output:
	// visits: 1 renewed: true cookies: 0
	// visits: 2 renewed: true cookies: 0
}
