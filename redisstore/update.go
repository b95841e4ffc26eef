package redisstore

import (
	"bytes"
	"context"
	"fmt"
	"slices"

	"github.com/redis/go-redis/v9"

	"github.com/tcredit-go/tcredit/h5"
)

// maxTxAttempts bounds the retries of a change that other replicas keep beating.
const maxTxAttempts = 32

// casScript stores a session's new value only if the key still holds the value the
// change was made on. KEYS[1] is the session's key; ARGV[1] the value read, ARGV[2]
// the new value ("" to delete the session), ARGV[3] its expiry in Unix milliseconds,
// ARGV[4] the write's id in quotes, as the new value lists it. It returns 1 when it
// wrote, or when the key holds a value that lists the write already: go-redis sent
// the script again after losing the reply to the first, which was applied. It
// returns 0 when the value had changed.
var casScript = redis.NewScript(`
local current = redis.call('GET', KEYS[1])
if current ~= ARGV[1] then
  if current and string.find(current, ARGV[4], 1, true) then
    return 1
  end
  return 0
end
if ARGV[2] == '' then
  redis.call('DEL', KEYS[1])
else
  redis.call('SET', KEYS[1], ARGV[2], 'PXAT', ARGV[3])
end
return 1
`)

// write is a compare-and-set of a session whose reply was lost.
type write struct {
	id    string   // the write's id, first in the Writes of the record it stores
	read  []byte   // the value it was made on
	after []string // the Writes of that value
	del   bool     // it deletes the session
}

// outcome tells from the value the session's key holds now (nil: none) and its
// record whether w was applied; known is false when it cannot tell.
func (w *write) outcome(raw []byte, rec record) (applied, known bool) {
	switch {
	case raw == nil:
		return w.del, true // gone: deleted by w, or by another writer; none to change
	case bytes.Equal(raw, w.read):
		return false, true
	case slices.Contains(rec.Writes, w.id):
		return true, true
	case len(w.after) > 0 && slices.Contains(rec.Writes, w.after[0]):
		// The value w was made on was followed by another write: only one write
		// can follow a value, so w was not applied.
		return false, true
	}
	return false, false
}

// Update changes the session id: it reads the session (GET), calls change on it,
// and stores the result with one compare-and-set script (EVALSHA), which writes only
// if the session is still as read; otherwise it reads and changes it again, so that
// two replicas never overwrite each other.
//
// When the reply to the write is lost, Update reads the session again to learn
// whether the write was applied, never assuming either: it returns the session when
// it was, changes and writes it again when it was not, and returns an error wrapping
// ErrOutcomeUnknown when it cannot tell, or ErrNotStored when the write was not
// applied and cannot be made again.
func (s *Store) Update(ctx context.Context, id string, change func(*h5.Session) error) (h5.Session, error) {
	key := s.sessionKey(id)
	var lost *write
	for attempt := 0; ; attempt++ {
		readCtx, cancel := ctx, context.CancelFunc(func() {})
		if lost != nil {
			readCtx, cancel = context.WithTimeout(context.WithoutCancel(ctx), resolveTimeout)
		}
		raw, rec, err := s.fetch(readCtx, key)
		cancel()
		if lost != nil {
			if err != nil {
				return h5.Session{}, fmt.Errorf("%w: %w", ErrOutcomeUnknown, err)
			}
			applied, known := lost.outcome(raw, rec)
			switch {
			case applied:
				return rec.Session, nil
			case !known:
				return rec.Session, fmt.Errorf("%w: the session has changed since", ErrOutcomeUnknown)
			}
			if err := ctx.Err(); err != nil {
				return h5.Session{}, fmt.Errorf("%w: %w", ErrNotStored, err)
			}
			lost = nil
		}
		if attempt == maxTxAttempts {
			return h5.Session{}, ErrContention
		}
		if err != nil {
			return h5.Session{}, err
		}
		sess, err := s.live(raw, rec, id)
		if err != nil {
			return sess, err
		}
		read := sess
		if err := change(&sess); err != nil {
			return read, err
		}
		sess.ID = id
		w := &write{id: newWriteID(), read: raw, after: rec.Writes}
		var value []byte
		w.del = !s.now().Before(sess.Expires)
		if !w.del {
			if value, err = encode(sess, w.id, rec.Writes); err != nil {
				return sess, err
			}
		}
		wrote, err := casScript.Run(ctx, s.rdb, []string{key}, raw, value, sess.Expires.UnixMilli(), `"`+w.id+`"`).Int()
		switch {
		case err == nil && wrote == 1:
			return sess, nil
		case err == nil:
			// Changed under it: read and change it again.
		case isRedisError(err):
			return read, err // Redis refused it: nothing was applied
		default:
			lost = w // the reply is lost: read again to learn whether it was applied
		}
	}
}
