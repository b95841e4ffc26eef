package redisstore

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
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

// maxTxAttempts bounds the retries of a change that other replicas keep beating.
const maxTxAttempts = 32

// ErrContention is returned by Update when the session kept changing under it.
var ErrContention = errors.New("redisstore: the session kept changing; change not stored")

// Store is an h5.SessionStore on Redis, for replicas that share sessions.
type Store struct {
	rdb    redis.UniversalClient
	prefix string
	now    func() time.Time
}

var _ h5.SessionStore = (*Store)(nil)

// New returns a Store that keeps sessions on rdb.
func New(rdb redis.UniversalClient, opts ...Option) *Store {
	c := newConfig(opts)
	return &Store{rdb: rdb, prefix: c.prefix, now: time.Now}
}

// sessionKey names the key of the session id: a digest of the id, which is a secret.
func (s *Store) sessionKey(id string) string {
	sum := sha256.Sum256([]byte(id))
	return s.prefix + "h5:session:" + hex.EncodeToString(sum[:])
}

// Get returns the session with the id, or h5.ErrNoSession.
func (s *Store) Get(ctx context.Context, id string) (h5.Session, error) {
	return s.get(ctx, s.rdb, id)
}

// get reads the session id with cmd, which may be a transaction's connection.
func (s *Store) get(ctx context.Context, cmd redis.Cmdable, id string) (h5.Session, error) {
	raw, err := cmd.Get(ctx, s.sessionKey(id)).Bytes()
	if errors.Is(err, redis.Nil) {
		return h5.Session{}, h5.ErrNoSession
	}
	if err != nil {
		return h5.Session{}, err
	}
	var sess h5.Session
	if err := json.Unmarshal(raw, &sess); err != nil {
		return h5.Session{}, fmt.Errorf("redisstore: session %s…: %w", s.sessionKey(id)[len(s.prefix)+11:][:8], err)
	}
	if sess.ID != id || !s.now().Before(sess.Expires) {
		return h5.Session{}, h5.ErrNoSession
	}
	return sess, nil
}

// encode returns the stored form of sess.
func encode(sess h5.Session) ([]byte, error) {
	return json.Marshal(sess)
}

// Create stores sess until its Expires, unless a session with its id exists.
func (s *Store) Create(ctx context.Context, sess h5.Session) error {
	if !s.now().Before(sess.Expires) {
		return nil // expired already: there is nothing to keep
	}
	raw, err := encode(sess)
	if err != nil {
		return err
	}
	err = s.rdb.SetArgs(ctx, s.sessionKey(sess.ID), raw, redis.SetArgs{Mode: "NX", ExpireAt: sess.Expires}).Err()
	if errors.Is(err, redis.Nil) {
		return h5.ErrSessionExists
	}
	return err
}

// Update changes the session id in an optimistic transaction, retried while another
// replica changes the session in between.
func (s *Store) Update(ctx context.Context, id string, change func(*h5.Session) error) (h5.Session, error) {
	key := s.sessionKey(id)
	var out h5.Session
	txf := func(tx *redis.Tx) error {
		sess, err := s.get(ctx, tx, id)
		out = sess
		if err != nil {
			return err
		}
		if err := change(&sess); err != nil {
			return err
		}
		sess.ID = id
		raw, err := encode(sess)
		if err != nil {
			return err
		}
		_, err = tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
			if !s.now().Before(sess.Expires) {
				p.Del(ctx, key)
				return nil
			}
			p.SetArgs(ctx, key, raw, redis.SetArgs{ExpireAt: sess.Expires})
			return nil
		})
		out = sess
		return err
	}
	for i := 0; i < maxTxAttempts; i++ {
		err := s.rdb.Watch(ctx, txf, key)
		if !errors.Is(err, redis.TxFailedErr) {
			return out, err
		}
	}
	return out, ErrContention
}

// Delete drops the session id.
func (s *Store) Delete(ctx context.Context, id string) error {
	return s.rdb.Del(ctx, s.sessionKey(id)).Err()
}

// SigningKeys returns the key every replica signs login forms with, made by the
// first replica that asks (SET NX), then the key it replaced while its overlap lasts.
// It costs one MGET while the key exists.
func (s *Store) SigningKeys(ctx context.Context) ([][]byte, error) {
	name := s.prefix + "h5:signing-key"
	keys, err := s.signingKeys(ctx, name)
	if err != nil || keys != nil {
		return keys, err
	}
	fresh := make([]byte, 32)
	if _, err := rand.Read(fresh); err != nil {
		return nil, err
	}
	if err := s.rdb.SetNX(ctx, name, fresh, 0).Err(); err != nil {
		return nil, err
	}
	if keys, err = s.signingKeys(ctx, name); err == nil && keys == nil {
		err = fmt.Errorf("redisstore: the signing key %s vanished as it was made", name)
	}
	return keys, err
}

// signingKeys reads the signing key name and the one it replaced; nil when there is
// no signing key.
func (s *Store) signingKeys(ctx context.Context, name string) ([][]byte, error) {
	vals, err := s.rdb.MGet(ctx, name, name+":old").Result()
	if err != nil {
		return nil, err
	}
	cur, ok := vals[0].(string)
	if !ok {
		return nil, nil
	}
	if len(cur) < 32 {
		return nil, fmt.Errorf("redisstore: the signing key %s holds %d bytes, not 32", name, len(cur))
	}
	keys := [][]byte{[]byte(cur)}
	if old, ok := vals[1].(string); ok {
		keys = append(keys, []byte(old))
	}
	return keys, nil
}

// rotate keeps the signing key KEYS[1] as KEYS[2] for ARGV[2] milliseconds, and
// signs with ARGV[1] from now on.
var rotate = redis.NewScript(`
local cur = redis.call('GET', KEYS[1])
if cur and tonumber(ARGV[2]) > 0 then
  redis.call('SET', KEYS[2], cur, 'PX', ARGV[2])
else
  redis.call('DEL', KEYS[2])
end
redis.call('SET', KEYS[1], ARGV[1])
return 1`)

// RotateSigningKey makes a new signing key; the one it replaces checks tokens for
// overlap more.
func (s *Store) RotateSigningKey(ctx context.Context, overlap time.Duration) error {
	fresh := make([]byte, 32)
	if _, err := rand.Read(fresh); err != nil {
		return err
	}
	name := s.prefix + "h5:signing-key"
	return rotate.Run(ctx, s.rdb, []string{name, name + ":old"}, fresh, overlap.Milliseconds()).Err()
}
