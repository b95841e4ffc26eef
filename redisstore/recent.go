package redisstore

import "sync"

// maxRecent bounds the sessions whose last value a Store remembers.
const maxRecent = 1024

// recent remembers the value a Store last read or wrote for each of up to maxRecent
// sessions, by key, with the record it holds, so that Update can make its
// compare-and-set on it without reading or decoding first. It is never trusted: the
// script compares it with what Redis holds, and answers with that when they differ.
type recent struct {
	mu     sync.Mutex
	values map[string]remembered
}

// remembered is a session's value and the record it holds.
type remembered struct {
	raw []byte
	rec record
}

// get returns the value remembered for key and its record, or nil.
func (r *recent) get(key string) ([]byte, record) {
	r.mu.Lock()
	defer r.mu.Unlock()
	v := r.values[key]
	return v.raw, v.rec
}

// put remembers raw for key, and rec, the record it holds; or forgets key when raw
// is nil. When full, it forgets another session first, whichever the map yields.
func (r *recent) put(key string, raw []byte, rec record) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if raw == nil {
		delete(r.values, key)
		return
	}
	if r.values == nil {
		r.values = make(map[string]remembered)
	}
	if _, held := r.values[key]; !held && len(r.values) >= maxRecent {
		for k := range r.values {
			delete(r.values, k)
			break
		}
	}
	r.values[key] = remembered{raw, rec}
}
