package redisstore

import "sync"

// maxRecent bounds the sessions whose last value a Store remembers.
const maxRecent = 1024

// recent remembers the value a Store last read or wrote for each of up to maxRecent
// sessions, by key, so that Update can make its compare-and-set on it without
// reading first. It is never trusted: the script compares it with what Redis holds,
// and answers with that when they differ.
type recent struct {
	mu     sync.Mutex
	values map[string][]byte
}

// get returns the value remembered for key, or nil.
func (r *recent) get(key string) []byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.values[key]
}

// put remembers raw for key, or forgets key when raw is nil. When full, it forgets
// another session first, whichever the map yields.
func (r *recent) put(key string, raw []byte) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if raw == nil {
		delete(r.values, key)
		return
	}
	if r.values == nil {
		r.values = make(map[string][]byte)
	}
	if _, held := r.values[key]; !held && len(r.values) >= maxRecent {
		for k := range r.values {
			delete(r.values, k)
			break
		}
	}
	r.values[key] = raw
}
