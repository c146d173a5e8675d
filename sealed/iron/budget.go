package iron

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// Defaults of [BudgetConfig], and so of the process-wide budget that every
// Keyring without a Config.Budget shares.
const (
	// DefaultBudgetCPU is the derivation time per second a Budget allows by
	// default: a tenth of one core, about 30 derivations a second at h3 2.x's
	// 8192 iterations (2.5 to 3.5 ms each on a current x86 core), or tens of
	// thousands at one iteration. On a two-core machine that also ran the
	// load generator, a fifth of a core let a flood of forged cookies raise
	// a legitimate client's p99 latency to between 1.9 and 3.7 times its
	// quiet value (make flood); raise it where JavaScript peers re-seal more
	// sessions a second than this allows.
	DefaultBudgetCPU = 100 * time.Millisecond
	// DefaultBudgetConcurrency is how many derivations run at once by
	// default: one, so they never occupy more than one core.
	DefaultBudgetConcurrency = 1
	// DefaultBudgetWait is how long a derivation waits by default for a
	// free slot before it is refused.
	DefaultBudgetWait = 50 * time.Millisecond
)

// ErrOverBudget is what Unseal returns, without deriving anything, for a seal
// whose salt it has not seen before when the Keyring's derivation [Budget] is
// spent. The seal was not checked at all: it may be genuine (a cookie a
// JavaScript peer has just written) or forged. The session package treats
// such a value as absent, a fresh session, and its OnError hears this error.
var ErrOverBudget = errors.New("iron: key derivation budget spent")

// BudgetConfig configures a [Budget]. Its zero value gives the defaults.
type BudgetConfig struct {
	// CPU is the time derivations may take per second of wall-clock time,
	// on average over a second; a quiet second's unused time does not carry
	// over. Each derivation is charged the time it took. 0 means
	// DefaultBudgetCPU (100 ms, a tenth of a core); negative means no limit.
	CPU time.Duration

	// Concurrency is how many derivations may run at once. 0 means
	// DefaultBudgetConcurrency (1); negative means no limit.
	Concurrency int

	// Wait is how long a derivation waits for one of the Concurrency slots
	// before it is refused. 0 means DefaultBudgetWait (50 ms); negative
	// means it never waits.
	Wait time.Duration
}

// Budget bounds the CPU that Unseal spends on PBKDF2 derivations for salts
// it has not seen before: the cost a client can demand by sending a cookie
// with a fresh random salt (about 3.5 ms at h3 2.x's 8192 iterations). Past
// the budget, Unseal refuses such seals with [ErrOverBudget] before deriving
// anything; seals whose keys are cached, and this process's own seals, never
// need a derivation and are never refused.
//
// A Budget is meant to be shared: Keyrings built with the same *Budget draw
// on one allowance, and every Keyring whose Config.Budget is nil shares one
// process-wide Budget with the default settings. It is safe for concurrent
// use.
type Budget struct {
	rate  time.Duration // derivation time per second; negative: no limit
	wait  time.Duration // negative: never wait
	slots chan struct{} // nil: no concurrency limit
	now   func() time.Time

	mu     sync.Mutex
	tokens time.Duration // derivation time still allowed
	last   time.Time     // when tokens were last refilled

	derived atomic.Uint64
	refused atomic.Uint64
	spent   atomic.Int64 // nanoseconds
}

// BudgetStats counts what a [Budget] has allowed and refused since it was
// built.
type BudgetStats struct {
	// Derivations is the number of derivations the budget allowed.
	Derivations uint64
	// Refused is the number of derivations it refused (ErrOverBudget).
	Refused uint64
	// Spent is the time the allowed derivations took, in all.
	Spent time.Duration
}

// NewBudget validates c and returns a Budget.
func NewBudget(c BudgetConfig) (*Budget, error) {
	b := &Budget{rate: c.CPU, wait: c.Wait, now: time.Now}
	switch {
	case b.rate == 0:
		b.rate = DefaultBudgetCPU
	case b.rate > 0 && b.rate < time.Millisecond:
		return nil, fmt.Errorf("%w: BudgetConfig.CPU %v is under a millisecond per second", ErrConfig, b.rate)
	}
	n := c.Concurrency
	switch {
	case n == 0:
		n = DefaultBudgetConcurrency
	case n > 1<<16:
		return nil, fmt.Errorf("%w: BudgetConfig.Concurrency %d, at most %d", ErrConfig, n, 1<<16)
	}
	if n > 0 {
		b.slots = make(chan struct{}, n)
	}
	if b.wait == 0 {
		b.wait = DefaultBudgetWait
	}
	b.tokens, b.last = b.rate, b.now()
	return b, nil
}

// processBudget is the process-wide Budget of every Keyring built without
// one. It is built when the package is initialised, not on first use, so
// that its slots belong to no testing/synctest bubble.
var processBudget = func() *Budget {
	b, err := NewBudget(BudgetConfig{})
	if err != nil {
		panic(err) // the defaults are valid
	}
	return b
}()

func defaultBudget() *Budget { return processBudget }

// Stats returns what the budget has allowed and refused so far.
func (b *Budget) Stats() BudgetStats {
	return BudgetStats{Derivations: b.derived.Load(), Refused: b.refused.Load(), Spent: time.Duration(b.spent.Load())}
}

// String describes the budget's settings.
func (b *Budget) String() string {
	return fmt.Sprintf("iron.Budget{CPU: %v per second, Concurrency: %d, Wait: %v}", b.rate, cap(b.slots), b.wait)
}

// take asks for one derivation. On true the caller derives, then calls done
// with the time it took; on false it must not derive.
func (b *Budget) take() bool {
	if !b.funded() {
		b.refused.Add(1)
		return false
	}
	if b.slots == nil {
		return true
	}
	select {
	case b.slots <- struct{}{}:
	default:
		if b.wait < 0 {
			b.refused.Add(1)
			return false
		}
		t := time.NewTimer(b.wait)
		select {
		case b.slots <- struct{}{}:
			t.Stop()
		case <-t.C:
			b.refused.Add(1)
			return false
		}
	}
	// The derivations that ran while this one waited may have spent the
	// allowance.
	if !b.funded() {
		<-b.slots
		b.refused.Add(1)
		return false
	}
	return true
}

// done charges a derivation that take allowed with the time it took.
func (b *Budget) done(took time.Duration) {
	b.derived.Add(1)
	b.spent.Add(int64(took))
	if b.rate > 0 {
		b.mu.Lock()
		b.tokens -= took
		b.mu.Unlock()
	}
	if b.slots != nil {
		<-b.slots
	}
}

// funded refills the allowance (rate per second of elapsed time, up to one
// second's worth) and reports whether any is left.
func (b *Budget) funded() bool {
	if b.rate < 0 {
		return true
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.now()
	switch el := now.Sub(b.last); {
	case el >= time.Second:
		b.tokens = b.rate
	case el > 0:
		b.tokens = min(b.tokens+time.Duration(float64(b.rate)*el.Seconds()), b.rate)
	}
	b.last = now
	return b.tokens > 0
}
