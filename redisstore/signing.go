package redisstore

import (
	"context"
	"crypto/rand"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// signingKeyLen is the length of a signing key, in bytes.
const signingKeyLen = 32

// signingKeysScript returns the current signing key, then the previous one if it is
// kept, setting ARGV[1] as the current key when there is none. KEYS[1] is the current
// key's name, KEYS[2] the previous one's.
var signingKeysScript = redis.NewScript(`
local current = redis.call('GET', KEYS[1])
if not current then
  redis.call('SET', KEYS[1], ARGV[1])
  current = ARGV[1]
end
local previous = redis.call('GET', KEYS[2])
if previous then
  return {current, previous}
end
return {current}
`)

// rotateScript makes ARGV[1] the current signing key, and keeps the key it replaces
// as the previous one for ARGV[2] milliseconds (none when 0). KEYS as in
// signingKeysScript.
var rotateScript = redis.NewScript(`
local current = redis.call('GET', KEYS[1])
if current and tonumber(ARGV[2]) > 0 then
  redis.call('SET', KEYS[2], current, 'PX', ARGV[2])
else
  redis.call('DEL', KEYS[2])
end
redis.call('SET', KEYS[1], ARGV[1])
return 1
`)

// signingKeyNames returns the names of the current and the previous signing key:
// one hash tag, so that a cluster keeps both in one slot and a script may use both.
func (s *Store) signingKeyNames() []string {
	current := s.prefix + "{h5:signing-key}"
	return []string{current, current + ":previous"}
}

// SigningKeys returns the keys of the handler's tokens: the key to sign with first
// (created when the store has none), then the key retired by RotateSigningKey if its
// overlap has not ended, good for checking only. It costs one round trip and keeps
// nothing in the process: every replica sees a rotation or a loss of Redis's data at
// its next call.
func (s *Store) SigningKeys(ctx context.Context) ([][]byte, error) {
	fresh, err := newSigningKey()
	if err != nil {
		return nil, err
	}
	names := s.signingKeyNames()
	got, err := signingKeysScript.Run(ctx, s.rdb, names, fresh).StringSlice()
	if err != nil {
		return nil, err
	}
	keys := make([][]byte, len(got))
	for i, k := range got {
		if len(k) < signingKeyLen {
			return nil, fmt.Errorf("redisstore: the signing key %s holds %d bytes, not %d", names[i], len(k), signingKeyLen)
		}
		keys[i] = []byte(k)
	}
	return keys, nil
}

// RotateSigningKey makes a new signing key; the key it replaces stays good for
// checking for overlap, then is forgotten. A key retired before it is forgotten at
// once. With an overlap of zero or less, tokens signed before are refused at once.
func (s *Store) RotateSigningKey(ctx context.Context, overlap time.Duration) error {
	fresh, err := newSigningKey()
	if err != nil {
		return err
	}
	ms := overlap.Milliseconds()
	if overlap > 0 && ms == 0 {
		ms = 1
	}
	return rotateScript.Run(ctx, s.rdb, s.signingKeyNames(), fresh, max(ms, 0)).Err()
}

// newSigningKey returns a random key.
func newSigningKey() ([]byte, error) {
	key := make([]byte, signingKeyLen)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	return key, nil
}
