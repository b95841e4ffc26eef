package h5

import "time"

// For the tests of package h5_test: what the store keeps of a cookie and of a CSRF
// token, and the token of a cookie.
var (
	StoreID    = storeID
	CSRFToken  = csrfToken
	CSRFDigest = csrfDigest
)

// SetKeyTTL sets how long h signs forms with the keys it read, for tests that would
// otherwise wait keyTTL.
func (h *Handler) SetKeyTTL(d time.Duration) { h.keys.ttl = d }

// SetNow sets the clock h reads, for tests that move it past a lease or a deadline.
func (h *Handler) SetNow(now func() time.Time) { h.now = now }

// SetResolveTimeout sets how long h resolves a store change of unknown outcome, for
// tests of a store away for longer.
func (h *Handler) SetResolveTimeout(d time.Duration) { h.resolveTimeout = d }
