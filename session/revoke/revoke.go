package revoke

import (
	"context"
	"errors"
	"time"

	"github.com/sealcookie/sealcookie/session"
)

// The session package's defaults, which a zero session.Config field means.
// TestDefaultsFollowSession holds them equal to what a Manager applies.
const (
	sessionMaxAge    = 24 * time.Hour
	sessionClockSkew = 5 * time.Second
)

// Errors that session.Config.OnError hears wrapped in session.ErrRevoked, and
// that the Revoker's methods return. Test with errors.Is. None names the user
// or the session.
var (
	// ErrUserRevoked means the session was issued at or before its user's
	// latest "log out everywhere".
	ErrUserRevoked = errors.New("revoke: every session of the user issued until a revocation was revoked")
	// ErrSessionRevoked means the session itself was revoked (logged out).
	ErrSessionRevoked = errors.New("revoke: the session was revoked")
	// ErrFull means a Store holds as many revocations as it may: the new one
	// was not recorded.
	ErrFull = errors.New("revoke: the store holds its maximum number of revocations")
)

// Kind says what a Key names.
type Kind uint8

// The kinds of Key.
const (
	// User names every session of one user, as Config.User says.
	User Kind = 'u'
	// Session names one session, by its id.
	Session Kind = 's'
)

// Key names the sessions a revocation applies to: Kind and an ID (a user,
// or a session id).
type Key struct {
	Kind Kind
	ID   string
}

// String returns "u:<id>" or "s:<id>", for stores that key by string. It
// holds the id: do not log it where session data must not go.
func (k Key) String() string { return string(rune(k.Kind)) + ":" + k.ID }

// Store holds revocation cutoffs. It must be safe for concurrent use. Cutoffs
// only move forward: a revocation never un-revokes anything.
type Store interface {
	// Revoke records that the sessions k names that were issued at or before
	// cutoff are revoked. until is when the record may be dropped: by then
	// no such session can still be valid. A record already held keeps the
	// later of the two cutoffs and of the two untils. It runs on the request
	// that revokes.
	Revoke(ctx context.Context, k Key, cutoff, until time.Time) error

	// Cutoff returns the cutoff recorded for k, or the zero Time. It runs on
	// every session read: it must be fast, and must not wait longer than the
	// request can. An error refuses the session for that read; wrap
	// session.ErrUnavailable to keep its cookie (the check could not be
	// made) rather than delete it.
	Cutoff(ctx context.Context, k Key) (time.Time, error)
}

// Config configures a Revoker. The zero value is usable: no users (only
// per-session revocation) and the embedded store.
type Config[T any] struct {
	// User returns the user a session belongs to, from its data: the key of
	// RevokeUser. nil, or "" for a session, means no user: only
	// RevokeSession applies to it.
	User func(data T) string

	// Store holds the revocations. nil means a new embedded Memory store with
	// its defaults: right for one server. Servers that share sessions must
	// share a store (session/revoke/redis), or a revocation holds only on the
	// server that made it.
	Store Store

	// ClockSkew is the largest difference between the clocks of the servers
	// that issue sessions and of those that revoke them: sessions issued up
	// to this long after a revocation (by the revoking server's clock) are
	// revoked too, so that none issued before it escapes. 0 means the session
	// Config's ClockSkew (whose 0 means 5 seconds; 0 with a Peer format);
	// negative means none, right for one server.
	ClockSkew time.Duration
}

// Revoker revokes a Manager's sessions and checks every read against its
// Store. Build it with New; it is safe for concurrent use.
type Revoker[T any] struct {
	store  Store
	user   func(T) string
	maxAge time.Duration
	skew   time.Duration
	now    func() time.Time
}

// New returns a Revoker for the sessions of sc and installs its check in
// sc.Validate, after any Validate already there. Call it after every other
// field of sc is set and before session.New(*sc), and build the Manager
// from that same Config: New takes MaxAge, ClockSkew and Clock from it, to
// know how long a revocation must be kept (as long as the Manager accepts a
// session issued before it).
func New[T any](sc *session.Config[T], c Config[T]) (*Revoker[T], error) {
	if sc == nil {
		return nil, errors.New("revoke: New needs the *session.Config the Manager will be built from")
	}
	r := &Revoker[T]{store: c.Store, user: c.User, now: sc.Clock}
	var rules session.Rules
	if sc.Format != nil {
		rules = sc.Format.Rules()
	}
	switch {
	case rules.DataOnly:
		return nil, errors.New("revoke: the Format seals the data alone, with no createdAt or id to revoke by")
	case rules.Peer:
		r.maxAge = rules.MaxAge
		if r.maxAge <= 0 {
			return nil, errors.New("revoke: the Format's sessions have no MaxAge: a revocation would have to be kept forever; configure one")
		}
	default:
		r.maxAge = sc.MaxAge
		if r.maxAge == 0 {
			r.maxAge = sessionMaxAge
		}
		switch r.skew = sc.ClockSkew; {
		case r.skew == 0:
			r.skew = sessionClockSkew
		case r.skew < 0:
			r.skew = 0
		}
	}
	if r.maxAge < 0 {
		return nil, errors.New("revoke: MaxAge is negative")
	}
	switch {
	case c.ClockSkew > 0:
		r.skew = c.ClockSkew
	case c.ClockSkew < 0:
		r.skew = 0
	}
	if r.store == nil {
		r.store = NewMemory(MemoryConfig{Clock: sc.Clock})
	}
	if r.now == nil {
		r.now = time.Now
	}
	prev := sc.Validate
	sc.Validate = func(ctx context.Context, e *session.Envelope[T]) error {
		if prev != nil {
			if err := prev(ctx, e); err != nil {
				return err
			}
		}
		return r.Check(ctx, e)
	}
	return r, nil
}

// Check refuses an envelope issued at or before a cutoff of its user or of
// its id, returning ErrUserRevoked or ErrSessionRevoked, or the Store's
// error. It is what New installs in session.Config.Validate; call it
// yourself only for envelopes that did not come through the Manager.
func (r *Revoker[T]) Check(ctx context.Context, e *session.Envelope[T]) error {
	// No clock here: reading it costs more than the lookups on some
	// machines. The Manager already refuses a session older than MaxAge
	// plus skew, the same MaxAge New took from its Config, so no session
	// outlives the records that name it.
	if r.user != nil {
		if u := r.user(e.Data); u != "" {
			c, err := r.store.Cutoff(ctx, Key{User, u})
			if err != nil {
				return err
			}
			if !c.IsZero() && e.CreatedAt <= c.UnixMilli() {
				return ErrUserRevoked
			}
		}
	}
	c, err := r.store.Cutoff(ctx, Key{Session, e.ID})
	if err != nil {
		return err
	}
	if !c.IsZero() && e.CreatedAt <= c.UnixMilli() {
		return ErrSessionRevoked
	}
	return nil
}

// RevokeUser is "log out everywhere": every session of user issued until now
// (plus ClockSkew) is refused from its next read on, on every server that
// shares the Store. The session of the request that asks is one of them:
// clear it, or let its next read refuse it.
func (r *Revoker[T]) RevokeUser(ctx context.Context, user string) error {
	if user == "" {
		return errors.New("revoke: RevokeUser needs a user")
	}
	cutoff := r.now().Add(r.skew)
	return r.store.Revoke(ctx, Key{User, user}, cutoff, cutoff.Add(r.maxAge+2*r.skew))
}

// RevokeSession revokes one session, by its id and creation instant
// (Session.ID and Session.CreatedAt): copies of its cookie are refused from
// their next read on. Call it at logout, before Session.Clear, so that a
// copied cookie dies with the one the browser deletes.
func (r *Revoker[T]) RevokeSession(ctx context.Context, id string, createdAt time.Time) error {
	if id == "" || createdAt.IsZero() {
		return errors.New("revoke: RevokeSession needs a session's id and creation instant")
	}
	cutoff := r.now().Add(r.skew)
	if createdAt.After(cutoff) {
		cutoff = createdAt
	}
	return r.store.Revoke(ctx, Key{Session, id}, cutoff, createdAt.Add(r.maxAge+2*r.skew))
}
