package attacktest

import (
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestLoginCSRF posts the login form as another site would, to sign the
// victim in as the attacker: refused before any session is written. The
// same post from the application's own origin signs in.
func TestLoginCSRF(t *testing.T) {
	rg := newRig(t, rigOptions{})
	for _, tc := range []struct {
		name   string
		header [][2]string
		status int
	}{
		{"Sec-Fetch-Site: cross-site", [][2]string{{"Sec-Fetch-Site", "cross-site"}}, http.StatusForbidden},
		{"Sec-Fetch-Site: same-site (a sibling subdomain)", [][2]string{{"Sec-Fetch-Site", "same-site"}}, http.StatusForbidden},
		{"an old browser: Origin of another site", [][2]string{{"Origin", "https://evil.example"}}, http.StatusForbidden},
		{"the application's own form", [][2]string{{"Sec-Fetch-Site", "same-origin"}, {"Origin", rg.srv.URL}}, http.StatusSeeOther},
	} {
		res := rg.do(t, request{Method: http.MethodPost, Path: "/auth/login?user=mallory", Header: tc.header})
		var want []string
		if tc.status == http.StatusSeeOther {
			want = []string{sidName + ":set"}
		}
		if res.Status != tc.status {
			t.Errorf("%s: status %d, want %d", tc.name, res.Status, tc.status)
		}
		if diff := cmp.Diff(want, res.setCookies()); diff != "" {
			t.Errorf("%s: Set-Cookie (-want +got):\n%s", tc.name, diff)
		}
	}
	rg.errs.Take()
}
