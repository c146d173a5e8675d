package session

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"time"

	"github.com/sealcookie/sealcookie/internal/jsonerr"
	"github.com/sealcookie/sealcookie/sealed"
)

// Errors that OnError hears and Decode returns, beside the sealed package's
// (sealed.ErrNotAuthentic, ErrMalformed, ErrUnknownKey, ErrExpired,
// ErrTooLarge) and the cookie package's (cookie.ErrChunks,
// cookie.ErrMissingChunks, ErrTooLarge),
// which they wrap unchanged. Test with errors.Is.
var (
	// ErrExpired means the session's MaxAge, counted from createdAt, has passed.
	ErrExpired = errors.New("session: max age passed")
	// ErrIdle means the IdleTimeout, counted from lastSeenAt, has passed.
	ErrIdle = errors.New("session: idle timeout passed")
	// ErrRevoked means Config.Validate refused the session.
	ErrRevoked = errors.New("session: revoked")
	// ErrUnavailable, wrapped by an error that Config.Validate returns,
	// means the check could not be made (the store it asks did not answer
	// in time). The session is refused for this request, as a revoked one
	// is, but its cookie is kept: it counts again once the check can be
	// made. OnError hears Validate's error itself, not wrapped in ErrRevoked.
	ErrUnavailable = errors.New("session: revocation check unavailable")
	// ErrInvalid means the value opened but does not hold a valid envelope:
	// not a JSON envelope, no id, or a createdAt in the future.
	ErrInvalid = errors.New("session: invalid envelope")
	// ErrTooLarge means the session would not fit in the cookie budget or
	// the chunk cap: Update returns it, with the size and the limit, before
	// anything is written.
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

// Encoding turns envelopes into bytes and back. The default is encoding/json
// (session/jsonv2 has encoding/json/v2); another can be plugged in, but it
// must produce JSON for the session to stay readable by peers.
type Encoding interface {
	Marshal(v any) ([]byte, error)
	Unmarshal(data []byte, v any) error
}

// stdJSON is the default Encoding: encoding/json.
type stdJSON struct{}

func (stdJSON) Marshal(v any) ([]byte, error)      { return json.Marshal(v) }
func (stdJSON) Unmarshal(data []byte, v any) error { return json.Unmarshal(data, v) }

// expires returns when the envelope expires: the earlier of createdAt +
// MaxAge and lastSeenAt + IdleTimeout; the zero Time when neither is set
// (a Peer or DataOnly format's sessions).
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
	switch {
	case m.rules.DataOnly:
		return nil // no times to check: the seal carries the expiry
	case m.rules.Peer:
		return m.checkPeer(e, now)
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

// checkPeer is check for a Peer format, following h3 2.0.8: an id;
// now − createdAt ≤ MaxAge; now − (lastSeenAt or createdAt) ≤ IdleTimeout, in
// whole milliseconds and with no skew.
func (m *Manager[T]) checkPeer(e *Envelope[T], now time.Time) error {
	if e.ID == "" || e.CreatedAt < 0 || e.LastSeenAt < 0 {
		return fmt.Errorf("%w: missing id, or negative times", ErrInvalid)
	}
	ms := now.UnixMilli()
	if m.maxAge > 0 && ms-e.CreatedAt > m.maxAge.Milliseconds() {
		return ErrExpired
	}
	if m.idle > 0 {
		last := e.LastSeenAt
		if last == 0 {
			last = e.CreatedAt
		}
		if ms-last > m.idle.Milliseconds() {
			return ErrIdle
		}
	}
	return nil
}

// admit applies the rules every session read must pass: check, then the
// application's Validate.
func (m *Manager[T]) admit(ctx context.Context, e *Envelope[T], now time.Time) error {
	if err := m.check(e, now); err != nil {
		return err
	}
	if m.validate != nil {
		if err := m.validate(ctx, e); err != nil {
			if errors.Is(err, ErrUnavailable) {
				return err
			}
			return fmt.Errorf("%w: %w", ErrRevoked, err)
		}
	}
	return nil
}

var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 2048); return &b }}

// open unseals value and decodes its envelope, enforcing every rule. reseal
// reports a value the format wants sealed again (an old key, a legacy seal).
// With keep, it also returns a copy of the plaintext (the envelope's
// encoding) as a rollback point. The envelope is decoded into e, which holds
// garbage after an error.
func (m *Manager[T]) open(ctx context.Context, value string, now time.Time, e *Envelope[T], keep bool) ([]byte, bool, error) {
	if len(value) > m.readLen {
		return nil, false, fmt.Errorf("%w: %d characters, limit %d", sealed.ErrTooLarge, len(value), m.readLen)
	}
	bp := bufPool.Get().(*[]byte)
	defer bufPool.Put(bp)
	// The seal's expiry is the envelope's; the skew applies to it too.
	pt, reseal, err := m.format.Open((*bp)[:0], value, m.name, now.Add(-m.skew))
	if cap(pt) > cap(*bp) && cap(pt) <= 64<<10 {
		*bp = pt[:0]
	}
	if err != nil {
		return nil, false, err
	}
	*e = Envelope[T]{}
	if err := m.decode(pt, e); err != nil {
		return nil, false, m.decodeError(err)
	}
	if err := m.admit(ctx, e, now); err != nil {
		return nil, false, err
	}
	var kept []byte
	if keep {
		kept = append([]byte(nil), pt...)
	}
	return kept, reseal && !m.rules.ReadOnly, nil
}

// decodeError describes a failure to decode an authentic plaintext. The
// value was authentic, so this is a type or codec mismatch across a fleet:
// say where, from the Go type alone, never what (no plaintext in errors,
// not even the map keys that json/v2 puts in its paths).
func (m *Manager[T]) decodeError(err error) error {
	if field, goType, kind, ok := jsonerr.TypeMismatch(err, m.encodedType()); ok {
		return fmt.Errorf("%w: field %q (a %s) cannot hold a JSON %s", ErrInvalid, field, goType, kind)
	}
	return fmt.Errorf("%w: the sealed data does not decode into the session type", ErrInvalid)
}

// encodeError describes a failure to encode the session from its Go types,
// never its data.
func (m *Manager[T]) encodeError(err error) error {
	return fmt.Errorf("session: encoding the envelope: %s", jsonerr.EncodeProblem(err, m.encodedType()))
}

// encodedType is the type encode and decode work on: the envelope, or the
// data alone.
func (m *Manager[T]) encodedType() reflect.Type {
	if m.rules.DataOnly {
		return reflect.TypeFor[T]()
	}
	return reflect.TypeFor[Envelope[T]]()
}

// seal encodes and seals e at now, returning the value and its cookie's
// Expires and Max-Age.
func (m *Manager[T]) seal(e *Envelope[T], now time.Time) (string, time.Time, int, error) {
	pt, err := m.encode(e)
	if err != nil {
		return "", time.Time{}, 0, m.encodeError(err)
	}
	if n := m.format.SealedLen(len(pt)); n > m.maxLen {
		return "", time.Time{}, 0, m.tooLarge(len(pt))
	}
	return m.sealEncoded(pt, e, now)
}

// sealEncoded seals pt, the encoding of e, at now, returning the value and
// its cookie's Expires and Max-Age.
func (m *Manager[T]) sealEncoded(pt []byte, e *Envelope[T], now time.Time) (string, time.Time, int, error) {
	exp := m.expires(e)
	v, err := m.format.Seal(pt, m.name, exp, now)
	switch {
	case err != nil:
		return "", time.Time{}, 0, fmt.Errorf("session: sealing: %w", err)
	case len(v) > m.maxLen:
		return "", time.Time{}, 0, m.tooLarge(len(pt))
	case m.rules.CookieMaxAge > 0:
		return v, time.Time{}, m.rules.CookieMaxAge, nil
	case m.rules.Peer:
		return v, exp, 0, nil
	}
	return v, exp, maxAgeSeconds(exp.Sub(now)), nil
}

func (m *Manager[T]) tooLarge(plaintext int) error {
	n := m.format.SealedLen(plaintext)
	if b := m.spec.Attributes().Budget; b > 0 && m.spec.Size(n) > b {
		return fmt.Errorf("%w: its cookies would take %d bytes, over the cookie budget of %d bytes (the session encodes to %d bytes and seals to %d characters; about %d bytes of JSON fit)",
			ErrTooLarge, m.spec.Size(n), b, plaintext, n, m.maxPlaintext())
	}
	return fmt.Errorf("%w: the session encodes to %d bytes and seals to %d characters; the limit is %d characters (about %d bytes of JSON)",
		ErrTooLarge, plaintext, n, m.maxLen, m.maxPlaintext())
}

// maxPlaintext is the longest plaintext whose seal fits in maxLen.
func (m *Manager[T]) maxPlaintext() int {
	lo, hi := 0, m.maxLen // SealedLen grows with n: find the last n that fits
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if m.format.SealedLen(mid) <= m.maxLen {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return lo
}

// encode encodes what is sealed: the envelope, or the data alone.
func (m *Manager[T]) encode(e *Envelope[T]) ([]byte, error) {
	if m.rules.DataOnly {
		return m.codec.Marshal(&e.Data)
	}
	return m.codec.Marshal(e)
}

// decode is the inverse of encode.
func (m *Manager[T]) decode(pt []byte, e *Envelope[T]) error {
	if m.rules.DataOnly {
		return m.codec.Unmarshal(pt, &e.Data)
	}
	return m.codec.Unmarshal(pt, e)
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
	if m.rules.DataOnly {
		e = Envelope[T]{Data: e.Data}
	}
	v, _, _, err := m.seal(&e, now)
	return v, err
}

// Decode opens a value produced by Encode (or by a Manager's Save) and
// enforces every rule a request would: authenticity, purpose, MaxAge,
// IdleTimeout, skew and Validate (called with ctx). Errors wrap the
// sentinels of this package and of package sealed.
func (m *Manager[T]) Decode(ctx context.Context, value string) (*Envelope[T], error) {
	e := new(Envelope[T])
	if _, _, err := m.open(ctx, value, m.now(), e, false); err != nil {
		return nil, fmt.Errorf("session %s: %w", m.name, err)
	}
	return e, nil
}
