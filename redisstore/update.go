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
// change was made on. KEYS[1] is the session's key; ARGV[1] the value the change was
// made on, ARGV[2] the new value ("" to delete the session), ARGV[3] its expiry in
// Unix milliseconds, ARGV[4] the write's id in quotes, as the new value lists it.
//
// It returns {1} when it wrote, and also when the key holds a value that lists the
// write already: go-redis sent the script again after losing the reply to the first,
// which was applied. When the key holds another value it returns {0, value}, or {0}
// when it holds none.
var casScript = redis.NewScript(`
local current = redis.call('GET', KEYS[1])
if current ~= ARGV[1] then
  if not current then
    return {0}
  end
  if string.find(current, ARGV[4], 1, true) then
    return {1}
  end
  return {0, current}
end
if ARGV[2] == '' then
  redis.call('DEL', KEYS[1])
else
  redis.call('SET', KEYS[1], ARGV[2], 'PXAT', ARGV[3])
end
return {1}
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

// Update changes the session id: it calls change on the session and stores the
// result with one compare-and-set script (EVALSHA), which writes only if the session
// is still the one change saw; otherwise the script answers with the session as it
// is, and Update changes that, so that two replicas never overwrite each other.
//
// The session change first sees is the one this Store last read or wrote, when it
// has it, else it is read (GET): a replica that follows a session changes it in one
// round trip. A change that refuses a session not read from Redis in this call is
// called again on the session read, so that no refusal rests on what the Store
// remembers.
//
// When the reply to the write is lost, Update reads the session again to learn
// whether the write was applied, never assuming either: it returns the session when
// it was, changes and writes it again when it was not, and returns an error wrapping
// ErrOutcomeUnknown when it cannot tell, or ErrNotStored when the write was not
// applied and cannot be made again.
func (s *Store) Update(ctx context.Context, id string, change func(*h5.Session) error) (h5.Session, error) {
	key := s.sessionKey(id)
	raw, rec := s.recent.get(key) // rec: the record raw holds
	fresh := false                // raw is Redis's answer in this call
	var lost *write
	for attempt := 0; ; attempt++ {
		if lost != nil {
			current, value, held, done, err := s.settle(ctx, id, lost)
			if done || err != nil {
				return current, err
			}
			raw, rec, fresh, lost = value, held, true, nil
		} else if raw == nil && !fresh {
			var err error
			if raw, rec, err = s.fetch(ctx, key); err != nil {
				return h5.Session{}, err
			}
			fresh = true
		}
		if attempt == maxTxAttempts {
			return h5.Session{}, ErrContention
		}
		sess, err := s.live(raw, rec, id)
		read := sess
		if err == nil {
			err = change(&sess)
		}
		if err != nil && !fresh {
			raw = nil // what the Store remembered: read Redis before refusing
			continue
		}
		if err != nil {
			return read, err
		}
		sess.ID = id
		w := &write{id: newWriteID(), read: raw, after: rec.Writes, del: !s.now().Before(sess.Expires)}
		var (
			value   []byte
			written record
		)
		if !w.del {
			if value, written, err = encode(sess, w.id, rec.Writes); err != nil {
				return read, err
			}
		}
		reply, err := casScript.Run(ctx, s.rdb, []string{key}, raw, value, sess.Expires.UnixMilli(), `"`+w.id+`"`).Slice()
		switch {
		case err == nil && len(reply) > 0 && reply[0] == int64(1):
			s.recent.put(key, value, written)
			return sess, nil
		case err == nil:
			// Changed under it: change the session as it is.
			raw, rec, fresh = nil, record{}, true
			if len(reply) > 1 {
				current, _ := reply[1].(string)
				raw = []byte(current)
				if rec, err = s.decode(key, raw); err != nil {
					s.recent.put(key, nil, record{})
					return h5.Session{}, err
				}
			}
			s.recent.put(key, raw, rec)
		case isRedisError(err):
			return read, err // Redis refused it: nothing was applied
		default:
			lost = w // the reply is lost: read again to learn whether it was applied
		}
	}
}

// settle reads the session id again after the reply to the write w was lost. done
// is true when w was applied: current is then the session as stored. Otherwise the
// caller changes the session again, its value as read and the record it holds,
// unless err says why it cannot.
func (s *Store) settle(ctx context.Context, id string, w *write) (current h5.Session, value []byte, held record, done bool, err error) {
	key := s.sessionKey(id)
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), resolveTimeout)
	defer cancel()
	raw, rec, err := s.fetch(rctx, key)
	if err != nil {
		s.recent.put(key, nil, record{})
		return h5.Session{}, nil, record{}, false, fmt.Errorf("%w: %w", ErrOutcomeUnknown, err)
	}
	applied, known := w.outcome(raw, rec)
	current = rec.Session
	current.ID = id
	switch {
	case applied:
		return current, raw, rec, true, nil
	case !known:
		return current, raw, rec, false, fmt.Errorf("%w: the session has changed since", ErrOutcomeUnknown)
	}
	if err := ctx.Err(); err != nil {
		return h5.Session{}, raw, rec, false, fmt.Errorf("%w: %w", ErrNotStored, err)
	}
	return h5.Session{}, raw, rec, false, nil
}
