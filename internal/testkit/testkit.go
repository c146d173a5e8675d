// Package testkit holds the small helpers the project's tests share: an
// injected, settable clock and a recorder for Config.OnError.
package testkit

import (
	"context"
	"errors"
	"sync"
	"time"
)

// Clock is an injected clock that only moves when told. It is safe for
// concurrent use; pass its Now method as a Config's Clock.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock returns a Clock reading t.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// ErrLog records the errors an OnError hook hears. It is safe for
// concurrent use; pass its Hook method as a Config's OnError.
type ErrLog struct {
	mu   sync.Mutex
	errs []error
}

// Hook records err.
func (l *ErrLog) Hook(_ context.Context, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.errs = append(l.errs, err)
}

// All returns the errors heard so far.
func (l *ErrLog) All() []error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]error(nil), l.errs...)
}

// Has reports whether some recorded error matches target (errors.Is).
func (l *ErrLog) Has(target error) bool {
	for _, err := range l.All() {
		if errors.Is(err, target) {
			return true
		}
	}
	return false
}

// Take returns the errors heard so far and forgets them.
func (l *ErrLog) Take() []error {
	l.mu.Lock()
	defer l.mu.Unlock()
	errs := l.errs
	l.errs = nil
	return errs
}
