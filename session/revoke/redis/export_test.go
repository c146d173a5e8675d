package redis

// MakeStale makes the local copy stale and Redis not known down, as just
// past the staleness bound: the next read asks Redis (the cache-miss path of
// the benchmarks). The background check makes it fresh again within a
// quarter of the bound.
func (s *Store) MakeStale() {
	s.fresh.Store(false)
	s.down.Store(false)
}

// Fresh reports whether reads are answered from the local copy.
func (s *Store) Fresh() bool { return s.fresh.Load() }
