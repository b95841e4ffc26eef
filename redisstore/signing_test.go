package redisstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcredit-go/tcredit/redisstore"
)

func TestSigningKeys(t *testing.T) {
	eachRedis(t, func(t *testing.T, rdb redis.UniversalClient) {
		ctx := context.Background()
		a, b := redisstore.New(rdb, redisstore.WithPrefix("test:")), redisstore.New(rdb, redisstore.WithPrefix("test:"))
		keys := func(s *redisstore.Store) [][]byte {
			t.Helper()
			k, err := s.SigningKeys(ctx)
			require.NoError(t, err)
			return k
		}

		first := keys(a)
		require.Len(t, first, 1, "made on first use, nothing retired")
		assert.Len(t, first[0], 32)
		assert.Equal(t, first, keys(b), "every replica gets the same key")
		assert.NotEqual(t, first, keys(redisstore.New(rdb, redisstore.WithPrefix("other:"))), "another prefix, another service")

		// A rotation: a new key to sign with, the one it replaces kept for checking
		// during the overlap, on every replica at once.
		require.NoError(t, a.RotateSigningKey(ctx, time.Hour))
		second := keys(b)
		require.Len(t, second, 2)
		assert.NotEqual(t, first[0], second[0], "a new key signs")
		assert.Equal(t, first[0], second[1], "the replaced key checks")
		ttl, err := rdb.PTTL(ctx, "test:{h5:signing-key}:previous").Result()
		require.NoError(t, err)
		assert.InDelta(t, time.Hour.Seconds(), ttl.Seconds(), 5, "the previous key lasts for the overlap")
		ttl, err = rdb.PTTL(ctx, "test:{h5:signing-key}").Result()
		require.NoError(t, err)
		assert.Equal(t, time.Duration(-1), ttl, "the current key does not expire")

		// Rotated again: the key retired before is forgotten at once.
		require.NoError(t, b.RotateSigningKey(ctx, time.Hour))
		third := keys(a)
		require.Len(t, third, 2)
		assert.Equal(t, second[0], third[1])
		assert.NotContains(t, third, first[0])

		// The overlap ends: only the current key is left.
		require.NoError(t, a.RotateSigningKey(ctx, 200*time.Millisecond))
		ttl, err = rdb.PTTL(ctx, "test:{h5:signing-key}:previous").Result()
		require.NoError(t, err)
		assert.LessOrEqual(t, ttl, 200*time.Millisecond)
		elapse(rdb, 250*time.Millisecond)
		fourth := keys(b)
		assert.Len(t, fourth, 1, "the overlap ended")
		assert.NotEqual(t, third[0], fourth[0])

		// No overlap: tokens signed before are refused at once.
		require.NoError(t, a.RotateSigningKey(ctx, 0))
		fifth := keys(b)
		assert.Len(t, fifth, 1)
		assert.NotEqual(t, fourth[0], fifth[0])

		// The documented immediate rotation: delete both keys.
		require.NoError(t, rdb.Del(ctx, "test:{h5:signing-key}", "test:{h5:signing-key}:previous").Err())
		sixth := keys(b)
		assert.Len(t, sixth, 1)
		assert.NotEqual(t, fifth[0], sixth[0])
		assert.Equal(t, sixth, keys(a))

		// A key that is not one is refused, not used.
		require.NoError(t, rdb.Set(ctx, "test:{h5:signing-key}", "short", 0).Err())
		_, err = a.SigningKeys(ctx)
		assert.ErrorContains(t, err, "holds 5 bytes")
	})
}
