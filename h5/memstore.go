package h5

import (
	"container/heap"
	"context"
	"crypto/rand"
	"sync"
	"time"
)

// DefaultMaxSessions is the number of sessions a MemoryStore holds when
// NewMemoryStore is given no other.
const DefaultMaxSessions = 100_000

// sweepBatch is how many expired sessions a Create drops at most by the way: the
// sweep takes a few at a time, oldest first, and never scans every session.
const sweepBatch = 16

// MemoryStore is a SessionStore in the memory of one process, holding at most a
// fixed number of sessions. When it is full, a new session takes the place of an
// expired one, the oldest first; with none expired, Create returns ErrStoreFull.
type MemoryStore struct {
	mu       sync.Mutex
	max      int
	sessions map[string]Session
	expiry   expiryHeap // every session's expiry, soonest first; stale entries are skipped
	keys     []heldKey  // the signing key first, then the retired ones
	now      func() time.Time
}

// NewMemoryStore returns a MemoryStore that holds up to max sessions
// (DefaultMaxSessions when max is not positive).
func NewMemoryStore(max int) *MemoryStore {
	if max <= 0 {
		max = DefaultMaxSessions
	}
	return &MemoryStore{max: max, sessions: make(map[string]Session), now: time.Now}
}

// Len returns the number of sessions held, expired ones not yet dropped included.
func (m *MemoryStore) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.sessions)
}

// Get returns the live session with the id, or ErrNoSession.
func (m *MemoryStore) Get(ctx context.Context, id string) (Session, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.live(id)
}

// live returns the session id unless it expired. The caller holds m.mu.
func (m *MemoryStore) live(id string) (Session, error) {
	s, ok := m.sessions[id]
	if !ok || !m.now().Before(s.Expires) {
		return Session{}, ErrNoSession
	}
	return s, nil
}

// Create stores s, dropping a few expired sessions by the way.
func (m *MemoryStore) Create(ctx context.Context, s Session) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, err := m.live(s.ID); err == nil {
		return ErrSessionExists
	}
	m.sweep(sweepBatch)
	if _, held := m.sessions[s.ID]; !held && len(m.sessions) >= m.max {
		m.sweep(len(m.sessions))
		if len(m.sessions) >= m.max {
			return ErrStoreFull
		}
	}
	m.put(s)
	return nil
}

// Update changes the session id under the store's lock.
func (m *MemoryStore) Update(ctx context.Context, id string, change func(s *Session) error) (Session, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s, err := m.live(id)
	if err != nil {
		return s, err
	}
	if err := change(&s); err != nil {
		return s, err
	}
	s.ID = id
	m.put(s)
	return s, nil
}

// Delete drops the session id.
func (m *MemoryStore) Delete(ctx context.Context, id string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.sessions, id)
	return nil
}

// SigningKeys returns the store's signing key, made on first use, then the keys
// retired by RotateSigningKey whose overlap has not ended.
func (m *MemoryStore) SigningKeys(ctx context.Context) ([][]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.keys == nil {
		key, err := newKey()
		if err != nil {
			return nil, err
		}
		m.keys = []heldKey{{key: key}}
	}
	now := m.now()
	out := make([][]byte, 0, len(m.keys))
	kept := m.keys[:0]
	for i, k := range m.keys {
		if i > 0 && !now.Before(k.until) {
			continue // its overlap ended
		}
		kept = append(kept, k)
		out = append(out, k.key)
	}
	m.keys = kept
	return out, nil
}

// RotateSigningKey makes a new signing key. The one it replaces checks tokens for
// overlap more, and is then forgotten.
func (m *MemoryStore) RotateSigningKey(ctx context.Context, overlap time.Duration) error {
	key, err := newKey()
	if err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	keys := []heldKey{{key: key}}
	if len(m.keys) > 0 && overlap > 0 {
		keys = append(keys, heldKey{key: m.keys[0].key, until: m.now().Add(overlap)})
		keys = append(keys, m.keys[1:]...)
	}
	m.keys = keys
	return nil
}

// heldKey is a signing key, and for a retired one the end of its overlap.
type heldKey struct {
	key   []byte
	until time.Time
}

// newKey returns 32 random bytes.
func newKey() ([]byte, error) {
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	return key, nil
}

// put stores s, noting its expiry when it is new or changed. The caller holds m.mu.
func (m *MemoryStore) put(s Session) {
	old, held := m.sessions[s.ID]
	m.sessions[s.ID] = s
	if !held || !old.Expires.Equal(s.Expires) {
		heap.Push(&m.expiry, expiryEntry{id: s.ID, at: s.Expires})
	}
}

// sweep drops up to n expired sessions, the soonest expired first, looking only at
// the entries of the expiry heap that are due. The caller holds m.mu.
func (m *MemoryStore) sweep(n int) {
	now := m.now()
	for n > 0 && len(m.expiry) > 0 && !now.Before(m.expiry[0].at) {
		e := heap.Pop(&m.expiry).(expiryEntry)
		s, held := m.sessions[e.id]
		if !held || !s.Expires.Equal(e.at) {
			continue // dropped already, or its expiry moved: a later entry stands for it
		}
		delete(m.sessions, e.id)
		n--
	}
}

// expiryEntry is a session's id and its expiry when it was noted.
type expiryEntry struct {
	id string
	at time.Time
}

// expiryHeap is a min-heap of expiries, for container/heap.
type expiryHeap []expiryEntry

func (h expiryHeap) Len() int           { return len(h) }
func (h expiryHeap) Less(i, j int) bool { return h[i].at.Before(h[j].at) }
func (h expiryHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *expiryHeap) Push(x any)        { *h = append(*h, x.(expiryEntry)) }
func (h *expiryHeap) Pop() any {
	old := *h
	e := old[len(old)-1]
	*h = old[:len(old)-1]
	return e
}
