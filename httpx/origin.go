package httpx

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// ErrCrossOrigin reports a state-changing request that a browser sent from
// another origin (or another site). The session endpoint's update and the
// logout handler refuse it with 403 Forbidden.
var ErrCrossOrigin = errors.New("httpx: cross-origin request refused")

// sameOrigin is the check that net/http's CrossOriginProtection (Go 1.25)
// makes, for the handlers that change a session from browser code:
//
//   - Sec-Fetch-Site "same-origin" or "none" passes; any other value
//     ("same-site", "cross-site") fails unless Origin is trusted;
//   - without Sec-Fetch-Site, an Origin whose host is the request's Host,
//     or a trusted origin, passes; any other Origin ("null" included) fails;
//   - a request with neither header does not come from a (recent) browser
//     and passes: there is no ambient cookie to abuse.
type sameOrigin struct {
	trusted map[string]bool // "scheme://host[:port]"
}

func newSameOrigin(trusted []string) (sameOrigin, error) {
	o := sameOrigin{}
	for _, t := range trusted {
		u, err := url.Parse(t)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" ||
			u.User != nil || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" ||
			strings.ContainsAny(t, "?#") {
			return sameOrigin{}, fmt.Errorf("httpx: trusted origin %q is not of the form scheme://host[:port]", t)
		}
		if o.trusted == nil {
			o.trusted = make(map[string]bool)
		}
		o.trusted[u.Scheme+"://"+u.Host] = true
	}
	return o, nil
}

func (o sameOrigin) check(r *http.Request) error {
	origin := r.Header.Get("Origin")
	switch r.Header.Get("Sec-Fetch-Site") {
	case "":
	case "same-origin", "none":
		return nil
	default:
		if origin != "" && o.trusted[origin] {
			return nil
		}
		return fmt.Errorf("%w: Sec-Fetch-Site is not same-origin", ErrCrossOrigin)
	}
	if origin == "" {
		return nil
	}
	if o.trusted[origin] {
		return nil
	}
	if u, err := url.Parse(origin); err == nil && u.Host != "" && u.Host == r.Host {
		return nil
	}
	return fmt.Errorf("%w: Origin does not match Host", ErrCrossOrigin)
}
