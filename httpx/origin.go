package httpx

import (
	"errors"
	"fmt"
	"net/http"
)

// ErrCrossOrigin reports a state-changing request that a browser sent from
// another origin (or another site). The session endpoint's update and the
// logout handler refuse it with 403 Forbidden.
var ErrCrossOrigin = errors.New("httpx: cross-origin request refused")

// sameOrigin is net/http's CrossOriginProtection for the handlers that
// change a session from browser code: Sec-Fetch-Site "same-origin" or "none"
// passes; without it, an Origin whose host is the request's Host passes; a
// trusted origin passes; a request with neither header does not come from a
// (recent) browser and passes, as there is no ambient cookie to abuse.
type sameOrigin struct{ cop *http.CrossOriginProtection }

func newSameOrigin(trusted []string) (sameOrigin, error) {
	cop := http.NewCrossOriginProtection()
	for _, t := range trusted {
		if err := cop.AddTrustedOrigin(t); err != nil {
			return sameOrigin{}, fmt.Errorf("httpx: trusted origin %q is not of the form scheme://host[:port]: %w", t, err)
		}
	}
	return sameOrigin{cop}, nil
}

// check refuses a cross-origin request with an error wrapping
// ErrCrossOrigin. Safe methods (GET, HEAD, OPTIONS) always pass.
func (o sameOrigin) check(r *http.Request) error {
	if err := o.cop.Check(r); err != nil {
		return fmt.Errorf("%w: %v", ErrCrossOrigin, err)
	}
	return nil
}
