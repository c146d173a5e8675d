package session

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/sealcookie/sealcookie/internal/jsonerr"
	"github.com/sealcookie/sealcookie/sealed"
)

// Errors that OnError hears and Decode returns, beside the sealed package's
// (sealed.ErrNotAuthentic, ErrMalformed, ErrUnknownKey, ErrExpired,
// ErrTooLarge) and the cookie package's (cookie.ErrChunks, ErrTooLarge),
// which they wrap unchanged. Test with errors.Is.
var (
	// ErrExpired means the session's MaxAge, counted from createdAt, has passed.
	ErrExpired = errors.New("session: max age passed")
	// ErrIdle means the IdleTimeout, counted from lastSeenAt, has passed.
	ErrIdle = errors.New("session: idle timeout passed")
	// ErrRevoked means Config.Validate refused the session.
	ErrRevoked = errors.New("session: revoked")
	// ErrInvalid means the value opened but does not hold a valid envelope:
	// not a JSON envelope, no id, or a createdAt in the future.
	ErrInvalid = errors.New("session: invalid envelope")
	// ErrTooLarge means the session would not fit in the cookie: Update
	// returns it, with the size and the limit, before anything is written.
	ErrTooLarge = errors.New("session: too large")
)

// Envelope is the wire shape of a session, h3's: {"id", "createdAt", "data",
// "lastSeenAt"?}, times in Unix milliseconds. It is what Encode seals and
// Decode returns, for carriers that are not net/http (queues, serverless
// events, proxies).
type Envelope[T any] struct {
	ID         string `json:"id"`
	CreatedAt  int64  `json:"createdAt"`
	Data       T      `json:"data"`
	LastSeenAt int64  `json:"lastSeenAt,omitzero"` // omitzero: the same in encoding/json and json/v2
}

// Codec encodes envelopes to bytes and back. The default, JSON, is
// encoding/json; a faster codec can be plugged in, but it must produce JSON
// for the session to stay readable by peers.
type Codec interface {
	Marshal(v any) ([]byte, error)
	Unmarshal(data []byte, v any) error
}

// JSON is the default Codec: encoding/json.
type JSON struct{}

// Marshal calls json.Marshal.
func (JSON) Marshal(v any) ([]byte, error) { return json.Marshal(v) }

// Unmarshal calls json.Unmarshal.
func (JSON) Unmarshal(data []byte, v any) error { return json.Unmarshal(data, v) }

// expires returns when the envelope expires: the earlier of createdAt +
// MaxAge and lastSeenAt + IdleTimeout; the zero Time when neither is set
// (only possible in the iron formats).
func (m *Manager[T]) expires(e *Envelope[T]) time.Time {
	var exp time.Time
	if m.maxAge > 0 {
		exp = time.UnixMilli(e.CreatedAt).Add(m.maxAge)
	}
	if m.idle > 0 {
		last := e.LastSeenAt
		if last == 0 {
			last = e.CreatedAt
		}
		if idleExp := time.UnixMilli(last).Add(m.idle); exp.IsZero() || idleExp.Before(exp) {
			exp = idleExp
		}
	}
	return exp
}

// check enforces the envelope rules at now: an id, a createdAt not in the
// future, MaxAge and IdleTimeout, each with the clock-skew tolerance.
func (m *Manager[T]) check(e *Envelope[T], now time.Time) error {
	if m.iron != nil {
		return m.checkIron(e, now)
	}
	if e.ID == "" || e.CreatedAt <= 0 || e.LastSeenAt < 0 {
		return fmt.Errorf("%w: missing id or createdAt", ErrInvalid)
	}
	created := time.UnixMilli(e.CreatedAt)
	if created.After(now.Add(m.skew)) {
		return fmt.Errorf("%w: createdAt is in the future", ErrInvalid)
	}
	// Valid while now < limit + skew, the same boundary as the seal's expiry.
	if now.Sub(created) >= m.maxAge+m.skew {
		return ErrExpired
	}
	if m.idle > 0 {
		last := created
		if e.LastSeenAt != 0 {
			last = time.UnixMilli(e.LastSeenAt)
		}
		if last.After(now.Add(m.skew)) {
			return fmt.Errorf("%w: lastSeenAt is in the future", ErrInvalid)
		}
		if now.Sub(last) >= m.idle+m.skew {
			return ErrIdle
		}
	}
	return nil
}

// admit applies the rules every session read must pass: check, then the
// application's Validate.
func (m *Manager[T]) admit(r *http.Request, e *Envelope[T], now time.Time) error {
	if err := m.check(e, now); err != nil {
		return err
	}
	if m.validate != nil {
		if err := m.validate(r, e); err != nil {
			return fmt.Errorf("%w: %w", ErrRevoked, err)
		}
	}
	return nil
}

var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 2048); return &b }}

// open unseals value and decodes its envelope, enforcing every rule. stale
// reports a value sealed with an old key. With keep, it also returns a copy
// of the plaintext (the envelope's encoding) as a rollback point.
// The envelope is decoded into e, which holds garbage after an error.
func (m *Manager[T]) open(r *http.Request, value string, now time.Time, e *Envelope[T], keep bool) ([]byte, bool, error) {
	if len(value) > m.maxLen {
		return nil, false, fmt.Errorf("%w: %d characters, limit %d", sealed.ErrTooLarge, len(value), m.maxLen)
	}
	if m.iron != nil {
		return m.openIron(r, value, now, e, keep)
	}
	bp := bufPool.Get().(*[]byte)
	defer bufPool.Put(bp)
	// The sealed expiry is the envelope's; the skew applies to it too.
	pt, info, err := m.ring.Open((*bp)[:0], []byte(value), m.name, now.Add(-m.skew))
	if cap(pt) > cap(*bp) {
		*bp = pt[:0]
	}
	if err != nil {
		return nil, false, err
	}
	if err := m.codec.Unmarshal(pt, e); err != nil {
		return nil, false, decodeError(err)
	}
	if err := m.admit(r, e, now); err != nil {
		return nil, false, err
	}
	var kept []byte
	if keep {
		kept = append([]byte(nil), pt...)
	}
	return kept, info.Stale, nil
}

// decodeError describes a failure to decode an authentic plaintext. The
// value was authentic, so this is a type or codec mismatch across a fleet:
// say where, never what (no plaintext in errors).
func decodeError(err error) error {
	if field, _, kind, ok := jsonerr.TypeMismatch(err); ok {
		return fmt.Errorf("%w: field %q cannot hold a JSON %s", ErrInvalid, field, kind)
	}
	return fmt.Errorf("%w: the sealed data does not decode into the session type", ErrInvalid)
}

// seal encodes and seals e at now, returning the value and its cookie's
// Expires and Max-Age.
func (m *Manager[T]) seal(e *Envelope[T], now time.Time) (string, time.Time, int, error) {
	pt, err := m.encode(e)
	if err != nil {
		return "", time.Time{}, 0, fmt.Errorf("session: encoding the envelope: %w", err)
	}
	if n := m.sealedLen(len(pt)); n > m.maxLen {
		return "", time.Time{}, 0, m.tooLarge(len(pt))
	}
	return m.sealEncoded(pt, e, now)
}

// sealEncoded seals pt, the encoding of e, at now, returning the value and
// its cookie's Expires and Max-Age.
func (m *Manager[T]) sealEncoded(pt []byte, e *Envelope[T], now time.Time) (string, time.Time, int, error) {
	if m.iron != nil {
		return m.sealIron(pt, e, now)
	}
	exp := m.expires(e)
	v, err := m.ring.SealString(pt, m.name, exp)
	return v, exp, maxAgeSeconds(exp.Sub(now)), err
}

func (m *Manager[T]) tooLarge(plaintext int) error {
	return fmt.Errorf("%w: the session encodes to %d bytes and seals to %d characters; the limit is %d characters (about %d bytes of JSON)",
		ErrTooLarge, plaintext, m.sealedLen(plaintext), m.maxLen, m.maxPlaintext())
}

// Encode seals an envelope into a value for carriers that are not net/http.
// A zero ID or CreatedAt is filled in as for a new session; LastSeenAt is
// set to now when an IdleTimeout is configured. The value expires at the
// earlier of createdAt + MaxAge and lastSeenAt + IdleTimeout.
func (m *Manager[T]) Encode(e Envelope[T]) (string, error) {
	now := m.now()
	if e.ID == "" {
		e.ID = m.genID()
	}
	if e.CreatedAt == 0 {
		e.CreatedAt = now.UnixMilli()
	}
	if m.idle > 0 {
		e.LastSeenAt = now.UnixMilli()
	}
	v, _, _, err := m.seal(&e, now)
	return v, err
}

// Decode opens a value produced by Encode (or by a Manager's Save) and
// enforces every rule a request would: authenticity, purpose, MaxAge,
// IdleTimeout, skew and Validate (called with a nil request). Errors wrap
// the sentinels of this package and of package sealed.
func (m *Manager[T]) Decode(value string) (*Envelope[T], error) {
	e := new(Envelope[T])
	if _, _, err := m.open(nil, value, m.now(), e, false); err != nil {
		return nil, fmt.Errorf("session %s: %w", m.name, err)
	}
	return e, nil
}
