package tcredit

import (
	"context"
	"errors"
	"sync"
	"time"
)

// DefaultCacheTTL is how long a Client keeps the city list and each city's login
// methods without WithCache. They change rarely.
const DefaultCacheTTL = 10 * time.Minute

// WithCache sets how long Cities and LoginMethods answers are kept and reused; 0 turns
// the cache off, so that every call goes to the server. Query validates requests
// through this cache.
func WithCache(ttl time.Duration) Option {
	return func(c *Client) error {
		if ttl < 0 {
			return errors.New("cache TTL must not be negative")
		}
		c.cache = newMetaCache(ttl)
		return nil
	}
}

// metaCache keeps recent answers of the unbilled metadata calls, and lets concurrent
// callers that miss share one request.
type metaCache struct {
	ttl     time.Duration
	mu      sync.Mutex
	entries map[string]*cacheEntry
}

type cacheEntry struct {
	ready   chan struct{} // closed when the fetch is over
	value   any
	err     error
	expires time.Time
}

func newMetaCache(ttl time.Duration) *metaCache {
	return &metaCache{ttl: ttl, entries: make(map[string]*cacheEntry)}
}

// cached returns the value kept for key, or fetches it; failed fetches are not kept.
func cached[T any](ctx context.Context, mc *metaCache, key string, fetch func(context.Context) (T, error)) (T, error) {
	if mc == nil || mc.ttl <= 0 {
		return fetch(ctx)
	}
	mc.mu.Lock()
	e, ok := mc.entries[key]
	if ok && (e.expires.IsZero() || time.Now().Before(e.expires)) {
		mc.mu.Unlock()
		if v, ok, err := waitEntry[T](ctx, e); ok || err != nil {
			return v, err
		}
		return fetch(ctx) // the shared fetch failed: try on our own
	}
	e = &cacheEntry{ready: make(chan struct{})}
	mc.entries[key] = e
	mc.mu.Unlock()

	v, err := fetch(ctx)
	mc.mu.Lock()
	e.value, e.err = v, err
	if err != nil {
		delete(mc.entries, key)
	} else {
		e.expires = time.Now().Add(mc.ttl)
	}
	mc.mu.Unlock()
	close(e.ready)
	return v, err
}

// waitEntry waits for an entry that may be being fetched by another caller. It reports
// whether the entry holds a value, or ctx's error if ctx ends first.
func waitEntry[T any](ctx context.Context, e *cacheEntry) (T, bool, error) {
	var zero T
	select {
	case <-e.ready:
	case <-ctx.Done():
		return zero, false, ctx.Err()
	}
	if e.err != nil {
		return zero, false, nil
	}
	return e.value.(T), true, nil
}
