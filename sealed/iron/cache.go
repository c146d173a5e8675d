package iron

import "sync"

// cacheKey names the keys of one authentic seal: the password that opened
// it, the iteration count, and its HMAC salt. The salt is stored
// hex-decoded; that is one-to-one because parseFields accepts lowercase hex
// only, so two different salt strings never share an entry.
type cacheKey struct {
	pw    uint16
	iters uint32
	salt  [SaltLen / 2]byte
}

// cacheVal holds what deriving the seal's keys produced: the HMAC key for
// the key's salt, and the encryption salt and key that the same authentic
// seal carried.
type cacheVal struct {
	macKey  [KeySize]byte
	encSalt [SaltLen / 2]byte
	encKey  [KeySize]byte
}

type cacheEntry struct {
	key        cacheKey
	val        cacheVal
	prev, next *cacheEntry
}

// keyCache is a fixed-capacity LRU map, safe for concurrent use. It never
// holds more than max entries: inserting into a full cache evicts the least
// recently used entry and reuses its memory, so after warm-up it allocates
// nothing.
type keyCache struct {
	mu   sync.Mutex
	max  int
	m    map[cacheKey]*cacheEntry
	root cacheEntry // sentinel of a circular list: root.next is the most recent
}

func newKeyCache(max int) *keyCache {
	c := &keyCache{max: max, m: make(map[cacheKey]*cacheEntry)}
	c.root.next, c.root.prev = &c.root, &c.root
	return c
}

func (c *keyCache) get(k cacheKey) (cacheVal, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[k]
	if !ok {
		return cacheVal{}, false
	}
	c.moveToFront(e)
	return e.val, true
}

// put inserts or replaces k's value. Callers must only put keys of seals
// whose MAC has verified.
func (c *keyCache) put(k cacheKey, v cacheVal) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.m[k]; ok {
		e.val = v
		c.moveToFront(e)
		return
	}
	var e *cacheEntry
	if len(c.m) >= c.max {
		e = c.root.prev // least recently used
		c.unlink(e)
		delete(c.m, e.key)
	} else {
		e = new(cacheEntry)
	}
	e.key, e.val = k, v
	c.m[k] = e
	c.pushFront(e)
}

func (c *keyCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.m)
}

// keys returns the cached keys, most recent first (tests only).
func (c *keyCache) keys() []cacheKey {
	c.mu.Lock()
	defer c.mu.Unlock()
	var ks []cacheKey
	for e := c.root.next; e != &c.root; e = e.next {
		ks = append(ks, e.key)
	}
	return ks
}

func (c *keyCache) unlink(e *cacheEntry) {
	e.prev.next, e.next.prev = e.next, e.prev
	e.prev, e.next = nil, nil
}

func (c *keyCache) pushFront(e *cacheEntry) {
	e.prev, e.next = &c.root, c.root.next
	c.root.next.prev = e
	c.root.next = e
}

func (c *keyCache) moveToFront(e *cacheEntry) {
	if c.root.next == e {
		return
	}
	c.unlink(e)
	c.pushFront(e)
}
