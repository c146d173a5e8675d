package httpx_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/sealcookie/sealcookie/httpx"
	"github.com/sealcookie/sealcookie/session"
)

// A forward-auth endpoint, as nginx's auth_request or Caddy's forward_auth
// call it: the original request's cookie in, a yes with identity headers or
// a no out.
func ExampleForwardAuth() {
	m := exampleManager()
	fa, err := httpx.NewForwardAuth(m, httpx.ForwardAuthConfig[Account]{
		Headers: map[string]httpx.IdentityFunc[Account]{
			"X-User-Id":   func(s *session.Session[Account]) (string, bool) { return s.Data().UserID, true },
			"X-User-Name": func(s *session.Session[Account]) (string, bool) { return s.Data().Name, s.Data().Name != "" },
		},
		Authenticated: func(a Account) bool { return a.UserID != "" },
		LoginURL:      "/auth/login",
	})
	if err != nil {
		panic(err)
	}
	value, _ := m.Encode(session.Envelope[Account]{Data: Account{UserID: "u1"}})

	ask := func(cookie string, header ...string) {
		r := httptest.NewRequest("GET", "/auth", nil) // the proxy's sub-request
		if cookie != "" {
			r.AddCookie(&http.Cookie{Name: m.Name(), Value: cookie})
		}
		for i := 0; i+1 < len(header); i += 2 {
			r.Header.Set(header[i], header[i+1])
		}
		w := httptest.NewRecorder()
		fa.ServeHTTP(w, r)
		fmt.Printf("%d id=%q name=%q location=%q\n", w.Code, w.Header().Get("X-User-Id"), w.Header().Get("X-User-Name"), w.Header().Get("Location"))
	}
	ask(value)
	ask("", "X-Forwarded-Uri", "/reports?y=2026")
	ask("", "Accept", "application/json")
	// Output:
	// 200 id="u1" name="" location=""
	// 302 id="" name="" location="/auth/login?redirectTo=%2Freports%3Fy%3D2026"
	// 401 id="" name="" location=""
}
