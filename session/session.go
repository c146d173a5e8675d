package session

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"sync"
	"time"

	"github.com/sealcookie/sealcookie/cookie"
	"github.com/sealcookie/sealcookie/internal/redact"
	"github.com/sealcookie/sealcookie/internal/token"
)

// source says where a request's session came from.
type source uint8

const (
	fromNone   source = iota // no readable session: a fresh one
	fromCookie               // the session cookie (chunks reassembled)
	fromHeader               // the session header, which wins over the cookie
)

// Session is one request's session. Get it with Manager.Get (or Load); it is
// safe for concurrent use by the goroutines serving that request. Change it
// only through its methods; Save (or the Manager's Middleware) writes the
// changes.
type Session[T any] struct {
	m       *Manager[T]
	ctx     context.Context
	cookies []string // the request's Cookie header lines

	mu     sync.Mutex
	env    Envelope[T]
	source source // where the request's value came from, even a rejected one
	isNew  bool
	// good is the encoded envelope of the last valid state, for rolling back
	// an Update that made the session too large. encoded says it is also the
	// current state, so Save need not encode again.
	good    []byte
	encoded bool
	dirty   bool // the session must be sealed and written
	cleared bool // the request's session must be deleted
	discard bool // the request carried a value that was rejected: delete it unless rewritten
	legacy  bool // the request had a legacy session (migrated or refused): delete its cookie when saving
	wrote   bool // a Save wrote Set-Cookie lines or the session header for this request
}

// reqState is the per-request cache that the Middleware installs. It is
// itself the request's context, so attaching costs one allocation (plus the
// request copy, which the Middleware's writer holds).
type reqState[T any] struct {
	context.Context
	m  *Manager[T]
	r  *http.Request
	mu sync.Mutex
	s  *Session[T]
}

func (c *reqState[T]) Value(key any) any {
	if k, ok := key.(*ctxKey); ok && k == c.m.key {
		return c
	}
	return c.Context.Value(key)
}

func (c *reqState[T]) get() *Session[T] {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.s == nil {
		c.s = c.m.loadRequest(c.r)
	}
	return c.s
}

// loaded returns the session if something already asked for it.
func (c *reqState[T]) loaded() (*Session[T], bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.s, c.s != nil
}

// Get returns the request's session: from the session header if it is sent
// and not empty, else from the cookie. A missing, unreadable, tampered,
// expired or revoked value gives a fresh empty session (OnError hears why),
// never an error. Behind the Manager's Middleware the session is decoded at
// most once per request, and only if asked for; elsewhere every call decodes
// again.
func (m *Manager[T]) Get(r *http.Request) *Session[T] {
	if st, ok := r.Context().Value(m.key).(*reqState[T]); ok {
		return st.get()
	}
	return m.loadRequest(r)
}

// From returns the session of the request whose context ctx is, loading it on
// first use; ok is false when ctx does not come from the Manager's
// Middleware.
func (m *Manager[T]) From(ctx context.Context) (s *Session[T], ok bool) {
	st, ok := ctx.Value(m.key).(*reqState[T])
	if !ok {
		return nil, false
	}
	return st.get(), true
}

// Load is Get for carriers that are not net/http (serverless events, other
// frameworks, proxies): it reads the session from a request's Cookie header
// lines (a list of "name=value" cookies joined with "; " is one line) and
// the value of its session header ("" when absent), with every rule of Get.
// ctx is what OnError and Validate receive. Write the session back with
// Save into a header map, then copy its Set-Cookie lines and the session
// header to the response. The session is never cached: call Load once per
// request.
func (m *Manager[T]) Load(ctx context.Context, cookies []string, header string) *Session[T] {
	return m.load(ctx, cookies, header)
}

func (m *Manager[T]) loadRequest(r *http.Request) *Session[T] {
	var header string
	if m.header != "" {
		header = r.Header.Get(m.header)
	}
	return m.load(r.Context(), r.Header["Cookie"], header)
}

func (m *Manager[T]) report(ctx context.Context, err error) {
	if m.onError != nil {
		m.onError(ctx, fmt.Errorf("session %s: %w", m.name, err))
	}
}

// load reads a request's session (header over cookie).
func (m *Manager[T]) load(ctx context.Context, cookies []string, header string) *Session[T] {
	now := m.now()
	s := &Session[T]{m: m, ctx: ctx, cookies: cookies}
	var value string
	var err error
	if header != "" && m.header != "" {
		value, s.source = header, fromHeader
	} else {
		v, _, cerr := m.spec.Read(cookies)
		switch {
		case cerr == nil:
			value, s.source = v, fromCookie
		case !errors.Is(cerr, cookie.ErrNoCookie):
			err, s.source = cerr, fromCookie
		}
	}
	if value != "" {
		pt, reseal, oerr := m.open(ctx, value, now, &s.env, true)
		if oerr == nil {
			s.good, s.encoded = pt, true
			if m.resealsOnRead(s.source) {
				if m.needsRefresh(&s.env, now) {
					// Slide now, so the handler sees the lastSeenAt that Save writes (as h3 does).
					s.env.LastSeenAt = now.UnixMilli()
					s.dirty, s.encoded = true, false
				}
				s.dirty = s.dirty || reseal
			}
			return s
		}
		err = oerr
	}
	if err != nil {
		// A Peer format leaves a rejected cookie to the peer that may read it,
		// and a check that could not be made leaves it for the next request.
		s.discard = s.source == fromCookie && !m.rules.Peer && !errors.Is(err, ErrUnavailable)
		m.report(ctx, err)
	}
	s.reset(now)
	if s.source == fromNone && m.legacy != nil {
		s.migrate(now)
	}
	return s
}

// resealsOnRead reports whether reading a session from src may re-seal it
// (sliding idle window, old key or legacy seal): always in the native
// format; with a Peer format only from the cookie, as h3 does, and only when
// the format can seal.
func (m *Manager[T]) resealsOnRead(src source) bool {
	return !m.rules.Peer || src == fromCookie && !m.rules.ReadOnly
}

// migrate starts s from the request's legacy session, if it has a valid one.
func (s *Session[T]) migrate(now time.Time) {
	m := s.m
	ls, err := m.legacy.Read(s.cookies)
	if errors.Is(err, ErrNoLegacy) {
		return
	}
	if err == nil {
		e := Envelope[T]{ID: s.env.ID, CreatedAt: s.env.CreatedAt, Data: ls.Data}
		if !ls.CreatedAt.IsZero() && !m.rules.DataOnly {
			e.CreatedAt = ls.CreatedAt.UnixMilli()
		}
		if m.idle > 0 {
			e.LastSeenAt = now.UnixMilli()
		}
		if err = m.admit(s.ctx, &e, now); err == nil {
			var pt []byte
			if pt, err = m.encode(&e); err == nil && m.format.SealedLen(len(pt)) > m.maxLen {
				err = m.tooLarge(len(pt))
			}
			if err == nil {
				s.env, s.good, s.encoded = e, pt, true
				s.isNew, s.dirty = false, true
			}
		}
	}
	if errors.Is(err, ErrUnavailable) {
		// Not refused, only not checked yet: keep the legacy cookie for a later request.
		m.report(s.ctx, fmt.Errorf("legacy session not migrated: %w", err))
		return
	}
	s.legacy = true // delete the legacy cookie on the next save, migrated or refused
	if err != nil {
		m.report(s.ctx, fmt.Errorf("legacy session not migrated: %w", err))
	}
}

// needsRefresh reports whether a read should re-seal the session to slide
// its idle window: more than RefreshAfter since lastSeenAt.
func (m *Manager[T]) needsRefresh(e *Envelope[T], now time.Time) bool {
	if m.idle <= 0 {
		return false
	}
	last := e.LastSeenAt
	if last == 0 {
		last = e.CreatedAt
	}
	return now.Sub(time.UnixMilli(last)) > m.refreshAfter
}

// reset makes s a fresh, empty session with a new id (none in
// a DataOnly format).
func (s *Session[T]) reset(now time.Time) {
	if s.m.rules.DataOnly {
		s.env = Envelope[T]{}
	} else {
		s.env = Envelope[T]{ID: s.m.genID(), CreatedAt: now.UnixMilli()}
	}
	s.isNew = true
	s.good, s.encoded = nil, false
}

// Format prints which session this is and whether it is new, never its
// data or the request's cookies (a bearer credential), under every verb.
func (s *Session[T]) Format(f fmt.State, verb rune) {
	s.mu.Lock()
	defer s.mu.Unlock()
	redact.Format(f, verb, fmt.Sprintf("session.Session{Name: %q, IsNew: %v, data and cookies: [redacted]}", s.m.name, s.isNew))
}

// ID returns the session id (a UUIDv4 unless Config.GenerateID says
// otherwise); "" with a DataOnly format (iron-session), whose sessions have
// none.
func (s *Session[T]) ID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.env.ID
}

// CreatedAt returns when the session was created; MaxAge counts from here.
// It is the zero Time with a DataOnly format, whose sessions carry no times.
func (s *Session[T]) CreatedAt() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.env.CreatedAt == 0 {
		return time.Time{}
	}
	return time.UnixMilli(s.env.CreatedAt)
}

// LastSeenAt returns when the session was last saved or touched (zero
// without an IdleTimeout); the idle timeout counts from here.
func (s *Session[T]) LastSeenAt() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.env.LastSeenAt == 0 {
		return time.Time{}
	}
	return time.UnixMilli(s.env.LastSeenAt)
}

// ExpiresAt returns when the session ends unless it is saved again: the
// earlier of createdAt + MaxAge and lastSeenAt + IdleTimeout. It is the zero
// Time when neither limit applies (h3 with both unset) and with a DataOnly
// format, where only the seal knows its expiration.
func (s *Session[T]) ExpiresAt() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.m.expires(&s.env)
}

// IsNew reports whether the request carried no valid session.
func (s *Session[T]) IsNew() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.isNew
}

// Data returns a copy of the session data. Maps, slices and pointers inside
// it are shared: change them only inside Update.
func (s *Session[T]) Data() T {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.env.Data
}

// Update changes the data through f and marks the session for saving. If
// the result would not fit in the cookie, Update restores the data as it was
// and returns an error wrapping ErrTooLarge that gives the size and the limit:
// the failure surfaces here, not when the response is written.
//
// f runs with the session locked, so that concurrent updates of one request
// never lose a change: it must not call the Session's other methods (read
// the current data through its argument instead).
func (s *Session[T]) Update(f func(data *T)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	f(&s.env.Data)
	if s.m.idle > 0 {
		s.env.LastSeenAt = s.m.now().UnixMilli()
	}
	pt, err := s.m.encode(&s.env)
	if err == nil && len(pt) > 0 && s.m.format.SealedLen(len(pt)) > s.m.maxLen {
		err = s.m.tooLarge(len(pt))
	} else if err != nil {
		err = s.m.encodeError(err)
	}
	if err != nil {
		s.rollback()
		return err
	}
	s.good, s.encoded = pt, true
	s.dirty = true
	return nil
}

// rollback restores the last valid state after a failed Update.
func (s *Session[T]) rollback() {
	id, created := s.env.ID, s.env.CreatedAt
	s.env = Envelope[T]{ID: id, CreatedAt: created}
	if s.good != nil {
		var e Envelope[T]
		if s.m.decode(s.good, &e) == nil {
			s.env = e
		}
	}
	s.encoded = s.good != nil
}

// Merge copies patch's entries into a map-typed session's data, creating the
// map if needed: the merge of the seeds' session managers.
func Merge[K comparable, V any, M ~map[K]V](s *Session[M], patch M) error {
	return s.Update(func(m *M) {
		if *m == nil {
			*m = make(M, len(patch))
		}
		for k, v := range patch {
			(*m)[k] = v
		}
	})
}

// Touch marks the session for saving without changing its data, refreshing
// lastSeenAt so the idle timeout starts again.
func (s *Session[T]) Touch() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m.idle > 0 {
		s.env.LastSeenAt = s.m.now().UnixMilli()
		s.encoded = false
	}
	s.dirty = true
}

// Regenerate gives the session a new id and createdAt, keeping its data, and
// marks it for saving. Call it at every change of privilege, so an id seen
// before the change names nothing after it. With a DataOnly format, which
// has no id, it only marks the session for saving.
//
// Regenerate keeps whatever the session held before, which at login is
// whatever the visitor, or an attacker who planted the session in the
// victim's browser, put there. For the clean start a login wants, call
// Clear, then Update with the signed-in user's data: the session gets a new
// id and createdAt and holds only what that Update wrote, and Save writes it
// in place of the old cookie (and its chunks).
func (s *Session[T]) Regenerate() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m.rules.DataOnly {
		s.dirty = true
		return
	}
	now := s.m.now()
	s.env.ID = s.m.genID()
	s.env.CreatedAt = now.UnixMilli()
	if s.m.idle > 0 {
		s.env.LastSeenAt = now.UnixMilli()
	}
	s.encoded = false
	s.dirty = true
}

// Clear ends the session: Save deletes its cookie (and every chunk), and the
// Session becomes a fresh, empty one with a new id, which is saved only if
// it is changed again: Clear then Update is a clean start (see Regenerate).
// Remember that a copy of the old value stays valid until it expires unless
// Config.Validate revokes it.
func (s *Session[T]) Clear() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reset(s.m.now())
	s.cleared = true
	s.dirty = false
}

// Done tells the session that its response has gone out, so a change not
// saved by now can no longer reach the client. If there is one, Done
// reports it through Config.OnError and returns it, wrapping
// ErrLateChange; otherwise it returns nil. Carriers that are not net/http
// call it once their response is sent (after a streamed body, say);
// Manager.Middleware does the same itself. The session stays usable.
func (s *Session[T]) Done() error {
	if !s.pending() {
		return nil
	}
	s.m.report(s.ctx, ErrLateChange)
	return fmt.Errorf("session %s: %w", s.m.name, ErrLateChange)
}

// savedAny reports whether a Save wrote anything for this request.
func (s *Session[T]) savedAny() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.wrote
}

// pending reports whether Save would write anything.
func (s *Session[T]) pending() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.dirty || s.cleared || s.discard || s.legacy
}

// Save writes the session's changes into h, a response's header map: a
// Set-Cookie (chunked when needed, stale chunks deleted) for a changed
// session, deletions for a cleared one or for a value the request carried
// and that was rejected, and nothing otherwise. A session that came from the
// session header is answered in the same response header only (the new
// value, or an empty one when cleared) and never with a Set-Cookie: its
// client (an RPC or API client, a native app) keeps the session itself and
// has no use for a cookie, and a cookie the request may also carry was not
// the session this request used. Call it before the response's header is written
// (s.Save(w.Header())); the Middleware does. A carrier that is not net/http
// passes a fresh http.Header and copies h["Set-Cookie"], the session header
// and Cache-Control to its response.
//
// Whenever it writes anything, Save also makes the response's
// Cache-Control private (see Config.KeepCacheControl): a shared cache must
// never hand one visitor's Set-Cookie, or the page it came with, to
// another.
func (s *Session[T]) Save(h http.Header) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.m
	wrote := s.dirty || s.cleared || s.discard || s.legacy
	defer func() {
		if wrote {
			s.wrote = true
			if !m.keepCacheControl {
				token.MakePrivate(h)
			}
		}
	}()
	switch {
	case s.dirty:
		now := m.now()
		if m.idle > 0 && !s.encoded {
			s.env.LastSeenAt = now.UnixMilli()
		}
		var v string
		var exp time.Time
		var maxAge int
		var err error
		if s.encoded {
			v, exp, maxAge, err = m.sealEncoded(s.good, &s.env, now)
		} else {
			v, exp, maxAge, err = m.seal(&s.env, now)
		}
		if err == nil && s.source != fromHeader {
			err = m.spec.Write(h, s.cookies, v, exp, maxAge)
		}
		if err != nil {
			err = fmt.Errorf("saving: %w", err)
			m.report(s.ctx, err)
			wrote = false
			return fmt.Errorf("session %s: %w", m.name, err)
		}
		if s.source == fromHeader {
			h.Set(m.header, v)
		}
	case s.cleared && s.source == fromHeader:
		h.Set(m.header, "")
	case s.cleared || s.discard:
		m.spec.Delete(h, s.cookies)
	}
	if s.legacy { // migrated, cleared after migrating, or refused: never read it again
		m.legacy.Delete(h, s.cookies)
	}
	s.dirty, s.cleared, s.discard, s.legacy = false, false, false, false
	return nil
}

// maxAgeSeconds rounds a remaining lifetime up to whole seconds, at least 1,
// so the cookie never outlives the seal by more than a second.
func maxAgeSeconds(d time.Duration) int {
	if d <= time.Second {
		return 1
	}
	return int(math.Ceil(d.Seconds()))
}
