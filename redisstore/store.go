package redisstore

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/tcredit-go/tcredit/h5"
)

// DefaultPrefix begins the name of every key and channel the package uses.
const DefaultPrefix = "tcredit:"

// Option configures a Store or a WakeRelay.
type Option func(*config)

type config struct {
	prefix string
}

// WithPrefix sets the prefix of the names of the keys and the channel, for several
// services on one Redis (DefaultPrefix when not given).
func WithPrefix(prefix string) Option {
	return func(c *config) { c.prefix = prefix }
}

func newConfig(opts []Option) config {
	c := config{prefix: DefaultPrefix}
	for _, opt := range opts {
		opt(&c)
	}
	return c
}

// resolveTimeout bounds the reads that find out whether a write whose reply was lost
// was applied; they run even when the caller's context has ended.
const resolveTimeout = 5 * time.Second

// Store is an h5.SessionStore on Redis, for replicas that share sessions. It works
// on a single Redis server and on a Redis Cluster alike.
type Store struct {
	rdb    redis.UniversalClient
	prefix string
	now    func() time.Time
	recent recent
}

var _ h5.SessionStore = (*Store)(nil)

// New returns a Store that keeps sessions on rdb: a *redis.Client, a
// *redis.ClusterClient, or any other redis.UniversalClient.
func New(rdb redis.UniversalClient, opts ...Option) *Store {
	c := newConfig(opts)
	return &Store{rdb: rdb, prefix: c.prefix, now: time.Now}
}

// sessionKey names the key of the session id: a digest of the id, which is a secret.
func (s *Store) sessionKey(id string) string {
	sum := sha256.Sum256([]byte(id))
	return s.prefix + "h5:session:" + hex.EncodeToString(sum[:])
}

// record is the stored form of a session: its fields, and the ids of its last
// writes, newest first, by which a writer whose reply was lost finds out whether
// Redis applied its write.
type record struct {
	h5.Session
	Writes []string `json:"_writes,omitempty"`
}

// keptWrites is the number of write ids a record keeps.
const keptWrites = 4

// newWriteID returns a random id for a write.
func newWriteID() string {
	var b [9]byte
	rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// encode returns the stored form of sess written by the write id, after the writes
// of prev, and the record it holds. It holds no session id, which the key names by
// its digest: the id is the cookie's value, a secret.
func encode(sess h5.Session, id string, prev []string) ([]byte, record, error) {
	sess.ID = ""
	rec := record{Session: sess, Writes: append([]string{id}, prev[:min(len(prev), keptWrites-1)]...)}
	raw, err := json.Marshal(rec)
	return raw, rec, err
}

// fetch returns the value of key and the record it holds; a nil value when there
// is none. It remembers the value for Update.
func (s *Store) fetch(ctx context.Context, key string) ([]byte, record, error) {
	raw, err := s.rdb.Get(ctx, key).Bytes()
	if errors.Is(err, redis.Nil) {
		raw, err = nil, nil
	}
	if err != nil {
		return nil, record{}, err
	}
	rec, err := s.decode(key, raw)
	if err != nil {
		s.recent.put(key, nil, record{})
		return nil, record{}, err
	}
	s.recent.put(key, raw, rec)
	return raw, rec, nil
}

// decode returns the record of the value raw of key; none when raw is nil.
func (s *Store) decode(key string, raw []byte) (record, error) {
	var rec record
	if raw == nil {
		return rec, nil
	}
	if err := json.Unmarshal(raw, &rec); err != nil {
		return record{}, fmt.Errorf("redisstore: session %s…: %w", key[len(s.prefix)+11:][:8], err)
	}
	return rec, nil
}

// live returns the session of rec, held under the key of id, or h5.ErrNoSession
// when there is none or it has expired.
func (s *Store) live(raw []byte, rec record, id string) (h5.Session, error) {
	if raw == nil || (rec.ID != "" && rec.ID != id) || !s.now().Before(rec.Expires) {
		return h5.Session{}, h5.ErrNoSession
	}
	sess := rec.Session
	sess.ID = id
	return sess, nil
}

// Get returns the session with the id, or h5.ErrNoSession.
func (s *Store) Get(ctx context.Context, id string) (h5.Session, error) {
	raw, rec, err := s.fetch(ctx, s.sessionKey(id))
	if err != nil {
		return h5.Session{}, err
	}
	return s.live(raw, rec, id)
}

// Create stores sess until its Expires, unless a session with its id exists: one
// SET NX. When the reply is lost it reads the key to learn whether the session it
// holds is the one it wrote, and sets it again once when the key is still free.
func (s *Store) Create(ctx context.Context, sess h5.Session) error {
	if !s.now().Before(sess.Expires) {
		return nil // expired already: there is nothing to keep
	}
	key, wid := s.sessionKey(sess.ID), newWriteID()
	raw, rec, err := encode(sess, wid, nil)
	if err != nil {
		return err
	}
	for attempt := 0; ; attempt++ {
		err := s.rdb.Do(ctx, "SET", key, raw, "NX", "PXAT", sess.Expires.UnixMilli()).Err()
		if err == nil {
			s.recent.put(key, raw, rec)
			return nil
		}
		if !errors.Is(err, redis.Nil) && isRedisError(err) {
			return err
		}
		// Taken, or the reply is lost. A session under the id is ours when it names
		// our write: go-redis, sending the command again after a lost reply, is
		// answered "taken" for our own write.
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), resolveTimeout)
		held, rec, rerr := s.fetch(rctx, key)
		cancel()
		switch {
		case rerr != nil:
			return fmt.Errorf("%w: %w", ErrOutcomeUnknown, errors.Join(err, rerr))
		case held != nil && slices.Contains(rec.Writes, wid):
			return nil
		case held != nil || errors.Is(err, redis.Nil):
			return h5.ErrSessionExists // taken, and maybe gone since
		case attempt > 0 || ctx.Err() != nil:
			return fmt.Errorf("%w: %w", ErrNotStored, err)
		}
	}
}

// isRedisError reports whether err is a reply of Redis, which tells that the command
// ran, rather than a failure to get a reply.
func isRedisError(err error) bool {
	var rerr redis.Error
	return errors.As(err, &rerr)
}

// Delete drops the session id.
func (s *Store) Delete(ctx context.Context, id string) error {
	key := s.sessionKey(id)
	s.recent.put(key, nil, record{})
	return s.rdb.Del(ctx, key).Err()
}
