package httpx

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"

	"github.com/sealcookie/sealcookie/session"
)

// DefaultMaxBody is the largest update body an [Endpoint] reads by default.
const DefaultMaxBody = 16 << 10

// EndpointConfig configures an [Endpoint]. Only Project is required.
type EndpointConfig[T, P any] struct {
	// Project returns what browser code may see of the session, encoded as
	// JSON (Auth.js's useSession() data). Required: the raw session data is
	// never exposed by default. It is called for fresh sessions too; return,
	// say, a nil pointer (JSON null) for a visitor who is not signed in.
	Project func(s *session.Session[T]) P

	// Update, if set, lets browser code change the session with a POST of
	// JSON (Auth.js's client update() and its jwt callback with trigger
	// "update"). It receives the body as sent, already checked to be valid
	// JSON, and decides what may change: decode it into a type that holds
	// only the fields a client may set, check them, and apply them with
	// s.Update. Client data is never merged into the session by this
	// package. An error wrapping session.ErrTooLarge answers 413; any other
	// error answers 400 with a generic message (the error is not sent). nil
	// means POST is not allowed (405).
	Update func(s *session.Session[T], body json.RawMessage) error

	// MaxBody caps the update body in bytes. 0 means [DefaultMaxBody]
	// (16 KiB).
	MaxBody int64

	// TrustedOrigins lists further origins ("https://app.example.com")
	// allowed to POST updates, for deployments where the Host a request
	// arrives with differs from the origin browsers see. See [ErrCrossOrigin].
	TrustedOrigins []string
}

// Endpoint is the session endpoint for browser code, the server side of
// Auth.js's and NextDevKit's useSession(). GET (and HEAD) answers the
// application's projection of the session as JSON; POST, when an Update
// function is configured, changes the session from browser code and answers
// the new projection. Every answer carries Cache-Control: no-store.
//
// A POST must be same-origin (Sec-Fetch-Site, else Origin against Host: 403
// otherwise), have a JSON Content-Type (415 otherwise), fit in MaxBody (413
// otherwise) and hold valid JSON (400 otherwise); other methods get 405.
//
// The Endpoint saves the session itself before it answers, so it works with
// or without [session.Manager.Middleware] in front.
type Endpoint[T, P any] struct {
	m       *session.Manager[T]
	project func(*session.Session[T]) P
	update  func(*session.Session[T], json.RawMessage) error
	maxBody int64
	origin  sameOrigin
	allow   string
}

// NewEndpoint validates c and returns the session endpoint for m's sessions.
func NewEndpoint[T, P any](m *session.Manager[T], c EndpointConfig[T, P]) (*Endpoint[T, P], error) {
	if m == nil {
		return nil, errors.New("httpx: NewEndpoint needs a non-nil *session.Manager")
	}
	if c.Project == nil {
		return nil, errors.New("httpx: EndpointConfig.Project is required; the raw session is never exposed by default")
	}
	if c.MaxBody < 0 {
		return nil, errors.New("httpx: EndpointConfig.MaxBody is negative")
	}
	origin, err := newSameOrigin(c.TrustedOrigins)
	if err != nil {
		return nil, err
	}
	e := &Endpoint[T, P]{m: m, project: c.Project, update: c.Update, maxBody: c.MaxBody, origin: origin, allow: "GET, HEAD"}
	if e.maxBody == 0 {
		e.maxBody = DefaultMaxBody
	}
	if e.update != nil {
		e.allow = "GET, HEAD, POST"
	}
	return e, nil
}

// ServeHTTP answers the projection (GET, HEAD) or applies an update (POST).
func (e *Endpoint[T, P]) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		s := e.m.Get(r)
		_ = s.Save(w.Header()) // a refresh that fails is reported through OnError; the answer stands
		e.answer(w, s)
	case http.MethodPost:
		if e.update == nil {
			e.methodNotAllowed(w)
			return
		}
		e.post(w, r)
	default:
		e.methodNotAllowed(w)
	}
}

func (e *Endpoint[T, P]) methodNotAllowed(w http.ResponseWriter) {
	w.Header().Set("Allow", e.allow)
	writeJSONError(w, http.StatusMethodNotAllowed, "method not allowed")
}

func (e *Endpoint[T, P]) post(w http.ResponseWriter, r *http.Request) {
	if err := e.origin.check(r); err != nil {
		writeJSONError(w, http.StatusForbidden, "cross-origin request")
		return
	}
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		writeJSONError(w, http.StatusUnsupportedMediaType, "Content-Type must be application/json")
		return
	}
	body, status := readBody(w, r, e.maxBody)
	if status != 0 {
		writeJSONError(w, status, http.StatusText(status))
		return
	}
	if !json.Valid(body) {
		writeJSONError(w, http.StatusBadRequest, "body is not valid JSON")
		return
	}
	s := e.m.Get(r)
	if err := e.update(s, body); err != nil {
		if errors.Is(err, session.ErrTooLarge) {
			writeJSONError(w, http.StatusRequestEntityTooLarge, "session would be too large")
			return
		}
		writeJSONError(w, http.StatusBadRequest, "update refused")
		return
	}
	if err := s.Save(w.Header()); err != nil { // reported through OnError
		writeJSONError(w, http.StatusInternalServerError, "session could not be saved")
		return
	}
	e.answer(w, s)
}

// readBody reads at most max bytes of r's body; status is 413 when the body
// is longer, 400 when it cannot be read, 0 on success.
func readBody(w http.ResponseWriter, r *http.Request, max int64) ([]byte, int) {
	if r.ContentLength > max {
		return nil, http.StatusRequestEntityTooLarge
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, max))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, http.StatusRequestEntityTooLarge
		}
		return nil, http.StatusBadRequest
	}
	return body, 0
}

func (e *Endpoint[T, P]) answer(w http.ResponseWriter, s *session.Session[T]) {
	b, err := json.Marshal(e.project(s))
	if err != nil {
		writeJSONError(w, http.StatusInternalServerError, "projection cannot be encoded")
		return
	}
	writeJSON(w, http.StatusOK, append(b, '\n'))
}

// LogoutConfig configures the handler that [NewLogout] returns. Every field
// is optional.
type LogoutConfig[T any] struct {
	// RedirectTo is where the browser goes after logging out, with 303 See
	// Other: a same-origin path that [SafeRedirect] accepts. A safe query
	// parameter Param on the request wins over it. "" (and no parameter)
	// answers 204 No Content, for fetch() callers.
	RedirectTo string

	// Param is the query parameter that may name the page to go to after
	// logout. "" means [DefaultRedirectParam].
	Param string

	// OnLogout, if set, is called with the session just before it is
	// cleared: the place to revoke it (session/revoke's
	// Revoker.RevokeSession), since a copy of a sealed cookie otherwise
	// stays valid until it expires.
	OnLogout func(r *http.Request, s *session.Session[T])

	// TrustedOrigins lists further origins allowed to log out, as in
	// [EndpointConfig].
	TrustedOrigins []string
}

// NewLogout returns the logout handler for m's sessions: POST only (405
// otherwise), same-origin only (403 otherwise, see [ErrCrossOrigin]), it
// clears the session, deletes its cookies (every chunk too) and answers a 303
// redirect to a safe target (HX-Redirect for htmx, see [Redirect]) or 204 No
// Content, always with Cache-Control: no-store. It saves the session itself, so it works with or without
// [session.Manager.Middleware] in front.
func NewLogout[T any](m *session.Manager[T], c LogoutConfig[T]) (http.Handler, error) {
	if m == nil {
		return nil, errors.New("httpx: NewLogout needs a non-nil *session.Manager")
	}
	if c.RedirectTo != "" {
		if _, ok := SafeRedirect(c.RedirectTo); !ok {
			return nil, fmt.Errorf("httpx: logout redirect %q is not a same-origin path", c.RedirectTo)
		}
	}
	origin, err := newSameOrigin(c.TrustedOrigins)
	if err != nil {
		return nil, err
	}
	param := c.Param
	if param == "" {
		param = DefaultRedirectParam
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			writeJSONError(w, http.StatusMethodNotAllowed, "method not allowed")
			return
		}
		if err := origin.check(r); err != nil {
			writeJSONError(w, http.StatusForbidden, "cross-origin request")
			return
		}
		s := m.Get(r)
		if c.OnLogout != nil {
			c.OnLogout(r, s)
		}
		s.Clear()
		_ = s.Save(w.Header()) // deleting cannot fail
		target := c.RedirectTo
		if t, ok := SafeRedirect(r.URL.Query().Get(param)); ok {
			target = t
		}
		if target == "" {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		Redirect(w, r, target)
	}), nil
}
