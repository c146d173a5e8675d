package httpx

import (
	"net/http"
	"net/url"

	"github.com/sealcookie/sealcookie/internal/token"
)

// htmx's request and response headers (htmx.org, versions 1 to 4).
const (
	hxRequest    = "HX-Request"     // "true" on every request htmx makes
	hxCurrentURL = "HX-Current-URL" // the browser's location when htmx made the request
	hxRedirect   = "HX-Redirect"    // in a 2xx answer: load this URL as a full page
)

// Redirect sends the browser to target, a same-origin path that
// [SafeRedirect] accepts ("/" when it does not): a 303 See Other, or, for a
// request htmx made (HX-Request: true), 200 with an empty body and
// "HX-Redirect: target". htmx's request would follow a 303 itself and swap
// the page it lands on (the login form, say) into a fragment of the page;
// htmx acts on HX-Redirect only in a 2xx answer, and then loads target as a
// full page. Either way the answer varies on HX-Request, and says so.
//
// The guard, the logout handler and the proxy's SendToLogin redirect
// through it; a login handler can too, to send the user back to
// [RedirectTarget].
func Redirect(w http.ResponseWriter, r *http.Request, target string) {
	target, _ = SafeRedirect(target)
	token.AddVary(w.Header(), hxRequest)
	if isHTMX(r) {
		w.Header().Set(hxRedirect, target)
		w.WriteHeader(http.StatusOK)
		return
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}

// isHTMX reports whether htmx made r.
func isHTMX(r *http.Request) bool { return r.Header.Get(hxRequest) == "true" }

// returnTo is the page a login should lead back to: the request's own path
// and query, except for htmx, whose request is for a fragment of the page
// the browser shows; that page's path and query (HX-Current-URL) are used
// when it is on the request's own host.
func returnTo(r *http.Request) string {
	if isHTMX(r) {
		if u, err := url.Parse(r.Header.Get(hxCurrentURL)); err == nil && u.Host != "" && u.Host == r.Host && u.User == nil {
			return u.RequestURI()
		}
	}
	return r.URL.RequestURI()
}
