package revoke

import (
	"container/heap"
	"context"
	"fmt"
	"hash/maphash"
	"math"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultMaxEntries is what a zero MemoryConfig.MaxEntries means. A record
// takes about 160 bytes with a 36-character id: 40 MB at most.
const DefaultMaxEntries = 1 << 18

// shards spreads the records over locks, so that concurrent reads of
// different keys rarely share one.
const shards = 32

// MemoryConfig configures a Memory store. The zero value is usable.
type MemoryConfig struct {
	// MaxEntries caps the records held: past it, once the expired ones are
	// dropped, Revoke returns ErrFull and records nothing. 0 means
	// DefaultMaxEntries; negative means no cap.
	MaxEntries int

	// Clock returns the current time, against which records expire. nil
	// means time.Now.
	Clock func() time.Time
}

// Memory is the embedded Store: revocations held in this process, for one
// server (or as the local copy of a shared store). Reads take a shared lock
// on one of 32 shards; a record is dropped at the first write (Revoke, or
// Len) after its until has passed, and memory never holds more than
// MaxEntries records. The zero value is not usable: build it with NewMemory.
type Memory struct {
	seed  maphash.Seed
	now   func() time.Time
	max   int64
	count atomic.Int64
	sh    [shards]memShard
}

type memShard struct {
	mu   sync.RWMutex
	m    map[Key]*record
	q    expiry       // the shard's records, earliest until first
	next atomic.Int64 // the earliest until in q (Unix ms), MaxInt64 when empty
	_    [64]byte     // keep neighbouring shards' locks off one cache line
}

// record is one key's revocation, in milliseconds since the Unix epoch.
type record struct {
	key           Key
	cutoff, until int64
	i             int // index in its shard's heap
}

// expiry is a min-heap of records by until.
type expiry []*record

func (q expiry) Len() int           { return len(q) }
func (q expiry) Less(i, j int) bool { return q[i].until < q[j].until }
func (q expiry) Swap(i, j int) {
	q[i], q[j] = q[j], q[i]
	q[i].i, q[j].i = i, j
}
func (q *expiry) Push(x any) { r := x.(*record); r.i = len(*q); *q = append(*q, r) }
func (q *expiry) Pop() any {
	old := *q
	r := old[len(old)-1]
	old[len(old)-1] = nil
	*q = old[:len(old)-1]
	return r
}

// NewMemory returns an empty Memory store.
func NewMemory(c MemoryConfig) *Memory {
	m := &Memory{seed: maphash.MakeSeed(), now: c.Clock, max: int64(c.MaxEntries)}
	switch {
	case m.max == 0:
		m.max = DefaultMaxEntries
	case m.max < 0:
		m.max = math.MaxInt64
	}
	if m.now == nil {
		m.now = time.Now
	}
	for i := range m.sh {
		m.sh[i].m = map[Key]*record{}
		m.sh[i].next.Store(math.MaxInt64)
	}
	return m
}

func (m *Memory) shard(k Key) *memShard {
	h := maphash.String(m.seed, k.ID) ^ uint64(k.Kind)
	return &m.sh[h%shards]
}

// Cutoff returns k's cutoff, or the zero Time. It never fails.
func (m *Memory) Cutoff(_ context.Context, k Key) (time.Time, error) {
	s := m.shard(k)
	s.mu.RLock()
	r := s.m[k]
	var c int64
	if r != nil {
		c = r.cutoff
	}
	s.mu.RUnlock()
	if r == nil {
		return time.Time{}, nil
	}
	return time.UnixMilli(c), nil
}

// Revoke records k's cutoff until until, keeping the later cutoff and until
// of a record already held. A record whose until has already passed is not
// kept. It returns ErrFull when MaxEntries records are held.
func (m *Memory) Revoke(_ context.Context, k Key, cutoff, until time.Time) error {
	now := m.now().UnixMilli()
	m.sweep(now)
	c, u := cutoff.UnixMilli(), until.UnixMilli()
	if u <= now {
		return nil // nothing it names can still be valid
	}
	s := m.shard(k)
	s.mu.Lock()
	defer s.mu.Unlock()
	if r := s.m[k]; r != nil {
		r.cutoff = max(r.cutoff, c)
		if u > r.until {
			r.until = u
			heap.Fix(&s.q, r.i)
			s.next.Store(s.q[0].until)
		}
		return nil
	}
	if m.count.Add(1) > m.max {
		m.count.Add(-1)
		return fmt.Errorf("%w (%d)", ErrFull, m.max)
	}
	r := &record{key: k, cutoff: c, until: u}
	s.m[k] = r
	heap.Push(&s.q, r)
	s.next.Store(s.q[0].until)
	return nil
}

// Len drops the expired records and returns how many are held.
func (m *Memory) Len() int {
	m.sweep(m.now().UnixMilli())
	return int(m.count.Load())
}

// sweep drops the records whose until is at or before now, in the shards
// that hold one (their earliest until says so without a lock).
func (m *Memory) sweep(now int64) {
	for i := range m.sh {
		s := &m.sh[i]
		if s.next.Load() > now {
			continue
		}
		s.mu.Lock()
		for len(s.q) > 0 && s.q[0].until <= now {
			r := heap.Pop(&s.q).(*record)
			delete(s.m, r.key)
			m.count.Add(-1)
		}
		if len(s.q) > 0 {
			s.next.Store(s.q[0].until)
		} else {
			s.next.Store(math.MaxInt64)
		}
		s.mu.Unlock()
	}
}
